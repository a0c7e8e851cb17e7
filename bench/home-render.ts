import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../src/context.js';
import { buildHome } from '../src/features/home/service.js';
import { createDatabase, type Store } from '../src/store/database.js';
import { KNOWN_PHASES } from '../src/domain/phases.js';
import { percentile, round, type Bench, type BenchRow } from './lib.js';

const SIZES = [500, 5_000, 20_000];
const TEAM = 'T0BENCH01';
const ADMIN = 'U0BENCH';
const CSM = 'U0BENCHCSM';

async function seed(store: Store, n: number): Promise<void> {
  const now = new Date().toISOString();
  const states = ['active', 'active', 'paused', 'at_risk', 'waiting'];
  for (let start = 0; start < n; start += 500) {
    const batch = Array.from({ length: Math.min(500, n - start) }, (_, k) => start + k);
    await store.db
      .insertInto('rm_customers')
      .values(
        batch.map((i) => ({
          workspace_id: TEAM,
          id: `cus_${i}`,
          display_id: i + 1,
          name: `Customer ${i}`,
          name_lower: `customer ${i}`,
          deleted: 0,
          synced_at: now,
        })),
      )
      .execute();
    await store.db
      .insertInto('rm_onboardings')
      .values(
        batch.map((i) => ({
          workspace_id: TEAM,
          id: `onb_${i}`,
          display_id: i + 1,
          customer_id: `cus_${i}`,
          phase: KNOWN_PHASES[i % KNOWN_PHASES.length]!,
          state: states[i % states.length]!,
          waiting_on_customer: 0,
          target_launch_date: i % 3 === 0 ? '2020-01-01' : '2099-12-31',
          csm_id: `user_csm_${i % 9}`,
          phase_entered_at: now,
          deleted: 0,
          synced_at: now,
        })),
      )
      .execute();
  }
}

/**
 * Home render time: everything from the store to the Block Kit JSON (the queries, counts, the page,
 * the view), as an admin sees it (everyone's onboardings, the workload) and as a CSM does (their own). Slack and Pivotal are stubbed: Home never calls Pivotal, and the
 * admin check is cached in the app.
 */
export const homeRender: Bench = {
  name: 'home-render',
  async run({ runs }) {
    const rows: BenchRow[] = [];
    for (const n of SIZES) {
      const dataDir = await mkdtemp(join(tmpdir(), 'bench-home-'));
      const store = await createDatabase({ dataDir });
      try {
        await seed(store, n);
        // A CSM mapped to one Pivotal user owns a ninth of the onboardings: their Home opens on "Mine".
        await store.db
          .insertInto('user_mappings')
          .values({ workspace_id: TEAM, slack_user_id: CSM, pivotal_user_id: 'user_csm_1', updated_at: '' })
          .execute();
        const ctx = {
          store,
          now: () => new Date(),
          config: { notifyChannel: 'C0BENCH' },
          pivotal: { forWorkspace: async () => ({ mode: 'live', keyPrefix: 'pivotal_Bnch', source: 'stored' }) },
          permissions: {
            isAdmin: async (_c: unknown, _w: string, user: string) => user === ADMIN,
            admins: async () => [],
          },
        } as unknown as AppContext;
        for (const [who, userId] of [
          ['admin, everyone', ADMIN],
          ['CSM, mine', CSM],
        ] as const) {
          const samples: number[] = [];
          let blocks = 0;
          let bytes = 0;
          for (let i = 0; i < Math.max(20, runs * 10); i++) {
            const started = performance.now();
            const view = await buildHome(ctx, {} as WebClient, { teamId: TEAM }, userId);
            samples.push(performance.now() - started);
            blocks = view.blocks.length;
            bytes = Buffer.byteLength(JSON.stringify(view));
          }
          samples.sort((a, b) => a - b);
          rows.push({
            bench: 'home-render',
            case: `${n.toLocaleString('en-US')} onboardings (${who})`,
            p50_ms: round(percentile(samples, 50)),
            p95_ms: round(percentile(samples, 95)),
            blocks,
            bytes,
          });
        }
      } finally {
        await store.destroy();
        await rm(dataDir, { recursive: true, force: true });
      }
    }
    return rows;
  },
};

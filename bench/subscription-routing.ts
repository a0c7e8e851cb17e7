import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppContext } from '../src/context.js';
import { filterKey, parseSubscription, type Vocabulary } from '../src/domain/subscription-filter.js';
import { DEFAULT_PHASES, KNOWN_PHASES } from '../src/domain/phases.js';
import { recordActivity } from '../src/notifications/activity.js';
import { loadCard } from '../src/notifications/card-data.js';
import { routeRow } from '../src/notifications/subscription-routing.js';
import { createDatabase } from '../src/store/database.js';
import { saveSubscription } from '../src/store/subscriptions.js';
import { percentile, round, type Bench, type BenchRow } from './lib.js';

const TEAM = 'T0BENCH01';
const SUBSCRIPTIONS = 200;

const vocab: Vocabulary = {
  phases: DEFAULT_PHASES,
  states: ['active', 'paused', 'at_risk', 'waiting'].map((key) => ({ key, name: key })),
  customer: () => ({ id: 'cus_1', name: 'Customer 1' }),
  customerExamples: [],
};

/** A mix of what channels subscribe to: phase and state filters, exclusions, events, customers. */
function specFor(i: number): string {
  const phase = KNOWN_PHASES[i % KNOWN_PHASES.length]!;
  const other = KNOWN_PHASES[(i + 3) % KNOWN_PHASES.length]!;
  const shapes = [
    `phase:${phase},${other} -state:paused`,
    `launched sent_back -phase:${phase}`,
    `state:at_risk,active customer:cus_${i}`,
    `phase owner:<@U0BENCH${String(i % 10).padStart(2, '0')}>`,
  ];
  return shapes[i % shapes.length]!;
}

/**
 * Routing one change through 200 subscriptions: reading them, matching the change against each,
 * and writing one outbox row per channel that hears it, on SQLite. The change itself is recorded
 * first (outside the timing), as the writer does.
 */
export const subscriptionRouting: Bench = {
  name: 'subscription-routing',
  async run({ runs }) {
    const dataDir = await mkdtemp(join(tmpdir(), 'bench-subs-'));
    const store = await createDatabase({ dataDir });
    try {
      const now = new Date().toISOString();
      await store.db
        .insertInto('rm_customers')
        .values({
          workspace_id: TEAM,
          id: 'cus_1',
          display_id: 1,
          name: 'Customer 1',
          name_lower: 'customer 1',
          deleted: 0,
          synced_at: now,
        })
        .execute();
      await store.db
        .insertInto('rm_onboardings')
        .values({
          workspace_id: TEAM,
          id: 'onb_1',
          display_id: 1,
          customer_id: 'cus_1',
          phase: 'launch',
          state: 'active',
          waiting_on_customer: 0,
          phase_entered_at: now,
          deleted: 0,
          synced_at: now,
        })
        .execute();
      for (let i = 0; i < SUBSCRIPTIONS; i++) {
        const parsed = parseSubscription(specFor(i), vocab);
        if (!parsed.ok) throw new Error(parsed.problem);
        await saveSubscription(store.db, {
          workspaceId: TEAM,
          channelId: `C0BENCH${i}`,
          filterKey: filterKey(parsed.subscription),
          spec: JSON.stringify(parsed.subscription),
          names: '{}',
          createdBy: 'U0BENCH',
          now,
        });
      }
      const ctx = {
        store,
        now: () => new Date(),
        config: { slack: { kind: 'single' }, notifyChannel: 'C0NOTIFY' },
      } as unknown as AppContext;
      const samples: number[] = [];
      let channels = 0;
      for (let i = 0; i < Math.max(30, runs * 10); i++) {
        const event = {
          kind: 'onboarding.phase_changed' as const,
          onboardingId: 'onb_1',
          from: 'internal_qa',
          to: 'launch',
          direction: 'advance' as const,
          actor: { type: 'pivotal' as const },
        };
        await recordActivity(store.db, TEAM, event, `run-${i}`, new Date().toISOString());
        const row = await store.db
          .selectFrom('outbox')
          .selectAll()
          .where('dedupe_key', 'like', `%@run-${i}`)
          .executeTakeFirstOrThrow();
        const started = performance.now();
        const loaded = await loadCard(ctx, TEAM, 'onb_1', null);
        const outcome = await routeRow(ctx, row, loaded!, () => false);
        samples.push(performance.now() - started);
        if (outcome.kind === 'routed') channels = outcome.channels;
      }
      samples.sort((a, b) => a - b);
      const rows: BenchRow[] = [
        {
          bench: 'subscription-routing',
          case: `1 change, ${SUBSCRIPTIONS} subscriptions`,
          p50_ms: round(percentile(samples, 50)),
          p95_ms: round(percentile(samples, 95)),
          channels,
        },
      ];
      return rows;
    } finally {
      await store.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import type { Store } from '../../src/store/database.js';
import { ADMIN, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { openHome, waitForFullSync } from '../harness/home.js';
import { waitFor } from '../harness/wait.js';
import { dialects, withStableSchemas } from '../helpers/databases.js';

const postgres = dialects.find((d) => d.name === 'postgres');
const TITLE = 'two app instances on one Postgres';
const cyclesOf = (h: Harness) => h.logs.lines.filter((l) => l.includes('sync cycle finished')).length;

if (!postgres) {
  describe(`${TITLE} [postgres]`, () => {
    if (process.env.CI === 'true') {
      it('runs against Postgres in CI', () => {
        throw new Error('CI must run the replica tests against Postgres: set TEST_DATABASE_URL');
      });
    } else {
      it('runs against Postgres', (context) => {
        console.warn('Postgres store tests skipped: set TEST_DATABASE_URL=postgres://user@host:5432/database');
        context.skip();
      });
    }
  });
} else {
  describe(`${TITLE} [postgres]`, () => {
    let store: Store;
    let pivotal: PivotalSimulator;
    let slack: FakeSlack;
    const instances: Harness[] = [];
    const encryptionKey = randomBytes(32).toString('base64');

    beforeAll(async () => {
      // A schema of its own (dropped afterwards), shared by both instances through search_path.
      store = await postgres.open();
      const { rows } = await (await import('kysely')).sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.searchParams.set('options', `-c search_path=${rows[0]!.schema}`);
      pivotal = await startPivotalSimulator({ rateLimit: { live: 100_000 } });
      slack = await startFakeSlack({ teamId: TEAM.id });
      const sync = { tickMs: 20, intervalMs: 150, leaseTtlMs: 2_000, homeRefreshMs: 0 };
      const first = await withStableSchemas(() => startHarness({ shared: { pivotal, slack }, sync, seed: (p, orgId) => p.seedDemo(orgId), env: { DATABASE_URL: url.toString(), PIVOTAL_KEY_ENCRYPTION_KEY: encryptionKey } }));
      instances.push(first);
      instances.push(
        await withStableSchemas(() =>
          startHarness({ shared: { pivotal, slack }, bootstrapKey: false, sync, env: { DATABASE_URL: url.toString(), PIVOTAL_KEY_ENCRYPTION_KEY: encryptionKey, PIVOTAL_API_KEY: first.apiKey! } }),
        ),
      );
      await openHome(first, ADMIN);
      await waitForFullSync(first);
    });
    afterAll(async () => {
      for (const h of instances) await h.close().catch(() => {});
      await slack?.close();
      await pivotal?.close();
      await store?.destroy();
    });

    it('syncs each workspace in one instance at a time and announces each change once, also when it hands over', async () => {
      const [a, b] = instances as [Harness, Harness];
      const orgId = a.orgId;
      const outbox = () => store.db.selectFrom('outbox').select(['onboarding_id', 'kind']).where('workspace_id', '=', TEAM.id).execute();

      // Let a few cycles run: they all happen in the one instance that holds the lease.
      await waitFor(() => cyclesOf(a) + cyclesOf(b) >= 5, { what: 'five cycles' });
      const [holder, other] = cyclesOf(a) > 0 ? [a, b] : [b, a];
      expect(cyclesOf(other)).toBe(0);

      const first = pivotal.state.list(orgId, 'onboardings').find((o) => o.phase === 'review')!;
      pivotal.state.updateOnboarding(orgId, first.id, { phase: 'program_buildout' });
      await waitFor(async () => (await outbox()).some((e) => e.onboarding_id === first.id), { what: 'the first change announced' });
      const seen = cyclesOf(holder);
      await waitFor(() => cyclesOf(holder) >= seen + 3, { what: 'more cycles' });
      expect((await outbox()).filter((e) => e.onboarding_id === first.id)).toHaveLength(1);
      expect(cyclesOf(other)).toBe(0);

      // The holder stops (its lease is released): the other instance takes the workspace over.
      await holder.close();
      instances.splice(instances.indexOf(holder), 1);
      const second = pivotal.state.list(orgId, 'onboardings').find((o) => o.phase === 'launch')!;
      pivotal.state.updateOnboarding(orgId, second.id, { state: 'paused' });
      await waitFor(async () => (await outbox()).some((e) => e.onboarding_id === second.id), { what: 'the second change announced by the other instance' });
      // The event is committed with its page; the cycle's log line follows at its end.
      await waitFor(() => cyclesOf(other) > 0, { what: 'the other instance to log its cycle' });
      expect((await outbox()).filter((e) => e.onboarding_id === second.id)).toHaveLength(1);
      expect((await outbox()).filter((e) => e.onboarding_id === first.id)).toHaveLength(1);
      expect(other.logs.leaked([...a.secrets, ...b.secrets])).toEqual([]);
    });
  });
}

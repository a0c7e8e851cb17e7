import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { PivotalClient } from '../../src/pivotal/index.js';
import { DEFAULT_SYNC_OPTIONS } from '../../src/sync/options.js';
import { runSyncCycle, type CycleInput } from '../../src/sync/workspace-sync.js';
import { ensureWorkspace } from '../../src/store/workspaces.js';
import { describeEachDialect } from '../helpers/databases.js';

const TEAM = 'T0CHUNKS1';
const FIRST_BATCH = 30;
const NEW_BATCH = 50;

/**
 * The sync applies a page in several transactions so requests run between them (src/sync/workspace-sync.ts
 * applyPage). A cycle that stops after the first of them, as one that lost its lease or died would,
 * must leave the walk on that page, and the next cycle must finish it with every new onboarding in
 * the read model and announced exactly once.
 */
describeEachDialect('a page of records applied in chunks', (suite) => {
  let pivotal: PivotalSimulator;
  let clock = new Date('2026-03-02T09:00:00.000Z');

  beforeEach(async () => {
    pivotal = await startPivotalSimulator({ rateLimit: { live: 100_000 }, now: () => clock });
  });
  afterEach(async () => {
    await pivotal.close();
  });

  it('resumes a page a cycle stopped in the middle of, with nothing lost or announced twice', async () => {
    const store = suite.store();
    const db = store.db;
    const org = pivotal.createOrg({ name: 'Chunk Corp', slug: 'chunk-corp' });
    const key = pivotal.createKey(org.id, { mode: 'live', name: 'chunks' });
    await ensureWorkspace(db, { teamId: TEAM });
    pivotal.seedBulk(org.id, FIRST_BATCH);
    const cycle = (stillHolder: CycleInput['stillHolder']) =>
      runSyncCycle({
        store,
        logger: pino({ level: 'silent' }),
        now: () => new Date(),
        workspace: { id: TEAM, pivotal_org_id: org.id, pivotal_org_name: org.name },
        connection: {
          client: new PivotalClient({ baseUrl: pivotal.url, apiKey: key, random: () => 0 }),
          workspaceId: TEAM,
          mode: 'live',
          keyPrefix: 'chunks',
          source: 'stored',
        },
        options: DEFAULT_SYNC_OPTIONS,
        signal: new AbortController().signal,
        stillHolder,
      });
    const liveOnboardings = async () =>
      (
        await db
          .selectFrom('rm_onboardings')
          .select('id')
          .where('workspace_id', '=', TEAM)
          .where('deleted', '=', 0)
          .execute()
      ).map((r) => r.id);
    const announcedOpened = async () =>
      (
        await db
          .selectFrom('outbox')
          .select('onboarding_id')
          .where('workspace_id', '=', TEAM)
          .where('kind', '=', 'onboarding.opened')
          .execute()
      ).map((r) => r.onboarding_id);
    const syncState = () =>
      db.selectFrom('sync_state').selectAll().where('workspace_id', '=', TEAM).executeTakeFirstOrThrow();

    expect((await cycle(async () => true)).walkComplete).toBe(true);
    const firstIds = new Set(await liveOnboardings());
    expect(firstIds.size).toBe(FIRST_BATCH);
    const isNew = (id: string) => !firstIds.has(id);
    const before = await syncState();

    // Created an hour later, so every one of them is news.
    clock = new Date(clock.getTime() + 3_600_000);
    pivotal.seedBulk(org.id, NEW_BATCH);
    // The lease is lost at the first look after some of the new onboardings were committed.
    const stopped = await cycle(async () => (await liveOnboardings()).length === FIRST_BATCH);
    expect(stopped.stopped).toBe(true);
    const partial = await liveOnboardings();
    expect(partial.length).toBeGreaterThan(FIRST_BATCH);
    expect(partial.length).toBeLessThan(FIRST_BATCH + NEW_BATCH);
    expect((await announcedOpened()).sort()).toEqual(partial.filter(isNew).sort());
    // The walk is still on the page it did not finish, and the newest onboarding known has not moved.
    expect(await syncState()).toMatchObject({
      walk_kind: 'onboardings',
      walk_cursor: null,
      onboardings_cursor: before.onboardings_cursor,
    });

    const resumed = await cycle(async () => true);
    expect(resumed.stopped).toBe(false);
    const all = await liveOnboardings();
    expect(all).toHaveLength(FIRST_BATCH + NEW_BATCH);
    const opened = await announcedOpened();
    expect(opened).toHaveLength(NEW_BATCH);
    expect(opened.sort()).toEqual(all.filter(isNew).sort());
    expect((await syncState()).onboardings_cursor).not.toBe(before.onboardings_cursor);
  });
});

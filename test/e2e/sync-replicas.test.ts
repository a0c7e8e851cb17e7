import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import type { Store } from '../../src/store/database.js';
import {
  ADMIN,
  NOTIFY_CHANNEL,
  startHarness,
  TEAM,
  type Harness,
  type HarnessOptions,
} from '../harness/app-harness.js';
import { openHome, waitForFullSync } from '../harness/home.js';
import { fastOutbox, postsAbout } from '../harness/phase-moves.js';
import { visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';
import { dialects, withStableSchemas } from '../helpers/databases.js';

const postgres = dialects.find((d) => d.name === 'postgres');
const TITLE = 'two app instances on one Postgres';
const cyclesOf = (h: Harness) => h.logs.lines.filter((l) => l.includes('sync cycle finished')).length;
/**
 * Sync and outbox leases both run out this long after their holder last renewed them. Both instances
 * share this process: a stall of the event loop longer than this (a machine running several suites)
 * would let the other instance take a lease from a live holder.
 */
const LEASE_TTL_MS = 5_000;
/** The most any one awaited event may take on a loaded machine; each is an event, not a timing goal. */
const UNDER_LOAD_MS = 60_000;
const SYNC_LEASE = `sync:${TEAM.id}`;
const OUTBOX_LEASE = 'outbox';

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

    /** The Pivotal organization the key of every instance points at (seeded by the first). */
    let orgId: string;
    let startInstance: (extra?: Pick<HarnessOptions, 'seed' | 'bootstrapKey'>) => Promise<Harness>;

    /** The outbox rows of the workspace, whichever instance wrote them. */
    const outbox = () =>
      store.db
        .selectFrom('outbox')
        .select(['onboarding_id', 'kind', 'status'])
        .where('workspace_id', '=', TEAM.id)
        .execute();
    const lease = (name: string) =>
      store.db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();

    /** Waits until every outbox row about this onboarding has been accepted by the (one, shared) fake Slack. */
    async function deliveredAbout(onboardingId: string): Promise<void> {
      await waitFor(
        async () => {
          const rows = (await outbox()).filter((r) => r.onboarding_id === onboardingId);
          return rows.length > 0 && rows.every((r) => r.status === 'done');
        },
        { what: `the posts about ${onboardingId} delivered`, timeoutMs: UNDER_LOAD_MS },
      );
    }

    /** What the channel shows about an onboarding, whichever instance posted it: its parent posts and its thread replies. */
    function channelAbout(h: Harness, onboardingId: string) {
      const { tops, replies } = postsAbout(h, onboardingId);
      return {
        parents: tops.map((m) => m.channel),
        replies: replies.map((m) => ({
          channel: m.channel,
          inThread: m.thread_ts === tops[0]?.ts,
          text: visibleText(m.blocks),
        })),
      };
    }

    beforeAll(async () => {
      // A schema of its own (dropped afterwards), shared by every instance through search_path.
      store = await postgres.open();
      const { rows } = await (await import('kysely')).sql<{
        schema: string;
      }>`select current_schema() as schema`.execute(store.db);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.searchParams.set('options', `-c search_path=${rows[0]!.schema}`);
      pivotal = await startPivotalSimulator({ rateLimit: { live: 100_000 } });
      slack = await startFakeSlack({ teamId: TEAM.id });
      const sync = { tickMs: 20, intervalMs: 150, leaseTtlMs: LEASE_TTL_MS, homeRefreshMs: 0 };
      let apiKey: string | undefined;
      startInstance = async (extra = { bootstrapKey: false }) => {
        const h = await withStableSchemas(() =>
          startHarness({
            shared: { pivotal, slack },
            sync,
            ...extra,
            env: {
              DATABASE_URL: url.toString(),
              PIVOTAL_KEY_ENCRYPTION_KEY: encryptionKey,
              ...(apiKey ? { PIVOTAL_API_KEY: apiKey } : {}),
            },
          }),
        );
        // Posts go out in milliseconds, and the outbox lease passes on as fast as the sync lease.
        fastOutbox(h, { leaseTtlMs: LEASE_TTL_MS });
        instances.push(h);
        return h;
      };
      const first = await startInstance({ seed: (p, orgId) => p.seedDemo(orgId) });
      apiKey = first.apiKey!;
      orgId = first.orgId;
      await startInstance();
      await openHome(first, ADMIN);
      await waitForFullSync(first);
    }, 2 * UNDER_LOAD_MS);
    afterAll(async () => {
      for (const h of instances) await h.close().catch(() => {});
      await slack?.close();
      await pivotal?.close();
      await store?.destroy();
    });

    it(
      'syncs each workspace in one instance at a time and announces each change once, also when it hands over',
      async () => {
        const [a, b] = instances as [Harness, Harness];

        // Let a few cycles run: they all happen in the one instance that holds the lease.
        await waitFor(() => cyclesOf(a) + cyclesOf(b) >= 5, { what: 'five cycles', timeoutMs: UNDER_LOAD_MS });
        const [holder, other] = cyclesOf(a) > 0 ? [a, b] : [b, a];
        expect(cyclesOf(other)).toBe(0);

        const first = pivotal.state.list(orgId, 'onboardings').find((o) => o.phase === 'review')!;
        pivotal.state.updateOnboarding(orgId, first.id, { phase: 'program_buildout' });
        await waitFor(async () => (await outbox()).some((e) => e.onboarding_id === first.id), {
          what: 'the first change announced',
          timeoutMs: UNDER_LOAD_MS,
        });
        const seen = cyclesOf(holder);
        await waitFor(() => cyclesOf(holder) >= seen + 3, { what: 'more cycles', timeoutMs: UNDER_LOAD_MS });
        expect((await outbox()).filter((e) => e.onboarding_id === first.id)).toHaveLength(1);
        expect(cyclesOf(other)).toBe(0);
        // In Slack, whichever instance dispatched: one parent post and one reply in its thread.
        await deliveredAbout(first.id);
        expect(channelAbout(a, first.id)).toEqual({
          parents: [NOTIFY_CHANNEL],
          replies: [
            {
              channel: NOTIFY_CHANNEL,
              inThread: true,
              text: ':arrow_forward: Phase moved in Pivotal: *Review* → *Program buildout*',
            },
          ],
        });

        // The holder stops (its lease is released): the other instance takes the workspace over.
        await holder.close();
        instances.splice(instances.indexOf(holder), 1);
        const second = pivotal.state.list(orgId, 'onboardings').find((o) => o.state === 'active' && o.id !== first.id)!;
        pivotal.state.updateOnboarding(orgId, second.id, { state: 'paused' });
        await waitFor(async () => (await outbox()).some((e) => e.onboarding_id === second.id), {
          what: 'the second change announced by the other instance',
          timeoutMs: UNDER_LOAD_MS,
        });
        // The event is committed with its page; the cycle's log line follows at its end.
        await waitFor(() => cyclesOf(other) > 0, {
          what: 'the other instance to log its cycle',
          timeoutMs: UNDER_LOAD_MS,
        });
        expect((await outbox()).filter((e) => e.onboarding_id === second.id)).toHaveLength(1);
        expect((await outbox()).filter((e) => e.onboarding_id === first.id)).toHaveLength(1);
        await deliveredAbout(second.id);
        expect(channelAbout(other, second.id)).toEqual({
          parents: [NOTIFY_CHANNEL],
          replies: [
            {
              channel: NOTIFY_CHANNEL,
              inThread: true,
              text: ':traffic_light: State changed in Pivotal: *Active* → *Paused*',
            },
          ],
        });
        // Across both instances the channel holds exactly these four messages: nothing was posted twice.
        expect(channelAbout(other, first.id).replies).toHaveLength(1);
        expect(slack.messages.filter((m) => m.channel === NOTIFY_CHANNEL)).toHaveLength(4);
        expect(other.logs.leaked([...a.secrets, ...b.secrets])).toEqual([]);
      },
      4 * UNDER_LOAD_MS,
    );

    it(
      'hands a workspace over only once the leases of an instance that died without releasing them expire, and still posts each change once',
      async () => {
        const [dying] = instances as [Harness];
        const survivor = await startInstance();
        const dyingCycles = cyclesOf(dying);
        await waitFor(() => cyclesOf(dying) >= dyingCycles + 2, {
          what: 'the holding instance to keep syncing',
          timeoutMs: UNDER_LOAD_MS,
        });
        expect((await lease(SYNC_LEASE))?.holder).toBe(dying.app.sync.worker.holder);
        expect(await lease(OUTBOX_LEASE)).toBeDefined();
        expect(cyclesOf(survivor)).toBe(0);
        const messagesBefore = slack.messages.length;

        // The holder loses its database for good (a crash, a partition): it can neither renew nor release its leases.
        await dying.app.ctx.store.destroy();
        const dead = await store.db
          .selectFrom('leases')
          .selectAll()
          .where('name', 'in', [SYNC_LEASE, OUTBOX_LEASE])
          .execute();
        expect(dead.map((l) => l.name).sort()).toEqual([OUTBOX_LEASE, SYNC_LEASE]);
        expect(dead.find((l) => l.name === SYNC_LEASE)!.holder).toBe(dying.app.sync.worker.holder);

        // An onboarding nothing was announced about yet, so whatever the channel shows of it comes from this change.
        const announcedBefore = new Set((await outbox()).map((r) => r.onboarding_id));
        const third = pivotal.state
          .list(orgId, 'onboardings')
          .find((o) => o.phase === 'internal_qa' && !announcedBefore.has(o.id))!;
        pivotal.state.updateOnboarding(orgId, third.id, { phase: 'launch' });

        // Until a lease expires nobody else holds it, and the survivor neither syncs nor announces.
        const early: string[] = [];
        await waitFor(
          async () => {
            const rows = await store.db.selectFrom('leases').select(['name', 'holder']).execute();
            const announced = (await outbox()).some((e) => e.onboarding_id === third.id);
            const cycles = cyclesOf(survivor);
            const at = Date.now();
            for (const d of dead) {
              if (at >= Date.parse(d.expires_at)) continue;
              const holder = rows.find((r) => r.name === d.name)?.holder ?? 'nobody';
              if (holder !== d.holder)
                early.push(`${d.name} held by ${holder} ${Date.parse(d.expires_at) - at} ms before it expired`);
            }
            if (at < Date.parse(dead.find((l) => l.name === SYNC_LEASE)!.expires_at) && (cycles > 0 || announced)) {
              early.push(
                `the survivor synced (${cycles} cycles, change announced: ${announced}) before the lease expired`,
              );
            }
            return dead.every((d) => at >= Date.parse(d.expires_at));
          },
          { what: 'the leases of the dead instance to expire', timeoutMs: LEASE_TTL_MS + UNDER_LOAD_MS },
        );
        expect(early).toEqual([]);

        // Then the survivor takes both over, syncs the change and posts it once.
        await waitFor(async () => (await lease(SYNC_LEASE))?.holder === survivor.app.sync.worker.holder, {
          what: 'the survivor to take the sync over',
          timeoutMs: UNDER_LOAD_MS,
        });
        await waitFor(async () => (await outbox()).some((e) => e.onboarding_id === third.id), {
          what: 'the change announced by the survivor',
          timeoutMs: UNDER_LOAD_MS,
        });
        await deliveredAbout(third.id);
        const outboxHolder = (await lease(OUTBOX_LEASE))?.holder;
        expect(outboxHolder).toBeDefined();
        expect(outboxHolder).not.toBe(dead.find((l) => l.name === OUTBOX_LEASE)!.holder);
        expect(cyclesOf(survivor)).toBeGreaterThan(0);
        expect((await outbox()).filter((e) => e.onboarding_id === third.id)).toHaveLength(1);
        expect(channelAbout(survivor, third.id)).toEqual({
          parents: [NOTIFY_CHANNEL],
          replies: [
            {
              channel: NOTIFY_CHANNEL,
              inThread: true,
              text: ':arrow_forward: Phase moved in Pivotal: *Internal QA* → *Launch*',
            },
          ],
        });
        expect(slack.messages.slice(messagesBefore)).toHaveLength(2);

        // The dead instance shuts down without a database (its release attempts fail quietly) and leaked nothing.
        instances.splice(instances.indexOf(dying), 1);
        await dying.close();
        expect((await lease(SYNC_LEASE))?.holder).toBe(survivor.app.sync.worker.holder);
        expect(survivor.logs.leaked([...dying.secrets, ...survivor.secrets])).toEqual([]);
      },
      4 * UNDER_LOAD_MS,
    );
  });
}

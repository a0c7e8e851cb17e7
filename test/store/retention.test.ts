import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { Db } from '../../src/store/database.js';
import { tryAcquireLease } from '../../src/store/leases.js';
import { claimMoveSubmission } from '../../src/store/move-claims.js';
import { createPendingSwitch, PENDING_SWITCH_TTL_MS } from '../../src/store/pending-key-switches.js';
import { markEventProcessed } from '../../src/store/processed-events.js';
import type { EncryptedText } from '../../src/security/key-encryption.js';
import { addCleanupTargets, createCleanupJob, setCleanupStatus } from '../../src/store/test-record-cleanup.js';
import { recordWebhookEvent } from '../../src/store/webhook-events.js';
import { RetentionJob } from '../../src/store/retention-job.js';
import {
  pruneDeliveredPosts,
  pruneExpired,
  type PruneCounts,
  type RetentionPolicy,
} from '../../src/store/retention.js';
import type { OutboxStatus } from '../../src/store/schema-domain.js';
import { waitFor } from '../harness/wait.js';
import { describeEachDialect } from '../helpers/databases.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const POLICY: RetentionPolicy = { processedEventsDays: 8, deliveredPostsDays: 30 };
const NOTHING: PruneCounts = {
  processedEvents: 0,
  deliveredPosts: 0,
  webhookEvents: 0,
  moveClaims: 0,
  onboardJobs: 0,
  pendingKeySwitches: 0,
  testCleanupJobs: 0,
};
const pruned = (counts: Partial<PruneCounts>): PruneCounts => ({ ...NOTHING, ...counts });
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

interface PostSpec {
  id: string;
  status: OutboxStatus;
  /** Created this many days ago; a delivered row was delivered a minute later. */
  ageDays: number;
  onboarding?: string;
  workspace?: string;
}

async function insertPosts(db: Db, posts: PostSpec[]): Promise<void> {
  for (const p of posts) {
    const createdAt = daysAgo(p.ageDays).toISOString();
    await db
      .insertInto('outbox')
      .values({
        id: p.id,
        workspace_id: p.workspace ?? 'T1',
        dedupe_key: `key:${p.id}`,
        kind: 'onboarding.phase_changed',
        onboarding_id: p.onboarding ?? `ob-${p.id}`,
        payload: '{}',
        status: p.status,
        attempts: p.status === 'pending' ? 0 : 1,
        next_attempt_at: createdAt,
        created_at: createdAt,
        done_at: p.status === 'done' ? new Date(Date.parse(createdAt) + 60_000).toISOString() : null,
      })
      .execute();
  }
}

const postIds = async (db: Db) => (await db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id);
const eventIds = async (db: Db) =>
  (await db.selectFrom('processed_events').select('event_id').orderBy('event_id').execute()).map((r) => r.event_id);

describeEachDialect('retention', (suite) => {
  const db = () => suite.store().db;
  const job = (holder: string) =>
    new RetentionJob({ db: db(), logger: pino({ level: 'silent' }), now: () => NOW, policy: POLICY, holder });

  it('prunes Slack event ids older than the policy, and then accepts them again', async () => {
    await markEventProcessed(db(), 'EvOld', daysAgo(9));
    await markEventProcessed(db(), 'EvEdge', daysAgo(7.9));
    await markEventProcessed(db(), 'EvNew', daysAgo(0.01));

    expect(await pruneExpired(db(), POLICY, NOW)).toEqual(pruned({ processedEvents: 1, deliveredPosts: 0 }));

    expect(await eventIds(db())).toEqual(['EvEdge', 'EvNew']);
    expect(await markEventProcessed(db(), 'EvOld', NOW)).toBe(true);
    expect(await markEventProcessed(db(), 'EvNew', NOW)).toBe(false);
  });

  it('prunes delivered posts older than the policy, never undelivered or held ones, nor an unfinished thread', async () => {
    await insertPosts(db(), [
      { id: 'done-old', status: 'done', ageDays: 31 },
      { id: 'done-recent', status: 'done', ageDays: 29 },
      { id: 'pending-old', status: 'pending', ageDays: 90 },
      { id: 'held-old', status: 'held', ageDays: 90 },
      // An onboarding whose later post is still held: its delivered posts stay.
      { id: 'thread-1', status: 'done', ageDays: 60, onboarding: 'ob-waiting' },
      { id: 'thread-2', status: 'held', ageDays: 59, onboarding: 'ob-waiting' },
      // The same onboarding id in another workspace is another onboarding, and is finished.
      { id: 'other-ws', status: 'done', ageDays: 60, onboarding: 'ob-waiting', workspace: 'T2' },
    ]);

    expect(await pruneExpired(db(), POLICY, NOW)).toEqual(pruned({ processedEvents: 0, deliveredPosts: 2 }));

    expect(await postIds(db())).toEqual(['done-recent', 'held-old', 'pending-old', 'thread-1', 'thread-2']);
  });

  it('prunes what answers repeats of requests and events once no repeat can come: webhook ids, move claims, ended onboard jobs, expired key switches, finished cleanups', async () => {
    for (const [id, age] of [
      ['whOld', 9],
      ['whNew', 7],
    ] as const)
      await recordWebhookEvent(db(), 'T1', id, daysAgo(age));
    for (const [submission, age] of [
      ['V1:old', 1.1],
      ['V2:new', 0.9],
    ] as const)
      await claimMoveSubmission(
        db(),
        { workspaceId: 'T1', submission, onboardingId: 'ob-1', actorSlackUserId: 'U1' },
        daysAgo(age),
      );
    for (const [viewId, status, age] of [
      ['V-done-old', 'done', 8],
      ['V-failed-old', 'failed', 8],
      ['V-done-new', 'done', 6],
      ['V-queued-old', 'queued', 30],
      ['V-running-old', 'running', 30],
    ] as const) {
      const at = daysAgo(age).toISOString();
      await db()
        .insertInto('onboard_jobs')
        .values({
          workspace_id: 'T1',
          view_id: viewId,
          team_id: 'T1',
          enterprise_id: null,
          user_id: 'U1',
          mode: 'test',
          input: '{}',
          status,
          customer_id: null,
          contact_id: null,
          onboarding_id: null,
          records: '{}',
          problem: null,
          lease_token: null,
          lease_until: at,
          attempts: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    const pendingSwitch = (requestedBy: string, at: Date) =>
      createPendingSwitch(
        db(),
        {
          workspaceId: 'T1',
          requestedBy,
          keyCiphertext: 'ciphertext' as EncryptedText,
          keyPrefix: 'pivotal_sk_test_ab',
          keyName: null,
          mode: 'test',
          reportedMode: null,
          orgId: null,
          orgSlug: null,
          orgName: null,
        },
        at,
      );
    await pendingSwitch('U-expired', new Date(NOW.getTime() - PENDING_SWITCH_TTL_MS - 1));
    await pendingSwitch('U-valid', new Date(NOW.getTime() - PENDING_SWITCH_TTL_MS + 60_000));
    const cleanup = async (requestedBy: string, status: 'done' | 'ready', age: number) => {
      const job = await createCleanupJob(
        db(),
        { workspaceId: 'T1', requestedBy, keyPrefix: 'pivotal_sk_test_ab' },
        daysAgo(age).toISOString(),
      );
      await addCleanupTargets(db(), job.id, [{ kind: 'customer', recordId: `cus-${requestedBy}`, displayId: 1 }]);
      await setCleanupStatus(db(), job.id, ['counting'], status, daysAgo(age).toISOString());
    };
    await cleanup('U-done-old', 'done', 31);
    await cleanup('U-done-new', 'done', 29);
    await cleanup('U-ready-old', 'ready', 31);

    expect(await pruneExpired(db(), POLICY, NOW)).toEqual(
      pruned({ webhookEvents: 1, moveClaims: 1, onboardJobs: 2, pendingKeySwitches: 1, testCleanupJobs: 1 }),
    );

    const column = async <T extends string>(rows: Promise<Record<T, string>[]>, name: T) =>
      (await rows).map((row) => row[name]).sort();
    expect(await column(db().selectFrom('webhook_events').select('event_id').execute(), 'event_id')).toEqual(['whNew']);
    expect(await column(db().selectFrom('move_claims').select('submission').execute(), 'submission')).toEqual([
      'V2:new',
    ]);
    expect(await column(db().selectFrom('onboard_jobs').select('view_id').execute(), 'view_id')).toEqual([
      'V-done-new',
      'V-queued-old',
      'V-running-old',
    ]);
    expect(
      await column(db().selectFrom('pending_key_switches').select('requested_by').execute(), 'requested_by'),
    ).toEqual(['U-valid']);
    expect(await column(db().selectFrom('test_cleanup_jobs').select('requested_by').execute(), 'requested_by')).toEqual(
      ['U-done-new', 'U-ready-old'],
    );
    expect(await column(db().selectFrom('test_cleanup_items').select('record_id').execute(), 'record_id')).toEqual([
      'cus-U-done-new',
      'cus-U-ready-old',
    ]);
  });

  it('prunes in slices until nothing old is left', async () => {
    const old = daysAgo(10).toISOString();
    const rows = Array.from({ length: 5_050 }, (_, i) => ({ event_id: `Ev${i}`, received_at: old }));
    for (let i = 0; i < rows.length; i += 1_000)
      await db()
        .insertInto('processed_events')
        .values(rows.slice(i, i + 1_000))
        .execute();
    await insertPosts(db(), [
      { id: 'a', status: 'done', ageDays: 40 },
      { id: 'b', status: 'done', ageDays: 40 },
      { id: 'c', status: 'done', ageDays: 40 },
    ]);
    expect(await pruneDeliveredPosts(db(), daysAgo(30), 2)).toBe(2);

    expect(await pruneExpired(db(), POLICY, NOW)).toEqual(pruned({ processedEvents: 5_050, deliveredPosts: 1 }));
    expect(await eventIds(db())).toEqual([]);
    expect(await postIds(db())).toEqual([]);
  });

  it('runs in one replica at a time, under the retention lease', async () => {
    await insertPosts(db(), [{ id: 'done-old', status: 'done', ageDays: 31 }]);
    const a = job('replica-a');
    const b = job('replica-b');

    const [first, second] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect([first, second].filter((counts) => counts === null)).toHaveLength(1);
    expect([first, second].find((counts) => counts !== null)).toEqual(
      pruned({ processedEvents: 0, deliveredPosts: 1 }),
    );
    const holder = first ? 'replica-a' : 'replica-b';
    const [winner, loser] = first ? [a, b] : [b, a];
    expect(await db().selectFrom('leases').select(['name', 'holder']).execute()).toEqual([
      { name: 'retention', holder },
    ]);

    // The lease is kept between runs: the other replica keeps skipping until the holder stops.
    expect(await loser.runOnce()).toBeNull();
    expect(await winner.runOnce()).toEqual(pruned({ processedEvents: 0, deliveredPosts: 0 }));
    await winner.stop();
    expect(await loser.runOnce()).toEqual(pruned({ processedEvents: 0, deliveredPosts: 0 }));
  });

  it('does nothing while another replica holds the lease, and prunes at start once it is free', async () => {
    await insertPosts(db(), [{ id: 'done-old', status: 'done', ageDays: 31 }]);
    expect(await tryAcquireLease(db(), 'retention', 'another-replica', 60_000, NOW)).toBe(true);
    const started = job('replica-a');
    expect(await started.runOnce()).toBeNull();
    expect(await postIds(db())).toEqual(['done-old']);

    await db().deleteFrom('leases').where('name', '=', 'retention').execute();
    started.start();
    try {
      await waitFor(async () => (await postIds(db())).length === 0, { what: 'the prune at start' });
    } finally {
      await started.stop();
    }
    expect(await db().selectFrom('leases').selectAll().execute()).toEqual([]);
  });
});

import type { Db } from './database.js';
import { pruneMoveClaims } from './move-claims.js';
import { pruneEndedOnboardJobs } from './onboard-jobs.js';
import { undeliveredOfSameOnboarding } from './outbox-threads.js';
import { pruneExpiredSwitches } from './pending-key-switches.js';
import { pruneProcessedEvents } from './processed-events.js';
import { pruneFinishedCleanupJobs } from './test-record-cleanup.js';
import { pruneWebhookEvents } from './webhook-events.js';
import { giveWay } from '../shared/give-way.js';

/** How long, in days, rows that only record the past are kept. */
export interface RetentionPolicy {
  /** Slack event ids seen, kept so a retry of the same event is dropped. */
  processedEventsDays: number;
  /** Posts Slack accepted, kept so the same change is not announced twice and for looking back. */
  deliveredPostsDays: number;
}

export interface PruneCounts {
  processedEvents: number;
  deliveredPosts: number;
  webhookEvents: number;
  moveClaims: number;
  onboardJobs: number;
  pendingKeySwitches: number;
  testCleanupJobs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Fixed windows of the tables whose rows only answer repeats of a request or event for a while:
 * Pivotal replays a webhook for at most a day and asks receivers to remember its id for a week; no copy
 * of a move submission arrives a day later; an onboard job's modal is long closed after a week; a
 * finished test-record cleanup is only history after a month.
 */
const WEBHOOK_EVENTS_DAYS = 8;
const MOVE_CLAIMS_DAYS = 1;
const ENDED_ONBOARD_JOBS_DAYS = 7;
const FINISHED_CLEANUP_JOBS_DAYS = 30;

/** Rows deleted per statement, so neither database holds a long write lock over a large table. */
const SLICE = 5_000;

/**
 * Removes at most `limit` delivered posts delivered before `olderThan`. Undelivered and held rows
 * are never removed, and a delivered row stays while a later post of the same onboarding is still
 * undelivered: that thread is not finished, and its delivered rows are what tells which of its
 * changes the channel already shows. Returns how many were removed.
 */
export async function pruneDeliveredPosts(db: Db, olderThan: Date, limit: number): Promise<number> {
  const expired = db
    .selectFrom('outbox as row')
    .select('row.id')
    .where('row.status', '=', 'done')
    .where('row.done_at', '<', olderThan.toISOString())
    .where((eb) => eb.not(eb.exists(undeliveredOfSameOnboarding(eb))))
    .limit(limit);
  const result = await db.deleteFrom('outbox').where('id', 'in', expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function inSlices(prune: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await prune(SLICE);
    total += removed;
    if (removed < SLICE) return total;
    // Requests waiting on the event loop and on SQLite's one connection go between two slices.
    await giveWay();
  }
}

/** Everything older than the policy allows, as of `now`. */
export async function pruneExpired(db: Db, policy: RetentionPolicy, now: Date): Promise<PruneCounts> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    processedEvents: await inSlices((limit) => pruneProcessedEvents(db, before(policy.processedEventsDays), limit)),
    deliveredPosts: await inSlices((limit) => pruneDeliveredPosts(db, before(policy.deliveredPostsDays), limit)),
    webhookEvents: await inSlices((limit) => pruneWebhookEvents(db, before(WEBHOOK_EVENTS_DAYS), limit)),
    moveClaims: await inSlices((limit) => pruneMoveClaims(db, before(MOVE_CLAIMS_DAYS), limit)),
    onboardJobs: await inSlices((limit) => pruneEndedOnboardJobs(db, before(ENDED_ONBOARD_JOBS_DAYS), limit)),
    pendingKeySwitches: await inSlices((limit) => pruneExpiredSwitches(db, now, limit)),
    testCleanupJobs: await inSlices((limit) => pruneFinishedCleanupJobs(db, before(FINISHED_CLEANUP_JOBS_DAYS), limit)),
  };
}

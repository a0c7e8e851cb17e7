import type { Db } from './database.js';
import { undeliveredOfSameOnboarding } from './outbox-threads.js';
import { pruneProcessedEvents } from './processed-events.js';

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
}

const DAY_MS = 24 * 60 * 60 * 1000;

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
  }
}

/** Everything older than the policy allows, as of `now`. */
export async function pruneExpired(db: Db, policy: RetentionPolicy, now: Date): Promise<PruneCounts> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    processedEvents: await inSlices((limit) => pruneProcessedEvents(db, before(policy.processedEventsDays), limit)),
    deliveredPosts: await inSlices((limit) => pruneDeliveredPosts(db, before(policy.deliveredPostsDays), limit)),
  };
}

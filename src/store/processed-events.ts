import type { Db } from './database.js';

/**
 * Slack redelivers an event when it did not see a fast enough ack, and Bolt runs the listener again.
 * Returns true only for the first delivery of an event id; the primary key decides, so two replicas
 * receiving the same retry at once cannot both get true.
 */
export async function markEventProcessed(db: Db, eventId: string, now: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('processed_events')
    .values({ event_id: eventId, received_at: now.toISOString() })
    .onConflict((conflict) => conflict.column('event_id').doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Slack's retries of an event come within minutes; older ids only take space. Removes at most
 * `limit` ids received before `olderThan` and returns how many.
 */
export async function pruneProcessedEvents(db: Db, olderThan: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('processed_events')
    .where(
      'event_id',
      'in',
      db
        .selectFrom('processed_events')
        .select('event_id')
        .where('received_at', '<', olderThan.toISOString())
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

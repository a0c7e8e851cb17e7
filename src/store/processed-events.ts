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

/** Slack's retries come within minutes; older ids only take space. Returns how many were removed. */
export async function pruneProcessedEvents(db: Db, olderThan: Date): Promise<number> {
  const result = await db.deleteFrom('processed_events').where('received_at', '<', olderThan.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

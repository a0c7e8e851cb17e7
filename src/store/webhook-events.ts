import type { Db } from './database.js';

/**
 * Records a webhook event id of a workspace; false when it was recorded before (a replay). Pivotal
 * replays for at most a day and asks receivers to remember ids for a week; the retention job
 * (retention.ts) forgets them after that.
 */
export async function recordWebhookEvent(db: Db, workspaceId: string, eventId: string, now: Date): Promise<boolean> {
  const fresh = await db
    .insertInto('webhook_events')
    .values({ workspace_id: workspaceId, event_id: eventId, received_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['workspace_id', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return fresh !== undefined;
}

/** Removes at most `limit` event ids received before `olderThan`; returns how many. */
export async function pruneWebhookEvents(db: Db, olderThan: Date, limit: number): Promise<number> {
  const old = db
    .selectFrom('webhook_events')
    .select(['workspace_id', 'event_id'])
    .where('received_at', '<', olderThan.toISOString())
    .limit(limit)
    .$asTuple('workspace_id', 'event_id');
  const result = await db
    .deleteFrom('webhook_events')
    .where(({ eb, refTuple }) => eb(refTuple('workspace_id', 'event_id'), 'in', old))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

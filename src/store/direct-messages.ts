import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';

/**
 * Direct messages go through the outbox like channel posts, so they share its guarantees: queued in
 * the transaction of what caused them, one row per dedupe key (a retry, a restart or a second replica
 * queues nothing more), delivered under the outbox lease. Their rows carry no onboarding id: a
 * channel post held for an admin must not hold back a person's DM.
 */
export const DIRECT_MESSAGE_KIND_PREFIX = 'dm.';

export interface QueuedDirectMessage {
  workspaceId: string;
  dedupeKey: string;
  kind: `dm.${string}`;
  payload: string;
  now: string;
  /** Already handled (a morning list with nothing in it): the row only marks the day as done. */
  done?: boolean;
}

/** True when the row is new. */
export async function queueDirectMessage(db: Db, m: QueuedDirectMessage): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      id: randomUUID(),
      workspace_id: m.workspaceId,
      dedupe_key: m.dedupeKey,
      kind: m.kind,
      onboarding_id: null,
      payload: m.payload,
      status: m.done ? 'done' : 'pending',
      attempts: 0,
      next_attempt_at: m.now,
      created_at: m.now,
      done_at: m.done ? m.now : null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function isQueued(db: Db, workspaceId: string, dedupeKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
  return row !== undefined;
}

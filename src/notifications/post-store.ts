import type { Db } from '../store/database.js';
import type { OutboxRow } from '../store/schema-domain.js';
import type { OnboardingPostRow } from '../store/schema-phases.js';

/** What the dispatcher keeps: parent messages per onboarding and channel, per-channel threading, outbox progress. */

export async function getParentPost(db: Db, workspaceId: string, onboardingId: string, channelId: string): Promise<OnboardingPostRow | undefined> {
  return db
    .selectFrom('onboarding_posts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('onboarding_id', '=', onboardingId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
}

export async function saveParentPost(db: Db, workspaceId: string, onboardingId: string, channelId: string, ts: string, now: string): Promise<void> {
  await db
    .insertInto('onboarding_posts')
    .values({ workspace_id: workspaceId, onboarding_id: onboardingId, channel_id: channelId, parent_ts: ts, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'onboarding_id', 'channel_id']).doUpdateSet({ parent_ts: ts, updated_at: now }))
    .execute();
}

export async function forgetParentPost(db: Db, workspaceId: string, onboardingId: string, channelId: string): Promise<void> {
  await db
    .deleteFrom('onboarding_posts')
    .where('workspace_id', '=', workspaceId)
    .where('onboarding_id', '=', onboardingId)
    .where('channel_id', '=', channelId)
    .execute();
}

/** Threading is on unless an admin switched it off for the channel. */
export async function isThreaded(db: Db, workspaceId: string, channelId: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_settings')
    .select('threaded')
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  return row?.threaded !== 0;
}

export async function setThreaded(db: Db, workspaceId: string, channelId: string, threaded: boolean, by: string, now: string): Promise<void> {
  const values = { threaded: threaded ? (1 as const) : (0 as const), updated_by: by, updated_at: now };
  await db
    .insertInto('channel_settings')
    .values({ workspace_id: workspaceId, channel_id: channelId, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel_id']).doUpdateSet(values))
    .execute();
}

/** Rows not delivered yet (pending and held), oldest first: the dispatcher keeps each onboarding's posts in order. */
export async function undeliveredRows(db: Db, limit: number): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().where('status', 'in', ['pending', 'held']).orderBy('created_at').orderBy('id').limit(limit).execute();
}

/** Done exactly once: a row already done (by an earlier holder of the lease) is left alone. */
export async function markDelivered(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'done', done_at: now, last_error: null, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function scheduleRetry(db: Db, id: string, at: string, error: string, countAttempt: boolean): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ next_attempt_at: at, last_error: error, attempts: countAttempt ? eb('attempts', '+', 1) : eb.ref('attempts') }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function holdRow(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'held', last_error: error, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * After an admin fixed the channel: every undelivered post of the workspace is due again, held ones
 * and those waiting for an invite alike (Retry-After pauses are kept in the dispatcher). Returns how many.
 */
export async function releaseUndelivered(db: Db, workspaceId: string, now: string): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'done')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

import type { Db } from './database.js';
import type { OutboxRow } from './schema-domain.js';

/**
 * Routing an outbox row: the changes one save recorded together (same onboarding, same instant) are
 * taken as one, and addressed to the channels that hear them — the row itself to the first, a copy to
 * each other one — in one transaction, so every channel's post is then delivered and retried on its own.
 */

/** The unrouted rows written together with `row` (itself included), oldest kind first as the caller sorts them. */
export async function unroutedSiblings(db: Db, row: OutboxRow): Promise<OutboxRow[]> {
  if (row.onboarding_id === null) return [row];
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('workspace_id', '=', row.workspace_id)
    .where('onboarding_id', '=', row.onboarding_id)
    .where('created_at', '=', row.created_at)
    .where('status', '=', 'pending')
    .where('channel_id', 'is', null)
    .execute();
}

export interface AddressedCopy {
  channelId: string;
  /** How the row posts in that channel (JSON). */
  route: string;
}

/**
 * Addresses `row` to the first target and adds a row for each other one; the siblings merged into
 * it are done. With no target the row is done too. Returns false when another holder of the outbox
 * lease routed it first (nothing is changed then).
 */
export async function addressRow(
  db: Db,
  row: OutboxRow,
  siblingIds: readonly string[],
  targets: readonly AddressedCopy[],
  now: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const [first, ...others] = targets;
    const claimed = await trx
      .updateTable('outbox')
      .set(first ? { channel_id: first.channelId, route: first.route } : { status: 'done', done_at: now })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('channel_id', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    const merged = siblingIds.filter((id) => id !== row.id);
    if (merged.length)
      await trx
        .updateTable('outbox')
        .set((eb) => ({ status: 'done', done_at: now, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', merged)
        .where('status', '=', 'pending')
        .where('channel_id', 'is', null)
        .execute();
    for (const copy of others)
      await trx
        .insertInto('outbox')
        .values({
          id: `${row.id}>${copy.channelId}`,
          workspace_id: row.workspace_id,
          dedupe_key: `${row.dedupe_key}>${copy.channelId}`,
          kind: row.kind,
          onboarding_id: row.onboarding_id,
          payload: row.payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          created_at: row.created_at,
          channel_id: copy.channelId,
          route: copy.route,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
        .execute();
    return true;
  });
}

/** Channels where the onboarding has a parent post: where its removal is announced. */
export async function channelsWithParentPost(db: Db, workspaceId: string, onboardingId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('onboarding_posts')
    .select('channel_id')
    .where('workspace_id', '=', workspaceId)
    .where('onboarding_id', '=', onboardingId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.channel_id);
}

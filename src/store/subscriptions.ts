import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { ChannelSubscriptionRow } from './schema-subscriptions.js';

/** Channel subscriptions: what each channel hears (the spec is domain/subscription-filter.ts's JSON). */

export interface NewSubscription {
  workspaceId: string;
  channelId: string;
  filterKey: string;
  spec: string;
  names: string;
  createdBy: string;
  now: string;
}

/** Returns false when the channel already has a subscription with this filter (its spec is replaced). */
export async function saveSubscription(db: Db, s: NewSubscription): Promise<boolean> {
  const existing = await db
    .selectFrom('channel_subscriptions')
    .select('id')
    .where('workspace_id', '=', s.workspaceId)
    .where('channel_id', '=', s.channelId)
    .where('filter_key', '=', s.filterKey)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('channel_subscriptions')
      .set({ spec: s.spec, names: s.names })
      .where('id', '=', existing.id)
      .execute();
    return false;
  }
  await db
    .insertInto('channel_subscriptions')
    .values({
      id: randomUUID(),
      workspace_id: s.workspaceId,
      channel_id: s.channelId,
      filter_key: s.filterKey,
      spec: s.spec,
      names: s.names,
      created_by: s.createdBy,
      created_at: s.now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel_id', 'filter_key']).doNothing())
    .execute();
  return true;
}

/** One channel's subscriptions (or every channel's, without `channelId`), oldest first. */
export async function listSubscriptions(
  db: Db,
  workspaceId: string,
  channelId?: string,
): Promise<ChannelSubscriptionRow[]> {
  let query = db.selectFrom('channel_subscriptions').selectAll().where('workspace_id', '=', workspaceId);
  if (channelId !== undefined) query = query.where('channel_id', '=', channelId);
  return query.orderBy('channel_id').orderBy('created_at').orderBy('id').execute();
}

/** Removes the channel's subscription with this filter, or all of the channel's without one; returns how many. */
export async function removeSubscriptions(
  db: Db,
  workspaceId: string,
  channelId: string,
  filterKey?: string,
): Promise<number> {
  let query = db
    .deleteFrom('channel_subscriptions')
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId);
  if (filterKey !== undefined) query = query.where('filter_key', '=', filterKey);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

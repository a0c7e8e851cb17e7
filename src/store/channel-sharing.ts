import type { Db } from './database.js';
import type { ChannelSharingRow } from './schema-subscriptions.js';

/** What the app knows about channels shared with other organisations (see notifications/shared-channels.ts). */

export async function getChannelSharing(
  db: Db,
  workspaceId: string,
  channelId: string,
): Promise<ChannelSharingRow | undefined> {
  return db
    .selectFrom('channel_sharing')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
}

export async function saveSharedFlag(
  db: Db,
  workspaceId: string,
  channelId: string,
  shared: boolean,
  now: string,
): Promise<void> {
  const values = { shared: shared ? (1 as const) : (0 as const), checked_at: now };
  await db
    .insertInto('channel_sharing')
    .values({ workspace_id: workspaceId, channel_id: channelId, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel_id']).doUpdateSet(values))
    .execute();
}

/** `by` null: back to the customer-safe card. */
export async function saveFullPosts(
  db: Db,
  workspaceId: string,
  channelId: string,
  by: string | null,
  now: string,
): Promise<void> {
  const values = { full_posts_by: by, full_posts_at: by ? now : null };
  await db
    .insertInto('channel_sharing')
    .values({ workspace_id: workspaceId, channel_id: channelId, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel_id']).doUpdateSet(values))
    .execute();
}

/** Shared channels the app has posted in or that hear changes through a subscription. */
export async function sharedChannelsInUse(db: Db, workspaceId: string): Promise<ChannelSharingRow[]> {
  return db
    .selectFrom('channel_sharing as s')
    .selectAll('s')
    .where('s.workspace_id', '=', workspaceId)
    .where('s.shared', '=', 1)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('onboarding_posts as p')
            .select('p.channel_id')
            .whereRef('p.workspace_id', '=', 's.workspace_id')
            .whereRef('p.channel_id', '=', 's.channel_id'),
        ),
        eb.exists(
          eb
            .selectFrom('channel_subscriptions as c')
            .select('c.channel_id')
            .whereRef('c.workspace_id', '=', 's.workspace_id')
            .whereRef('c.channel_id', '=', 's.channel_id'),
        ),
      ]),
    )
    .orderBy('s.channel_id')
    .execute();
}

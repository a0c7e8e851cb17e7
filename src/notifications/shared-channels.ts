import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../context.js';
import { getChannelSharing, saveSharedFlag } from '../store/channel-sharing.js';

/**
 * Whether a channel is shared with another organisation (Slack Connect): there the customer reads
 * along, so posts default to the customer-safe card. Slack's answer is kept per channel, refreshed by
 * the `channel_shared` / `channel_unshared` events and, in case an event was missed, once a day.
 */

/** `shared_full`: shared, and an admin confirmed full posts there. */
export type Audience = 'internal' | 'shared' | 'shared_full';

const RECHECK_MS = 24 * 60 * 60_000;

export async function audienceOf(
  ctx: AppContext,
  client: WebClient,
  workspaceId: string,
  channelId: string,
): Promise<Audience> {
  const db = ctx.store.db;
  const known = await getChannelSharing(db, workspaceId, channelId);
  const sharedAudience: Audience = known?.full_posts_by ? 'shared_full' : 'shared';
  const fresh =
    known?.shared != null && known.checked_at && ctx.now().getTime() - Date.parse(known.checked_at) < RECHECK_MS;
  if (fresh) return known.shared === 1 ? sharedAudience : 'internal';
  try {
    const info = await client.conversations.info({ channel: channelId });
    const shared = Boolean(info.channel?.is_ext_shared || info.channel?.is_pending_ext_shared);
    await saveSharedFlag(db, workspaceId, channelId, shared, ctx.now().toISOString());
    return shared ? sharedAudience : 'internal';
  } catch (err) {
    // Not knowing who reads a channel is no reason to show them internal notes: the safe card it is.
    ctx.logger.warn(
      { err, channelId },
      'outbox: could not tell whether the channel is shared; posting the customer-safe card',
    );
    return sharedAudience;
  }
}

/** A `channel_shared` or `channel_unshared` event: Slack says what the channel is now. */
export async function sharingChanged(
  ctx: AppContext,
  workspaceId: string,
  channelId: string,
  shared: boolean,
): Promise<void> {
  await saveSharedFlag(ctx.store.db, workspaceId, channelId, shared, ctx.now().toISOString());
}

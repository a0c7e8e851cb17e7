import type { AppContext } from '../../context.js';
import { audienceOf } from '../../notifications/shared-channels.js';
import { saveFullPosts, sharedChannelsInUse } from '../../store/channel-sharing.js';
import { mentionList } from '../../security/permissions.js';
import type { ChannelRequest } from './service.js';

/**
 * `/pivotal shared-posts full|safe [confirm]` in a channel shared with another organisation: admins may
 * switch it to full posts, but only by confirming that the customer will read internal details.
 */
export async function setSharedPosts(
  ctx: AppContext,
  { session, actor, channelId, args }: ChannelRequest,
): Promise<string> {
  const [choice = '', confirm = ''] = args.toLowerCase().split(/\s+/).filter(Boolean);
  if (choice !== 'full' && choice !== 'safe')
    return 'Say `/pivotal shared-posts safe` (the customer-safe card, the default in shared channels) or `/pivotal shared-posts full`.';
  const ws = session.workspaceId;
  if (!(await ctx.permissions.isAdmin(actor.slack, ws, actor.userId)))
    return `:lock: Only workspace admins choose what a shared channel sees. Ask ${mentionList(await ctx.permissions.admins(actor.slack, ws))}.`;
  const now = ctx.now().toISOString();
  if (choice === 'safe') {
    await saveFullPosts(ctx.store.db, ws, channelId, null, now);
    return `:white_check_mark: <#${channelId}> gets the customer-safe card whenever it is shared with another organisation: customer, phase progress, target launch, launched.`;
  }
  if ((await audienceOf(ctx, actor.slack, ws, channelId)) === 'internal')
    return `<#${channelId}> is not shared with another organisation: it already gets full posts.`;
  if (confirm !== 'confirm')
    return `:warning: <#${channelId}> is shared with another organisation. Full posts show them the state (at risk, paused), reasons, notes, owners and the Move phase button. If that is what you want, run \`/pivotal shared-posts full confirm\` here.`;
  await saveFullPosts(ctx.store.db, ws, channelId, actor.userId, now);
  return `:white_check_mark: <#${channelId}> now gets full posts, as confirmed by <@${actor.userId}>. \`/pivotal shared-posts safe\` switches back.`;
}

/** For `/pivotal status`: the shared channels the app posts to, and what they see. */
export async function sharedChannelsLine(ctx: AppContext, workspaceId: string): Promise<string> {
  const rows = await sharedChannelsInUse(ctx.store.db, workspaceId);
  if (rows.length === 0) return '*Shared channels:* the app posts to no channel shared with another organisation.';
  const lines = rows.map(
    (r) =>
      `• <#${r.channel_id}>: ${r.full_posts_by ? `full posts (confirmed by <@${r.full_posts_by}>)` : 'customer-safe card'}`,
  );
  return `*Shared channels the app posts to:*\n${lines.join('\n')}`;
}

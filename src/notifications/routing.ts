import type { AppContext } from '../context.js';
import { getWorkspace } from '../store/workspaces.js';
import { isThreaded } from '../store/posts.js';

export interface PostRoute {
  channelId: string;
  /** `customer`: the customer's own `slack_channel_id` from Pivotal; `workspace`: the notification channel; `subscription`: a channel that subscribed. */
  source: 'customer' | 'workspace' | 'subscription';
  threaded: boolean;
}

/**
 * The workspace's notification channel: set by an admin (`/pivotal channel`, Home settings), else
 * PIVOTAL_NOTIFY_CHANNEL — only in single-workspace modes, where a channel id can mean one workspace.
 */
export async function workspaceChannel(ctx: AppContext, workspaceId: string): Promise<string | null> {
  const row = await getWorkspace(ctx.store.db, workspaceId);
  if (row?.notify_channel) return row.notify_channel;
  return ctx.config.slack.kind !== 'oauth' ? (ctx.config.notifyChannel ?? null) : null;
}

/**
 * Where an onboarding's posts go: the customer's own channel when Pivotal links one, else the
 * workspace's. `unusable` skips a customer channel that Slack refused (archived, gone), falling back
 * to the workspace channel the way Pivotal's own Slack integration does.
 */
export async function routeFor(
  ctx: AppContext,
  workspaceId: string,
  customerChannel: string | null | undefined,
  unusable: (channelId: string) => boolean = () => false,
): Promise<PostRoute | null> {
  let channelId: string | null = null;
  let source: 'customer' | 'workspace' = 'workspace';
  if (customerChannel && !unusable(customerChannel)) {
    channelId = customerChannel;
    source = 'customer';
  } else {
    channelId = await workspaceChannel(ctx, workspaceId);
  }
  if (!channelId) return null;
  return { channelId, source, threaded: await isThreaded(ctx.store.db, workspaceId, channelId) };
}

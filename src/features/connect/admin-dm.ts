import type { AppContext } from '../../context.js';
import type { SlackClients } from '../../slack/clients.js';
import { workspaceId, type WorkspaceRef } from '../../domain/workspace-ref.js';
import type { Message } from './views.js';

/**
 * Sends a DM to each admin of the workspace (a user id as the channel reaches that person's DM with
 * the app), except `skip`. Work outside a request: it goes with the workspace's own bot token.
 */
export async function dmAdmins(
  ctx: AppContext,
  clients: SlackClients,
  ref: WorkspaceRef,
  message: Message,
  opts: { what: string; skip?: string } = { what: 'a notice' },
): Promise<void> {
  const id = workspaceId(ref);
  const slack = await clients.forWorkspace(id);
  if (!slack) {
    ctx.logger.warn({ workspace: id }, `no Slack bot token for the workspace: its admins cannot be sent ${opts.what}`);
    return;
  }
  for (const admin of await ctx.permissions.admins(slack, id)) {
    if (admin === opts.skip) continue;
    try {
      await slack.chat.postMessage({ channel: admin, text: message.text, blocks: message.blocks });
    } catch (err) {
      ctx.logger.warn({ err, workspace: id, admin }, `could not DM an admin ${opts.what}`);
    }
  }
}

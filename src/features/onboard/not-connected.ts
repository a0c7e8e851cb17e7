import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { AppContext } from '../../context.js';
import { mrkdwn } from '../../views/text.js';
import { requireConnection } from '../connect/service.js';
import type { EphemeralMessage } from '../../views/ephemeral.js';
import type { Session } from '../shared/session.js';
import type { CommandArgs } from '../../slack/command-router.js';

/**
 * `/pivotal onboard`, `contact` and `customer` in a workspace without a Pivotal key answer with the
 * connect feature's reply: admins get its Connect button, everyone else whom to ask.
 */
export async function notConnectedReply(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  userId: string,
): Promise<EphemeralMessage> {
  const need = await requireConnection(ctx, session, client, userId);
  if (need.connected) throw new Error('notConnectedReply is only for a workspace without a Pivotal connection');
  return { response_type: 'ephemeral', ...need.message };
}

/**
 * The first step of a command that needs Pivotal: when the workspace has no key, it acks and answers
 * through response_url (naming the admins asks Slack, which may not fit before the ack) and says so.
 */
export async function answeredNotConnected(ctx: AppContext, session: Session, args: CommandArgs): Promise<boolean> {
  if (session.connection) return false;
  await args.ack();
  await args.respond(await notConnectedReply(ctx, session, args.client, args.body.user_id));
  return true;
}

/** For work submitted while connected that finds the connection gone (a modal, a job's failure line). */
export const DISCONNECTED_TEXT =
  'This workspace is no longer connected to Pivotal. A workspace admin must connect it again with `/pivotal connect`; then try again.';

export function disconnectedBlocks(): KnownBlock[] {
  return [{ type: 'section', text: mrkdwn(`:electric_plug: ${DISCONNECTED_TEXT}`) }];
}

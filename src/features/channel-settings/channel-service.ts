import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { useNotifyChannel } from '../../notifications/channel-setup.js';
import { isThreaded, setThreaded } from '../../store/posts.js';
import { workspaceChannel } from '../../notifications/routing.js';
import { refuseUnlessAdmin } from '../../security/admin-guard.js';
import { escapeMrkdwn, truncate } from '../../views/text.js';
import type { Session } from '../shared/session.js';
import type { Actor } from '../shared/actor.js';

/**
 * `/pivotal channel`: where onboarding posts go and whether they thread.
 *   /pivotal channel                      → what is set now
 *   /pivotal channel #onboarding          → posts go to #onboarding
 *   /pivotal channel threads off [#name]  → every change a top-level post in that channel (default: the notification channel)
 */
export type ChannelCommand =
  | { kind: 'show' }
  | { kind: 'set'; channelId: string }
  | { kind: 'threads'; on: boolean; channelId: string | undefined }
  | { kind: 'invalid'; problem: string };

const USAGE =
  'Use `/pivotal channel #channel-name` to pick the channel, or `/pivotal channel threads off` (or `on`) to switch threading.';

/** With `should_escape` Slack sends a picked channel as `<#C123|name>`; a bare id works too. */
function channelIdOf(token: string): string | undefined {
  return /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token)?.[1] ?? /^([CG][A-Z0-9]{6,})$/.exec(token)?.[1];
}

export function parseChannelCommand(args: string): ChannelCommand {
  const tokens = args.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return { kind: 'show' };
  const threadsAt = tokens.findIndex((t) => t.toLowerCase() === 'threads' || t.toLowerCase() === 'threading');
  const rest = threadsAt >= 0 ? tokens.filter((_, i) => i !== threadsAt && i !== threadsAt + 1) : tokens;
  if (rest.length > 1)
    return {
      kind: 'invalid',
      problem: `I expected one channel, got \`${escapeMrkdwn(truncate(args, 80))}\`. ${USAGE}`,
    };
  const channelToken = rest[0];
  const channelId = channelToken === undefined ? undefined : channelIdOf(channelToken);
  if (channelToken !== undefined && !channelId) {
    return {
      kind: 'invalid',
      problem: `I don't recognise \`${escapeMrkdwn(truncate(channelToken, 80))}\` as a channel. Type \`#\` and pick the channel from Slack's list, so Slack sends me its id. ${USAGE}`,
    };
  }
  if (threadsAt < 0) return { kind: 'set', channelId: channelId! };
  const setting = tokens[threadsAt + 1]?.toLowerCase();
  if (setting !== 'on' && setting !== 'off')
    return { kind: 'invalid', problem: `Say \`threads on\` or \`threads off\`. ${USAGE}` };
  return { kind: 'threads', on: setting === 'on', channelId };
}

/** The reply, as mrkdwn lines. */
export interface ChannelOutcome {
  text: string;
}

const threadsText = (threaded: boolean) =>
  threaded
    ? 'threads *on*: one post per onboarding, each change a reply in its thread'
    : 'threads *off*: each change is its own post';

async function describeSetup(ctx: AppContext, session: Session): Promise<string> {
  const channel = await workspaceChannel(ctx, session.workspaceId);
  if (!channel)
    return 'No notification channel is set, so onboarding updates wait until one is. A workspace admin can set it with `/pivotal channel #channel-name`.';
  const threaded = await isThreaded(ctx.store.db, session.workspaceId, channel);
  return `Onboarding updates go to <#${channel}> (${threadsText(threaded)}). A customer linked to its own Slack channel in Pivotal gets its updates there instead.`;
}

type ChannelCheck = { ok: true } | { ok: false; problem: string };

/**
 * Refuses a channel posts could never reach; a public channel the app is not in is fine (it joins).
 * When Slack cannot say (a missing scope), the channel is taken as given and the dispatcher reports
 * problems later.
 */
async function checkChannel(ctx: AppContext, slack: WebClient, channelId: string): Promise<ChannelCheck> {
  try {
    const info = await slack.conversations.info({ channel: channelId });
    const channel = info.channel;
    if (channel?.is_archived) return { ok: false, problem: `<#${channelId}> is archived. Pick a channel people read.` };
    if (channel?.is_private && !channel.is_member) {
      return {
        ok: false,
        problem: `<#${channelId}> is private and I am not in it. Invite me first by typing \`/invite @pivotal\` there, then run this again.`,
      };
    }
    return { ok: true };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'channel_not_found')
      return {
        ok: false,
        problem: `I can't see <#${channelId}>: if it is private, invite me first by typing \`/invite @pivotal\` there.`,
      };
    ctx.logger.warn({ err, channelId }, 'conversations.info failed; taking the channel as given');
    return { ok: true };
  }
}

export async function runChannelCommand(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  cmd: ChannelCommand,
): Promise<ChannelOutcome> {
  if (cmd.kind === 'invalid') return { text: cmd.problem };
  if (cmd.kind === 'show') return { text: await describeSetup(ctx, session) };
  const refused = await refuseUnlessAdmin(ctx, session, actor, 'change where onboarding updates go');
  if (refused) return { text: `${refused.text}\n${await describeSetup(ctx, session)}` };
  const db = ctx.store.db;
  const ws = session.workspaceId;
  const now = ctx.now().toISOString();

  if (cmd.kind === 'threads') {
    const channelId = cmd.channelId ?? (await workspaceChannel(ctx, ws));
    if (!channelId)
      return {
        text: `There is no notification channel yet: name the channel, e.g. \`/pivotal channel threads ${cmd.on ? 'on' : 'off'} #onboarding\`.`,
      };
    await setThreaded(db, ws, channelId, cmd.on, actor.userId, now);
    return { text: `:white_check_mark: <#${channelId}> now has ${threadsText(cmd.on)}.` };
  }

  const check = await checkChannel(ctx, actor.slack, cmd.channelId);
  if (!check.ok) return { text: `:warning: ${check.problem}` };
  const released = await useNotifyChannel(ctx, session.workspace, cmd.channelId);
  const threaded = await isThreaded(db, ws, cmd.channelId);
  const waiting = released > 0 ? ` ${released} waiting update${released === 1 ? ' is' : 's are'} on the way.` : '';
  return {
    text: `:white_check_mark: Onboarding updates now go to <#${cmd.channelId}> (${threadsText(threaded)}).${waiting} A customer linked to its own Slack channel in Pivotal keeps getting its updates there.`,
  };
}

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
 * The words may come in any order (`threads #name off` too): people type them as they think of them.
 */
export type ChannelCommand =
  | { kind: 'show' }
  | { kind: 'set'; channel: ChannelRef }
  | { kind: 'threads'; on: boolean; channel: ChannelRef | undefined }
  | { kind: 'invalid'; problem: string };

export interface ChannelRef {
  id: string;
  /** The name Slack sent with the id, to write the command back as the person would type it. */
  name?: string;
}

const NOTHING_CHANGED = 'Nothing changed:';
const USAGE =
  'Type `/pivotal channel #channel-name` to pick the channel, or `/pivotal channel threads off` (or `on`) to switch threading there.';

/** With `should_escape` Slack sends a picked channel as `<#C123|name>`; a bare id works too. */
function channelOf(token: string): ChannelRef | undefined {
  const escaped = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$/.exec(token);
  if (escaped) return escaped[2] ? { id: escaped[1]!, name: escaped[2] } : { id: escaped[1]! };
  const bare = /^([CG][A-Z0-9]{6,})$/.exec(token)?.[1];
  return bare ? { id: bare } : undefined;
}

/** The channel as the person would type it again in a command: `#name`, else its id. */
function typed(channel: ChannelRef | undefined): string {
  if (!channel) return '';
  return ` ${channel.name ? `#${channel.name}` : channel.id}`;
}

const threadsCommand = (on: boolean, channel: ChannelRef | undefined) =>
  `\`/pivotal channel threads ${on ? 'on' : 'off'}${escapeMrkdwn(truncate(typed(channel), 90))}\``;

const isThreadsWord = (t: string) => ['threads', 'threading', 'thread'].includes(t.toLowerCase());
const switchOf = (t: string) => ({ on: true, off: false })[t.toLowerCase()];

export function parseChannelCommand(args: string): ChannelCommand {
  const tokens = args.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return { kind: 'show' };
  const threads = tokens.some(isThreadsWord);
  const switches = tokens.flatMap((t) => {
    const on = switchOf(t);
    return on === undefined ? [] : [on];
  });
  const channels = tokens.flatMap((t) => channelOf(t) ?? []);
  const unknown = tokens.find((t) => !isThreadsWord(t) && switchOf(t) === undefined && !channelOf(t));
  const quotedWord = (t: string) => `\`${escapeMrkdwn(truncate(t, 80)).replace(/`/g, "'")}\``;

  if (unknown !== undefined) {
    return {
      kind: 'invalid',
      problem: threads
        ? `${NOTHING_CHANGED} I don't know ${quotedWord(unknown)} here: threads go \`on\` or \`off\`, and a channel is picked by typing \`#\`. Type \`/pivotal channel threads off\` (or \`on\`), with \`#channel-name\` after it for a channel other than the notification channel.`
        : `${NOTHING_CHANGED} I don't recognise ${quotedWord(unknown)} as a channel. Type \`#\` and pick the channel from Slack's list, so Slack sends me its id. ${USAGE}`,
    };
  }
  if (channels.length > 1)
    return {
      kind: 'invalid',
      problem: `${NOTHING_CHANGED} I expected one channel, got ${quotedWord(args.trim())}. ${USAGE}`,
    };
  const channel = channels[0];
  if (!threads) {
    if (switches.length > 0)
      return {
        kind: 'invalid',
        problem: `${NOTHING_CHANGED} to switch threading, say \`threads\`: type ${threadsCommand(switches[0]!, channel)}.`,
      };
    return { kind: 'set', channel: channel! };
  }
  if (switches.length !== 1)
    return {
      kind: 'invalid',
      problem: `${NOTHING_CHANGED} say whether threads go on or off: type ${threadsCommand(true, channel)} or ${threadsCommand(false, channel)}.`,
    };
  return { kind: 'threads', on: switches[0]!, channel };
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
 * problems later. `retry`: the command to type once the channel is usable.
 */
async function checkChannel(
  ctx: AppContext,
  slack: WebClient,
  channelId: string,
  retry: string,
): Promise<ChannelCheck> {
  const invite = `Invite me first by typing \`/invite @pivotal\` in that channel, then type ${retry} again.`;
  try {
    const info = await slack.conversations.info({ channel: channelId });
    const channel = info.channel;
    if (channel?.is_archived)
      return {
        ok: false,
        problem: `<#${channelId}> is archived. Pick a channel people read: \`/pivotal channel #channel-name\`.`,
      };
    if (channel?.is_private && !channel.is_member)
      return { ok: false, problem: `<#${channelId}> is private and I am not in it. ${invite}` };
    return { ok: true };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'channel_not_found')
      return {
        ok: false,
        problem: `I can't see <#${channelId}>: if it is private, ${invite[0]!.toLowerCase()}${invite.slice(1)}`,
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
  if (cmd.kind === 'invalid') return { text: `:warning: ${cmd.problem}` };
  if (cmd.kind === 'show') return { text: await describeSetup(ctx, session) };
  const refused = await refuseUnlessAdmin(ctx, session, actor, 'change where onboarding updates go');
  if (refused) return { text: `${refused.text}\n${await describeSetup(ctx, session)}` };
  return cmd.kind === 'threads'
    ? switchThreads(ctx, session, actor, cmd)
    : pickChannel(ctx, session, actor, cmd.channel);
}

async function switchThreads(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  cmd: Extract<ChannelCommand, { kind: 'threads' }>,
): Promise<ChannelOutcome> {
  const ws = session.workspaceId;
  const channelId = cmd.channel?.id ?? (await workspaceChannel(ctx, ws));
  if (!channelId)
    return {
      text: `:warning: ${NOTHING_CHANGED} there is no notification channel yet, so I don't know which channel you mean. Name it: type \`/pivotal channel threads ${cmd.on ? 'on' : 'off'} #channel-name\`, or pick the notification channel first with \`/pivotal channel #channel-name\`.`,
    };
  const again = threadsCommand(cmd.on, cmd.channel);
  const undo = threadsCommand(!cmd.on, cmd.channel);
  if (cmd.channel) {
    const check = await checkChannel(ctx, actor.slack, channelId, again);
    if (!check.ok) return { text: `:warning: ${NOTHING_CHANGED} ${check.problem}` };
  }
  if ((await isThreaded(ctx.store.db, ws, channelId)) === cmd.on)
    return {
      text: `${NOTHING_CHANGED} <#${channelId}> already has ${threadsText(cmd.on)}. To switch, type ${undo}.`,
    };
  await setThreaded(ctx.store.db, ws, channelId, cmd.on, actor.userId, ctx.now().toISOString());
  return {
    text: `:white_check_mark: <#${channelId}> now has ${threadsText(cmd.on)}. To undo, type ${undo}.`,
  };
}

async function pickChannel(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  channel: ChannelRef,
): Promise<ChannelOutcome> {
  const check = await checkChannel(
    ctx,
    actor.slack,
    channel.id,
    `\`/pivotal channel${escapeMrkdwn(truncate(typed(channel), 90))}\``,
  );
  if (!check.ok) return { text: `:warning: ${NOTHING_CHANGED} ${check.problem}` };
  const released = await useNotifyChannel(ctx, session.workspace, channel.id);
  const threaded = await isThreaded(ctx.store.db, session.workspaceId, channel.id);
  const waiting = released > 0 ? ` ${released} waiting update${released === 1 ? ' is' : 's are'} on the way.` : '';
  return {
    text: `:white_check_mark: Onboarding updates now go to <#${channel.id}> (${threadsText(threaded)}).${waiting} A customer linked to its own Slack channel in Pivotal keeps getting its updates there.`,
  };
}

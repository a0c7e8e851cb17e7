import type { AppContext } from '../../context.js';
import { postDigestNow } from '../../notifications/digest-job.js';
import { getDigestSchedule, removeDigestSchedule, saveDigestSchedule } from '../../store/digests.js';
import type { ChannelRequest } from '../subscriptions/service.js';

/**
 * `/pivotal digest [#channel] weekly mon 09:00 Europe/Berlin` (or `daily 09:00 UTC`), `digest now`,
 * `digest off`; without a channel, the channel the command is typed in.
 */
export type DigestCommand =
  | { kind: 'show'; channelId: string }
  | { kind: 'now'; channelId: string }
  | { kind: 'off'; channelId: string }
  | { kind: 'schedule'; channelId: string; cron: string; timeZone: string; label: string }
  | { kind: 'invalid'; problem: string };

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const USAGE =
  'Say e.g. `/pivotal digest #channel weekly mon 09:00 Europe/Berlin`, `/pivotal digest daily 08:30 UTC`, `/pivotal digest now` or `/pivotal digest off`.';

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseDigestCommand(args: string, currentChannel: string): DigestCommand {
  const tokens = args.split(/\s+/).filter(Boolean);
  const channelAt = tokens.findIndex((t) => /^<#[CG][A-Z0-9]+(\|[^>]*)?>$/.test(t));
  const channelId = channelAt >= 0 ? /^<#([CG][A-Z0-9]+)/.exec(tokens[channelAt]!)![1]! : currentChannel;
  const rest = tokens.filter((_, i) => i !== channelAt);
  // Words are read without case; the time zone keeps its own (`Europe/Berlin`).
  const [first = '', ...more] = rest;
  const word = first.toLowerCase();
  if (!/^[CG]/.test(channelId))
    return {
      kind: 'invalid',
      problem: `Digests are posted in channels: name one (\`#channel\`) or run this in it. ${USAGE}`,
    };
  if (word === '') return { kind: 'show', channelId };
  if (word === 'now' || word === 'off') return { kind: word, channelId };
  if (word !== 'weekly' && word !== 'daily')
    return {
      kind: 'invalid',
      problem: `I don't know \`${word.replace(/[<>&`]/g, '')}\`: say \`weekly\`, \`daily\`, \`now\` or \`off\`. ${USAGE}`,
    };
  const dayToken = word === 'weekly' ? more.shift() : undefined;
  const day = dayToken === undefined ? -1 : WEEKDAYS.findIndex((d) => dayToken.toLowerCase().startsWith(d));
  if (word === 'weekly' && day < 0)
    return {
      kind: 'invalid',
      problem: `Which day? Say one of ${WEEKDAYS.map((d) => `\`${d}\``).join(', ')}. ${USAGE}`,
    };
  const time = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(more.shift() ?? '');
  if (!time)
    return { kind: 'invalid', problem: `At what time? Say it as \`HH:MM\` (24-hour), e.g. \`09:00\`. ${USAGE}` };
  const timeZone = more.shift() ?? 'UTC';
  if (!validZone(timeZone))
    return {
      kind: 'invalid',
      problem: `\`${timeZone.replace(/[<>&`]/g, '')}\` is not a time zone I know: use a name like \`Europe/Berlin\` or \`America/New_York\`, or \`UTC\`.`,
    };
  const [hh, mm] = [Number(time[1]), Number(time[2])];
  const at = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
  return {
    kind: 'schedule',
    channelId,
    cron: `${mm} ${hh} * * ${day >= 0 ? day : '*'}`,
    timeZone,
    label: `${day >= 0 ? `weekly on ${DAY_NAMES[day]}` : 'daily'} at ${at} (${timeZone})`,
  };
}

export async function runDigestCommand(ctx: AppContext, request: ChannelRequest): Promise<string> {
  const ws = request.session.workspaceId;
  const cmd = parseDigestCommand(request.args, request.channelId);
  if (cmd.kind === 'invalid') return `:warning: ${cmd.problem}`;
  const db = ctx.store.db;
  if (cmd.kind === 'show') {
    const row = await getDigestSchedule(db, ws, cmd.channelId);
    return row
      ? `<#${cmd.channelId}> gets the onboarding digest ${row.label}, set by <@${row.created_by}>.`
      : `<#${cmd.channelId}> has no digest. ${USAGE}`;
  }
  if (cmd.kind === 'off') {
    const removed = await removeDigestSchedule(db, ws, cmd.channelId);
    return removed
      ? `:white_check_mark: <#${cmd.channelId}> gets no more digests.`
      : `<#${cmd.channelId}> had no digest.`;
  }
  if (cmd.kind === 'now') {
    await postDigestNow(ctx, request.actor.slack, ws, cmd.channelId);
    return `:white_check_mark: Posted the digest in <#${cmd.channelId}>.`;
  }
  await saveDigestSchedule(db, {
    workspace_id: ws,
    channel_id: cmd.channelId,
    cron: cmd.cron,
    time_zone: cmd.timeZone,
    label: cmd.label,
    created_by: request.actor.userId,
    created_at: ctx.now().toISOString(),
  });
  return `:white_check_mark: <#${cmd.channelId}> gets the onboarding digest ${cmd.label}: counts per phase and what changed, launches, send-backs, at risk, overdue, stalled and launches due within a week.`;
}

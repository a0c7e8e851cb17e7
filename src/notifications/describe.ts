import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { parseISO } from 'date-fns/parseISO';
import type { PhaseSequence } from '../domain/phases.js';
import { formatDay, isOverdueTarget, targetInWords, utcDay } from '../views/launch-date.js';
import { escapeMrkdwn, truncate } from '../views/text.js';

/**
 * How an onboarding's facts read in Slack, shared by the channel posts and the move modal so both
 * say the same thing the same way. Every function returns mrkdwn with Pivotal- and admin-supplied
 * text already escaped.
 */

/** Names are shortened before escaping, so an entity such as `&amp;` is never cut in half. */
export function safeText(text: string, max = 150): string {
  return escapeMrkdwn(truncate(text, max));
}

export function phaseName(phases: PhaseSequence, key: string): string {
  return safeText(phases.name(key), 75);
}

/** `3/7 Review ▰▰▰▱▱▱▱`; a phase outside the sequence is shown as it is, with no progress. */
export function phaseProgress(phases: PhaseSequence, key: string): string {
  const progress = phases.progress(key);
  if (!progress) return `${phaseName(phases, key)} _(not in this workspace's phase list)_`;
  const bar = '▰'.repeat(progress.step) + '▱'.repeat(progress.of - progress.step);
  return `${progress.step}/${progress.of} ${phaseName(phases, key)}  ${bar}`;
}

/**
 * `Jul 15, 2026 · in 12 days`, `… · *3 days overdue*`; the date alone for a finished onboarding (never
 * overdue) and where there is no `today`: a channel post stays up for weeks and is only refreshed when
 * the onboarding changes, so a count of days in it would go stale.
 */
export function describeTarget(target: string | null, today: Date | null, finished: boolean): string {
  if (!target) return 'No target';
  const date = formatDay(target);
  if (finished || !today) return date;
  const words = targetInWords(target, utcDay(today));
  return isOverdueTarget(target, utcDay(today)) ? `${date} · *${words}*` : `${date} · ${words}`;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** `10 days later`, `3 days earlier` between two YYYY-MM-DD dates. */
export function describeShift(from: string, to: string): string {
  const diff = differenceInCalendarDays(parseISO(to), parseISO(from));
  if (diff === 0) return 'same day';
  return diff > 0 ? `${days(diff)} later` : `${days(-diff)} earlier`;
}

/** Who owns the onboarding: a Slack user when the CSM is mapped, else Pivotal's user id as text. */
export type Owner = { kind: 'slack'; userId: string } | { kind: 'pivotal'; pivotalUserId: string } | { kind: 'none' };

export function ownerText(owner: Owner): string {
  switch (owner.kind) {
    case 'slack':
      return `<@${owner.userId}>`;
    case 'pivotal':
      return `Not linked _(${safeText(owner.pivotalUserId, 80)}: an admin can link it in Home › Settings › People)_`;
    case 'none':
      return 'Unassigned';
  }
}

import type { KnownBlock } from '@slack/types';
import type { PhaseSequence } from '../domain/phases.js';
import type { DigestFigures, DigestItem } from '../store/digests.js';
import { formatDay } from '../views/launch-date.js';
import { testKeyLabelBlock, testKeyPrefix } from '../views/test-key-label.js';
import { LIMITS, mrkdwn, plain, truncate } from '../views/text.js';
import { safeText } from './describe.js';
import type { SlackPost } from './post-views.js';

/**
 * The digest post: counts per phase with the change since the last digest, then launched, sent back
 * (with reasons, internal channels only), at risk, overdue, stalled and launches due within a week.
 * At most a dozen blocks (Slack allows 50); a quiet period is one line.
 */

export interface DigestInput {
  figures: DigestFigures;
  /** Phase counts of the last digest; null for the first. */
  previous: Record<string, number> | null;
  phases: PhaseSequence;
  /** "since Monday 1 Dec" etc. */
  sinceLabel: string;
  /** A channel shared with the customer hears no reasons. */
  internal: boolean;
  stalledDays: number;
  mode: 'live' | 'test' | null;
}

const item = (i: DigestItem) => `${safeText(i.customer, 80)} #${i.displayId}`;

function listed(
  title: string,
  count: number,
  first: readonly DigestItem[],
  line: (i: DigestItem) => string,
): KnownBlock | null {
  if (count === 0) return null;
  const more = count > first.length ? `\n…and ${count - first.length} more` : '';
  return {
    type: 'section',
    text: mrkdwn(
      truncate(`*${title} (${count})*\n${first.map((i) => `• ${line(i)}`).join('\n')}${more}`, LIMITS.sectionText),
    ),
  };
}

function countsLine(input: DigestInput): string {
  const keys = [
    ...input.phases.active.map((p) => p.key),
    ...Object.keys(input.figures.phaseCounts).filter((k) => input.phases.indexOf(k) < 0),
  ];
  return keys
    .map((key) => {
      const n = input.figures.phaseCounts[key] ?? 0;
      const before = input.previous?.[key];
      const delta = before === undefined || before === n ? '' : ` (${n > before ? '+' : ''}${n - before})`;
      return `${safeText(input.phases.name(key), 60)}: *${n}*${delta}`;
    })
    .join(' · ');
}

/** Nothing moved: no launch, no send-back, the same counts per phase. */
export function isQuiet(input: DigestInput): boolean {
  const { figures, previous } = input;
  if (!previous || figures.launched.count || figures.sentBack.length) return false;
  const keys = new Set([...Object.keys(previous), ...Object.keys(figures.phaseCounts)]);
  return [...keys].every((k) => (previous[k] ?? 0) === (figures.phaseCounts[k] ?? 0));
}

export function digestPost(input: DigestInput): SlackPost {
  const { figures } = input;
  if (isQuiet(input)) {
    const line = `:zzz: Onboarding digest: a quiet period, nothing moved ${input.sinceLabel}.`;
    return {
      text: `${testKeyPrefix(input.mode)}${line}`,
      blocks: [{ type: 'section', text: mrkdwn(line) }, ...testKeyLabelBlock(input.mode)],
    };
  }
  const sections = [
    listed('Launched', figures.launched.count, figures.launched.first, item),
    listed('Sent back', figures.sentBack.length, figures.sentBack, (i) =>
      input.internal && i.reason ? `${item(i)}: ${safeText(i.reason, 200)}` : item(i),
    ),
    listed('At risk', figures.atRisk.count, figures.atRisk.first, item),
    listed(
      'Overdue',
      figures.overdue.count,
      figures.overdue.first,
      (i) => `${item(i)}, target ${i.target ? formatDay(i.target) : '—'}`,
    ),
    listed(
      `Stalled (more than ${input.stalledDays} working days in one phase)`,
      figures.stalled.count,
      figures.stalled.first,
      (i) => `${item(i)} in ${safeText(input.phases.name(i.phase), 60)}`,
    ),
    listed(
      'Launches due in the next 7 days',
      figures.dueSoon.count,
      figures.dueSoon.first,
      (i) => `${item(i)} on ${i.target ? formatDay(i.target) : '—'}`,
    ),
  ].filter((b): b is KnownBlock => b !== null);
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('Onboarding digest', LIMITS.headerText) },
    { type: 'context', elements: [mrkdwn(`Changes ${input.sinceLabel}`)] },
    { type: 'section', text: mrkdwn(truncate(countsLine(input), LIMITS.sectionText)) },
    ...sections,
    ...testKeyLabelBlock(input.mode),
  ];
  const summary = `Onboarding digest: ${figures.launched.count} launched, ${figures.atRisk.count} at risk, ${figures.overdue.count} overdue`;
  return { text: `${testKeyPrefix(input.mode)}${summary}`, blocks };
}

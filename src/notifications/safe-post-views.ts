import type { KnownBlock } from '@slack/types';
import { testKeyLabelBlock, testKeyMarkerBlock, testKeyPrefix } from '../views/test-key-label.js';
import { LIMITS, mrkdwn, truncate } from '../views/text.js';
import type { ActivityEvent } from './activity.js';
import { describeTarget, phaseName, phaseProgress, safeText } from './describe.js';
import { FINISHED_STATES } from '../domain/finished.js';
import { formatDay } from '../views/launch-date.js';
import { parentPost, replyPost, standalonePost, type OnboardingCard, type SlackPost } from './post-views.js';
import type { Audience } from './shared-channels.js';

/**
 * Posts for a channel shared with the customer: who, how far along, when it launches, whether it has
 * launched. Never the state, at-risk or paused, reasons, notes, the owner, or buttons.
 */

function safeTitle(card: OnboardingCard): string {
  const who = card.customer ? safeText(card.customer.name) : 'Onboarding';
  return `*${who}* — onboarding #${card.onboarding.displayId}`;
}

function safeCardBlocks(card: OnboardingCard): KnownBlock[] {
  const o = card.onboarding;
  const fields = [
    mrkdwn(`*Phase*\n${phaseProgress(card.phases, o.phase)}`, LIMITS.fieldText),
    mrkdwn(`*Target launch*\n${describeTarget(o.target, null, o.finished)}`, LIMITS.fieldText),
  ];
  if (o.finished) fields.push(mrkdwn('*Launched*\n:rocket: Yes', LIMITS.fieldText));
  return [
    { type: 'section', text: mrkdwn(safeTitle(card)) },
    { type: 'section', fields },
  ];
}

function safeSummary(card: OnboardingCard): string {
  const o = card.onboarding;
  const who = card.customer ? safeText(card.customer.name) : 'Onboarding';
  const target = o.target ? `, target launch ${formatDay(o.target)}` : '';
  return `${who} — onboarding #${o.displayId}: ${phaseName(card.phases, o.phase)}${target}`;
}

/** What the customer may read of a change: phase and target moves, the start and the launch; nothing of why or who. */
function safeLine(event: ActivityEvent, card: OnboardingCard): string | null {
  switch (event.kind) {
    case 'onboarding.opened':
      return ':new: Onboarding started.';
    case 'onboarding.phase_changed':
      return `:arrow_forward: Now in *${phaseName(card.phases, event.to)}*.`;
    case 'onboarding.target_changed':
      return `:calendar: Target launch: *${event.to ? formatDay(event.to) : 'not set'}*.`;
    case 'onboarding.state_changed':
      return FINISHED_STATES.includes(event.to) ? ':rocket: Launched.' : null;
    case 'onboarding.removed':
      return null;
  }
}

function safeLines(events: readonly ActivityEvent[], card: OnboardingCard): string | null {
  const lines = events.map((e) => safeLine(e, card)).filter((l): l is string => l !== null);
  return lines.length ? truncate(lines.join('\n'), LIMITS.sectionText) : null;
}

/** The three shapes a channel post takes; a null reply or post means nothing of the change may be shown there. */
export interface PostViews {
  parent(card: OnboardingCard): SlackPost;
  reply(events: readonly ActivityEvent[], card: OnboardingCard): SlackPost | null;
  standalone(events: readonly ActivityEvent[], card: OnboardingCard): SlackPost | null;
}

const FULL: PostViews = {
  parent: parentPost,
  reply: (events, card) => replyPost(events, card.phases, card.mode),
  standalone: standalonePost,
};

const CUSTOMER_SAFE: PostViews = {
  parent: (card) => ({
    text: truncate(`${testKeyPrefix(card.mode)}${safeSummary(card)}`, 3000),
    blocks: [...safeCardBlocks(card), ...testKeyLabelBlock(card.mode)],
  }),
  reply: (events, card) => {
    const line = safeLines(events, card);
    if (!line) return null;
    return {
      text: truncate(`${testKeyPrefix(card.mode)}${line}`, 3000),
      blocks: [{ type: 'section', text: mrkdwn(line) }, ...testKeyMarkerBlock(card.mode)],
    };
  },
  standalone: (events, card) => {
    const line = safeLines(events, card);
    if (!line) return null;
    return {
      text: truncate(`${testKeyPrefix(card.mode)}${safeSummary(card)} — ${line}`, 3000),
      blocks: [{ type: 'section', text: mrkdwn(line) }, ...safeCardBlocks(card), ...testKeyLabelBlock(card.mode)],
    };
  },
};

export function postViewsFor(audience: Audience): PostViews {
  return audience === 'shared' ? CUSTOMER_SAFE : FULL;
}

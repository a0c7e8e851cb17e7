import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { AttentionCondition } from '../../domain/attention.js';
import { ATTENTION_LIMITS } from '../../domain/attention.js';
import type { KeyMode } from '../../domain/key-mode.js';
import { formatDay } from '../../views/launch-date.js';
import { testKeyLabelBlock, testKeyPrefix } from '../../views/test-key-label.js';
import { slackDate } from '../../views/slack-date.js';
import { escapeMrkdwn, LIMITS, mrkdwn, plain, truncate } from '../../views/text.js';
import type { ActivityEvent } from '../activity.js';
import { cardBlocks, changeLine, moveButton, type OnboardingCard, type SlackPost } from '../post-views.js';
import type { MorningItem, OnboardingDm } from './payload.js';

/** Pure views of the DMs an owner gets: a headline, the onboarding's card with its buttons, the test-key label. */

/** "Mute this onboarding" in a DM; value = onboarding id. */
export const MUTE_ONBOARDING_ACTION = 'owner_dm_mute';

const ATTENTION_LINES: Record<AttentionCondition, string> = {
  overdue: ':warning: *Overdue:* its target launch date has passed.',
  due_soon: `:hourglass_flowing_sand: *Due soon:* its target launch is within ${ATTENTION_LIMITS.dueSoonDays} days and it is not in its last phases.`,
  at_risk: ':rotating_light: *At risk:* it was marked at risk.',
  stalled_waiting: `:double_vertical_bar: *Waiting:* it has been paused or waiting on the customer for more than ${ATTENTION_LIMITS.waitingDays} days.`,
};

/** The DM's change as the channel's event, so both say it in the same words. */
function asActivity(dm: Extract<OnboardingDm, { change: unknown }>): ActivityEvent | null {
  const c = dm.change;
  if (!c) return null;
  const base = { onboardingId: dm.onboardingId, actor: dm.actor };
  if (c.kind === 'onboarding.phase_changed' && c.from && c.to)
    return { ...base, kind: c.kind, from: c.from, to: c.to, direction: dm.actor.type === 'slack' ? 'set' : 'external' };
  if (c.kind === 'onboarding.state_changed' && c.from && c.to) return { ...base, kind: c.kind, from: c.from, to: c.to };
  if (c.kind === 'onboarding.target_changed') return { ...base, kind: c.kind, from: c.from ?? null, to: c.to ?? null };
  return null;
}

export function headline(dm: OnboardingDm, card: OnboardingCard): string {
  if (dm.type === 'attention') return ATTENTION_LINES[dm.condition];
  if (dm.type === 'assigned')
    return dm.actor.type === 'slack'
      ? `:wave: <@${dm.actor.userId}> made you the owner of this onboarding.`
      : ':wave: This onboarding is now yours (assigned in Pivotal).';
  const event = asActivity(dm);
  const line = event ? changeLine(event, card.phases) : 'It changed.';
  return dm.type === 'launched' ? `:rocket: *Launched.* ${line}` : line;
}

function muteButton(onboardingId: string): Button {
  return {
    type: 'button',
    action_id: MUTE_ONBOARDING_ACTION,
    text: plain('Mute this onboarding', LIMITS.buttonText),
    value: onboardingId,
  };
}

export function onboardingDm(dm: OnboardingDm, card: OnboardingCard): SlackPost {
  const line = headline(dm, card);
  const actions: ActionsBlock = {
    type: 'actions',
    elements: [moveButton(card.onboarding.id), muteButton(card.onboarding.id)],
  };
  const who = card.customer
    ? `${card.customer.name} — onboarding #${card.onboarding.displayId}`
    : `Onboarding #${card.onboarding.displayId}`;
  return {
    text: truncate(`${testKeyPrefix(card.mode)}${who}: ${line}`, 3000),
    blocks: [{ type: 'section', text: mrkdwn(line) }, ...cardBlocks(card), actions, ...testKeyLabelBlock(card.mode)],
  };
}

const REASON_WORDS: Record<string, string> = {
  overdue: 'overdue',
  due_soon: 'due this week',
  at_risk: 'at risk',
  stalled_waiting: 'waiting',
  stalled_phase: 'stalled in its phase',
};

/** At most this many onboardings are listed; the rest are counted (a message holds 50 blocks). */
export const MORNING_LIST_MAX = 20;

export function morningListDm(items: MorningItem[], at: Date, localDate: string, mode: KeyMode | null): SlackPost {
  const shown = items.slice(0, MORNING_LIST_MAX);
  const lines = shown.map((i) => {
    const name = escapeMrkdwn(truncate(i.customerName ?? 'Unknown customer', 80));
    const target = i.target ? ` · target ${formatDay(i.target)}` : '';
    const why = i.reasons.map((r) => REASON_WORDS[r] ?? r).join(', ');
    return `• *${name}* #${i.displayId}${target} — ${why}`;
  });
  const more = items.length > shown.length ? [`…and ${items.length - shown.length} more in Home.`] : [];
  // The date token shows each reader their own day; the fallback is the owner's local date.
  const head = `:sunrise: *What needs you today, ${slackDate(at, '{date_long_pretty}', localDate)}*`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(head) },
    { type: 'section', text: mrkdwn([...lines, ...more].join('\n')) },
    ...testKeyLabelBlock(mode),
  ];
  return { text: truncate(`${testKeyPrefix(mode)}What needs you today: ${items.length} onboardings`, 3000), blocks };
}

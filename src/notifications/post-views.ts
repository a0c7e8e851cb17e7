import type { Button, ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { PhaseSequence } from '../domain/phases.js';
import { customerPageUrl } from '../pivotal/index.js';
import { testKeyLabelBlock, testKeyMarkerBlock, testKeyPrefix } from '../views/test-key-label.js';
import { LIMITS, mrkdwn, plain, truncate } from '../views/text.js';
import type { ActivityEvent } from './activity.js';
import { formatDay } from '../views/launch-date.js';
import {
  describeShift,
  describeTarget,
  ownerText,
  phaseName,
  phaseProgress,
  safeText,
  type Owner,
} from './describe.js';
import type { KeyMode } from '../domain/key-mode.js';
import { stateName } from '../domain/states.js';

/**
 * Channel posts as pure functions of plain data (views are pure): the parent card of an onboarding,
 * the thread reply for one change, and the single top-level post used when a channel has threading
 * off. Posts stay far below the 50-block limit and the undocumented ~13k aggregate cap
 * (docs/slack-notes.md, Block Kit limits): a card is five blocks.
 */

/** The action every "Move phase" button uses (channel posts, Home, customer card); value = onboarding id. */
export const MOVE_OPEN_ACTION = 'move_open';

export interface OnboardingCard {
  onboarding: {
    id: string;
    displayId: number;
    name: string | null;
    phase: string;
    state: string;
    target: string | null;
    finished: boolean;
    /** Soft-deleted in Pivotal: the post stays as a record of it, without the controls. */
    removed?: boolean;
  };
  customer: { displayId: number; name: string; slug: string | null } | null;
  owner: Owner;
  phases: PhaseSequence;
  mode: KeyMode | null;
  /** Null for a channel post: it stays up for weeks, so it shows dates without "in 12 days". */
  today: Date | null;
}

export interface SlackPost {
  text: string;
  blocks: KnownBlock[];
}

function title(card: OnboardingCard): string {
  const o = card.onboarding;
  const named = o.name ? ` ${safeText(o.name, 120)}` : '';
  // An onboarding shows on its customer's page in Pivotal: without the customer, there is nothing to link.
  if (!card.customer) return `*Onboarding #${o.displayId}*${named}`;
  const page = customerPageUrl(card.customer.displayId);
  const onboardingLink = `<${page}|#${o.displayId}>`;
  const customerLink = `<${page}|${safeText(card.customer.name)}>`;
  return `*${customerLink}* — onboarding ${onboardingLink}${named}`;
}

function facts(card: OnboardingCard): SectionBlock {
  const o = card.onboarding;
  return {
    type: 'section',
    fields: [
      mrkdwn(`*Phase*\n${phaseProgress(card.phases, o.phase)}`, LIMITS.fieldText),
      mrkdwn(`*State*\n${safeText(stateName(o.state), 80)}`, LIMITS.fieldText),
      mrkdwn(`*Target launch*\n${describeTarget(o.target, card.today, o.finished)}`, LIMITS.fieldText),
      mrkdwn(`*Owner*\n${ownerText(card.owner)}`, LIMITS.fieldText),
    ],
  };
}

export function moveButton(onboardingId: string): Button {
  return {
    type: 'button',
    action_id: MOVE_OPEN_ACTION,
    text: plain('Move phase', LIMITS.buttonText),
    value: onboardingId,
  };
}

function actions(card: OnboardingCard): ActionsBlock {
  return { type: 'actions', elements: [moveButton(card.onboarding.id)] };
}

/** One line for notifications and screen readers: who the post is about and where it stands. */
function summary(card: OnboardingCard): string {
  const o = card.onboarding;
  const who = card.customer
    ? `${safeText(card.customer.name)} — onboarding #${o.displayId}`
    : `Onboarding #${o.displayId}`;
  const target = o.target ? `, target launch ${formatDay(o.target)}` : '';
  return `${who}: ${phaseName(card.phases, o.phase)}, ${safeText(stateName(o.state), 80)}${target}`;
}

/** Who and where: the customer and onboarding line, then phase, state, target launch and owner. */
export function cardBlocks(card: OnboardingCard): KnownBlock[] {
  return [{ type: 'section', text: mrkdwn(title(card)) }, facts(card)];
}

/** The living parent message of an onboarding. */
export function parentPost(card: OnboardingCard): SlackPost {
  if (card.onboarding.removed) {
    return {
      text: truncate(`${testKeyPrefix(card.mode)}${summary(card)} — removed from Pivotal`, 3000),
      blocks: [
        { type: 'section', text: mrkdwn(title(card)) },
        {
          type: 'section',
          text: mrkdwn(
            ':wastebasket: *Removed from Pivotal.* This onboarding was soft-deleted; Pivotal keeps it only for its audit log.',
          ),
        },
        ...testKeyLabelBlock(card.mode),
      ],
    };
  }
  return {
    text: truncate(`${testKeyPrefix(card.mode)}${summary(card)}`, 3000),
    blocks: [...cardBlocks(card), actions(card), ...testKeyLabelBlock(card.mode)],
  };
}

function actorText(event: ActivityEvent): string | null {
  return event.actor.type === 'slack' ? `<@${event.actor.userId}>` : null;
}

/** Reasons and notes are people's words: quoted, escaped, and kept short enough for one section. */
function quoted(label: string, text: string | undefined): string {
  if (!text?.trim()) return '';
  const lines = truncate(text.trim(), 1500).split('\n');
  return `\n>*${label}:* ${lines.map(safeTextLine).join('\n>')}`;
}

const safeTextLine = (line: string) => safeText(line, 1500);

/** How a change reads: with its Slack author ("<@U> advanced the phase"), or passive when made in Pivotal. */
const PHASE_WORDS = {
  advance: [':arrow_forward:', 'advanced the phase', 'Phase advanced'],
  back: [':leftwards_arrow_with_hook:', 'sent it back', 'Phase sent back'],
  skip: [':fast_forward:', 'skipped ahead', 'Phase skipped ahead'],
  set: [':twisted_rightwards_arrows:', 'moved the phase', 'Phase moved'],
  external: [':arrow_forward:', 'moved the phase', 'Phase moved'],
} as const;

/** `, past Review, Internal QA`: what a skip left out, while the phase list still holds both ends. */
function passedOver(phases: PhaseSequence, from: string, to: string): string {
  const passed = phases.between(from, to);
  return passed.length > 0 ? `, past ${passed.map((p) => phaseName(phases, p.key)).join(', ')}` : '';
}

/** What changed and who did it, as one mrkdwn paragraph. Outside changes read "in Pivotal". */
export function changeLine(event: ActivityEvent, phases: PhaseSequence): string {
  const actor = actorText(event);
  const by = (active: string, passive: string) => (actor ? `${actor} ${active}` : `${passive} in Pivotal`);
  switch (event.kind) {
    case 'onboarding.opened':
      return actor ? `:new: ${actor} opened this onboarding.` : ':new: This onboarding was opened in Pivotal.';
    case 'onboarding.phase_changed': {
      const [emoji, active, passive] = PHASE_WORDS[event.direction];
      const move = `*${phaseName(phases, event.from)}* → *${phaseName(phases, event.to)}*${event.direction === 'skip' ? passedOver(phases, event.from, event.to) : ''}`;
      return `${emoji} ${by(active, passive)}: ${move}${quoted('Reason', event.reason)}${quoted('Note', event.note)}`;
    }
    case 'onboarding.state_changed':
      return `:traffic_light: ${by('changed the state', 'State changed')}: *${safeText(stateName(event.from), 80)}* → *${safeText(stateName(event.to), 80)}*${quoted('Reason', event.reason)}`;
    case 'onboarding.target_changed': {
      const { from, to } = event;
      const what =
        from && to
          ? `*${formatDay(from)}* → *${formatDay(to)}* (${describeShift(from, to)})`
          : to
            ? `set to *${formatDay(to)}*`
            : `removed (was ${from ? formatDay(from) : 'none'})`;
      return `:calendar: ${by('changed the target launch', 'Target launch changed')}: ${what}${quoted('Reason', event.reason)}`;
    }
    case 'onboarding.removed':
      return actor
        ? `:wastebasket: ${actor} removed this test onboarding from Pivotal (Remove test records).`
        : ':wastebasket: This onboarding was removed in Pivotal.';
  }
}

/** The changes of one save, one paragraph each, in one section (a save changes at most a few fields). */
function changesText(events: readonly ActivityEvent[], phases: PhaseSequence): string {
  return truncate(events.map((event) => changeLine(event, phases)).join('\n'), LIMITS.sectionText);
}

/** One reply in the onboarding's thread per save, however many fields it changed; a short test marker (the parent has the label). */
export function replyPost(events: readonly ActivityEvent[], phases: PhaseSequence, mode: KeyMode | null): SlackPost {
  const line = changesText(events, phases);
  return {
    text: truncate(`${testKeyPrefix(mode)}${line}`, 3000),
    blocks: [{ type: 'section', text: mrkdwn(line) }, ...testKeyMarkerBlock(mode)],
  };
}

/** With threading off a save is one top-level post: the changes, then the card they leave behind. */
export function standalonePost(events: readonly ActivityEvent[], card: OnboardingCard): SlackPost {
  const line = changesText(events, card.phases);
  return {
    text: truncate(`${testKeyPrefix(card.mode)}${summary(card)} — ${line}`, 3000),
    blocks: [
      { type: 'section', text: mrkdwn(line) },
      ...cardBlocks(card),
      actions(card),
      ...testKeyLabelBlock(card.mode),
    ],
  };
}

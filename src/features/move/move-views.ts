import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { Phase, PhaseSequence } from '../../domain/phases.js';
import type { ActivityEvent } from '../../notifications/activity.js';
import { safeText, type Owner } from '../../notifications/describe.js';
import { SETTABLE_STATES, stateName } from '../../domain/states.js';
import { cardBlocks, changeLine, type OnboardingCard } from '../../notifications/post-views.js';
import { checkbox } from '../../views/inputs.js';
import { testKeyLabelBlock } from '../../views/test-key-label.js';
import { LIMITS, mrkdwn, plain, truncate, truncateAtWord } from '../../views/text.js';
import { phaseChoices, type MoveInput, type ShownOnboarding } from './move-rules.js';
import type { KeyMode } from '../../domain/key-mode.js';

export const MOVE_SUBMIT_CALLBACK = 'move_submit';
export const MOVE_PICK_CALLBACK = 'move_pick';
/** block_id = action_id owner of each input: the submission reads view.state.values[block].value. */
export const MOVE_BLOCKS = {
  phase: 'phase',
  state: 'state',
  target: 'target',
  note: 'note',
  confirm: 'confirm',
  pick: 'pick',
} as const;
export const CONFIRM_SKIP_VALUE = 'skip';
export const INPUT_ACTION = 'value';
const TITLE = 'Move phase';
const NOTE_MAX = 2000;

/**
 * Everything the modal shows about the onboarding, kept in private_metadata: the submission checks
 * `shown` against Pivotal, and a failed save re-renders the form from it without calling Pivotal.
 */
export interface MoveSnapshot {
  shown: ShownOnboarding;
  displayId: number;
  name: string | null;
  finished: boolean;
  customer: { displayId: number; name: string; slug: string | null } | null;
  owner: Owner;
}

export interface MoveForm {
  snapshot: MoveSnapshot;
  phases: PhaseSequence;
  isAdmin: boolean;
  mode: KeyMode | null;
  today: Date;
  /** mrkdwn shown above the form: why it is shown again (moved meanwhile, Pivotal refused). */
  notice?: string;
  /** What the person had entered, so a failed save loses nothing. */
  entered?: MoveInput;
}

export interface PickCandidate {
  onboardingId: string;
  displayId: number;
  name: string | null;
  customerName: string | null;
  phaseName: string;
  state: string;
}

function modal(blocks: KnownBlock[], mode: KeyMode | null, extra: Partial<ModalView> = {}): ModalView {
  return {
    type: 'modal',
    title: plain(TITLE, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [...blocks, ...testKeyLabelBlock(mode)].slice(0, 100),
    ...extra,
  };
}

export function loadingModal(mode: KeyMode | null): ModalView {
  return modal(
    [{ type: 'section', text: mrkdwn(':hourglass_flowing_sand: Looking the onboarding up in Pivotal…') }],
    mode,
  );
}

/** Any one-message outcome: not found, not connected, a failure, with what to do next. */
export function messageModal(text: string, mode: KeyMode | null): ModalView {
  return modal([{ type: 'section', text: mrkdwn(text) }], mode);
}

function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value };
}

const phaseOption = (p: Phase) => option(p.name, p.key);

export function snapshotCard(
  snapshot: MoveSnapshot,
  phases: PhaseSequence,
  mode: KeyMode | null,
  today: Date,
): OnboardingCard {
  const { shown } = snapshot;
  return {
    onboarding: {
      id: shown.id,
      displayId: snapshot.displayId,
      name: snapshot.name,
      phase: shown.phase,
      state: shown.state,
      target: shown.target,
      finished: snapshot.finished,
    },
    customer: snapshot.customer,
    owner: snapshot.owner,
    phases,
    mode,
    today,
  };
}

function phaseInput(form: MoveForm): KnownBlock[] {
  const { phases, isAdmin } = form;
  const { shown } = form.snapshot;
  const choices = phaseChoices(phases, shown.phase, isAdmin);
  const groups = [
    { label: 'Advance', phases: choices.advance ? [choices.advance] : [] },
    { label: 'Send back (reason required)', phases: choices.back },
    { label: 'Skip ahead (admins, reason required)', phases: choices.skip },
    { label: 'Move to (reason required)', phases: choices.anywhere },
  ]
    .filter((g) => g.phases.length > 0)
    .map((g) => ({ label: plain(g.label, 75), options: g.phases.slice(0, 100).map(phaseOption) }));
  if (groups.length === 0) return [];
  const initial = groups.flatMap((g) => g.options).find((o) => o.value === form.entered?.toPhase);
  const block: InputBlock = {
    type: 'input',
    block_id: MOVE_BLOCKS.phase,
    optional: true,
    label: plain('Move to phase', 2000),
    element: {
      type: 'static_select',
      action_id: INPUT_ACTION,
      placeholder: plain('Keep the current phase', LIMITS.placeholder),
      option_groups: groups,
      ...(initial ? { initial_option: initial } : {}),
    },
  };
  const notes: string[] = [];
  if (shown.state !== 'active') {
    notes.push(
      `:double_vertical_bar: This onboarding is *${safeText(stateName(shown.state), 80).toLowerCase()}*: phases only move while it is active. Resume it first (set *State* to Active and save), then move the phase.`,
    );
  }
  if (!isAdmin && phases.skippable(shown.phase).length > 0)
    notes.push('Skipping ahead more than one phase is for workspace admins.');
  return [
    block,
    ...(notes.length ? [{ type: 'context' as const, elements: [mrkdwn(notes.join('\n'))] }] : []),
    ...(choices.skip.length > 0 ? [confirmSkipInput(form)] : []),
  ];
}

/** Only where a skip can be picked: a skip passes over phases, so it is confirmed as well as explained. */
function confirmSkipInput(form: MoveForm): InputBlock {
  return checkbox({
    blockId: MOVE_BLOCKS.confirm,
    label: 'Skipping ahead',
    text: 'Yes, skip ahead',
    description: 'Needed when the phase picked is more than one phase ahead; the phases in between are not done.',
    value: CONFIRM_SKIP_VALUE,
    checked: form.entered?.confirmedSkip ?? false,
  });
}

function stateInput(form: MoveForm): InputBlock {
  const { shown } = form.snapshot;
  const states: string[] = [...SETTABLE_STATES];
  if (!states.includes(shown.state)) states.push(shown.state);
  const options = states.map((s) => option(stateName(s), s));
  const wanted = form.entered?.state ?? shown.state;
  return {
    type: 'input',
    block_id: MOVE_BLOCKS.state,
    optional: true,
    label: plain('State', 2000),
    element: {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options,
      initial_option: options.find((o) => o.value === wanted) ?? options[0]!,
    },
  };
}

function targetInput(form: MoveForm): InputBlock {
  const initial = form.entered?.target ?? form.snapshot.shown.target;
  return {
    type: 'input',
    block_id: MOVE_BLOCKS.target,
    optional: true,
    label: plain('Target launch date', 2000),
    element: {
      type: 'datepicker',
      action_id: INPUT_ACTION,
      placeholder: plain('No target', LIMITS.placeholder),
      ...(initial ? { initial_date: initial } : {}),
    },
  };
}

function noteInput(form: MoveForm): InputBlock {
  const initial = form.entered?.text;
  return {
    type: 'input',
    block_id: MOVE_BLOCKS.note,
    optional: true,
    label: plain('Note or reason', 2000),
    hint: plain(
      "Required when sending back, when skipping ahead, and when the target launch moves more than 7 days later. It goes to the channel thread and the app's audit log.",
      2000,
    ),
    element: {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: NOTE_MAX,
      ...(initial ? { initial_value: truncate(initial, NOTE_MAX) } : {}),
    },
  };
}

export function moveFormModal(form: MoveForm): ModalView {
  const blocks: KnownBlock[] = [
    ...(form.notice ? [{ type: 'section' as const, text: mrkdwn(form.notice) }] : []),
    ...cardBlocks(snapshotCard(form.snapshot, form.phases, form.mode, form.today)),
    { type: 'divider' },
    ...phaseInput(form),
    stateInput(form),
    targetInput(form),
    noteInput(form),
  ];
  return modal(blocks, form.mode, {
    callback_id: MOVE_SUBMIT_CALLBACK,
    submit: plain('Save', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    private_metadata: JSON.stringify(form.snapshot),
  });
}

const PHASE_IN_LABEL_MAX = 24;

/**
 * How a picker names an onboarding: customer, number, name, phase and state, within one option's
 * 75 characters. When that is too long the customer and the name are cut after a whole word with
 * "…", never the number, phase or state: the number is what tells two long look-alike names apart.
 */
export function candidateLabel(c: PickCandidate): string {
  const number = `#${c.displayId}`;
  const tail = ` — ${truncateAtWord(c.phaseName, PHASE_IN_LABEL_MAX)} (${stateName(c.state)})`;
  const label = (customer: string | null, name: string | null) =>
    `${customer ? `${customer} · ` : ''}${number}${name ? ` ${name}` : ''}${tail}`;
  const full = label(c.customerName, c.name);
  if (codePoints(full) <= LIMITS.optionText) return full;
  const customerLength = c.customerName ? codePoints(c.customerName) : 0;
  const nameLength = c.name ? codePoints(c.name) : 0;
  const room = LIMITS.optionText - codePoints(full) + customerLength + nameLength;
  // The customer keeps at most half the room unless the name leaves it more; the name gets the rest.
  const customer =
    c.customerName &&
    truncateAtWord(c.customerName, Math.min(customerLength, Math.max(room - nameLength, Math.floor(room / 2))));
  return label(customer, c.name && truncateAtWord(c.name, room - (customer ? codePoints(customer) : 0)));
}

const codePoints = (text: string) => [...text].length;

/** `reference`: the words that matched several onboardings; empty when the person has named none yet. */
export function pickModal(candidates: readonly PickCandidate[], reference: string, mode: KeyMode | null): ModalView {
  const options = candidates.slice(0, 100).map((c) => option(candidateLabel(c), c.onboardingId));
  return modal(
    [
      {
        type: 'section',
        text: mrkdwn(
          reference
            ? `Several onboardings match *${safeText(reference, 100)}*. Which one do you want to move?`
            : 'Which onboarding do you want to move?',
        ),
      },
      {
        type: 'input',
        block_id: MOVE_BLOCKS.pick,
        label: plain('Onboarding', 2000),
        element: { type: 'static_select', action_id: INPUT_ACTION, options },
      },
    ],
    mode,
    {
      callback_id: MOVE_PICK_CALLBACK,
      submit: plain('Next', LIMITS.modalTitle),
      close: plain('Cancel', LIMITS.modalTitle),
    },
  );
}

export function savingModal(mode: KeyMode | null): ModalView {
  return modal([{ type: 'section', text: mrkdwn(':hourglass_flowing_sand: Saving the move in Pivotal…') }], mode);
}

export interface MovedResult {
  card: OnboardingCard;
  events: ActivityEvent[];
  /** Where the channel post goes; null when the workspace has no channel yet. */
  channelId: string | null;
}

export function movedModal(result: MovedResult): ModalView {
  const lines = result.events.map((e) => changeLine(e, result.card.phases));
  const where = result.channelId
    ? `The update goes to <#${result.channelId}>.`
    : 'This workspace has no notification channel yet, so no channel hears about it: an admin can pick one with `/pivotal channel #channel-name`.';
  return modal(
    [
      { type: 'section', text: mrkdwn(`:white_check_mark: Saved in Pivotal.\n${lines.join('\n')}`) },
      ...cardBlocks(result.card),
      { type: 'context', elements: [mrkdwn(where)] },
    ],
    result.card.mode,
    { close: plain('Done', LIMITS.modalTitle) },
  );
}

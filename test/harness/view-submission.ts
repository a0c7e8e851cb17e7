import type { HomeView, ModalView } from '@slack/types';
import type { FakeSlack, StoredView } from '../../sandbox/fake-slack/server.js';
import type { EchoedView } from '../../sandbox/slack-requests.js';

/**
 * The one place tests turn what the app showed into what Slack sends back: the view echoed in a
 * view_submission or block_actions payload, with `state.values[block_id][action_id]` for every
 * stateful element, starting from the initial values the app set (as Slack does) and applying the
 * answers given by block id. Also how tests find a stored view and read what a person sees in it.
 */

export type StateValues = Record<string, Record<string, unknown>>;

type Json = Record<string, unknown>;

/** string: text, option value, date, user or channel; string[]: selected values; {value, text}: an external_select pick; null: cleared. */
export type Answer = string | string[] | { value: string; text: string } | null;

interface Element extends Json {
  type: string;
  action_id: string;
}

/** The newest modal the app opened or pushed with this callback_id. */
export function latestView(slack: FakeSlack, callbackId: string): StoredView {
  const found = [...slack.views.values()].filter((v) => v.view.callback_id === callbackId).at(-1);
  if (!found) throw new Error(`the app opened no view with callback_id ${callbackId}`);
  return found;
}

/** The newest version of a view the app opened or updated. */
export function currentView(slack: FakeSlack, viewId: string): StoredView {
  const stored = slack.views.get(viewId);
  if (!stored) throw new Error(`no view ${viewId}`);
  return stored;
}

const blocksOf = (blocks: unknown): Json[] => (Array.isArray(blocks) ? blocks : []) as Json[];

/** Block ids of a view's blocks, in order. */
export function blockIds(stored: StoredView): string[] {
  return stored.view.blocks.map((b) => b.block_id ?? '').filter(Boolean);
}

/** Block ids of the input blocks of a view: the only keys a `response_action: errors` may name. */
export function inputBlockIds(blocks: unknown): Set<string> {
  return new Set(
    blocksOf(blocks)
      .filter((b) => b.type === 'input' && typeof b.block_id === 'string')
      .map((b) => b.block_id as string),
  );
}

function elementsOf(block: Json): Element[] {
  if (block.type === 'input' && block.element) return [block.element as Element];
  if (block.type === 'actions' && Array.isArray(block.elements)) return block.elements as Element[];
  return [];
}

function optionsOf(element: Element): Json[] {
  const groups = (element.option_groups ?? []) as Json[];
  return [...((element.options ?? []) as Json[]), ...groups.flatMap((g) => (g.options ?? []) as Json[])];
}

function pickOption(element: Element, value: string): Json {
  const found = optionsOf(element).find((o) => o.value === value);
  if (!found) throw new Error(`no option "${value}" in ${element.action_id}`);
  return found;
}

function externalOption(answer: Answer): Json | null {
  const picked =
    typeof answer === 'string' ? { value: answer, text: answer } : (answer as { value: string; text: string } | null);
  return picked ? { text: { type: 'plain_text', text: picked.text }, value: picked.value } : null;
}

/** What Slack reports for one element: the answer when given, else what the app set initially. */
function stateOf(element: Element, answer: Answer | undefined): Json | undefined {
  const given = answer !== undefined;
  const either = (initial: unknown, picked: () => unknown) => (given ? picked() : (initial ?? null));
  const { type } = element;
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: either(element.initial_value, () => answer) };
    case 'static_select':
    case 'radio_buttons':
      return {
        type,
        selected_option: either(element.initial_option, () =>
          answer === null ? null : pickOption(element, answer as string),
        ),
      };
    case 'external_select':
      return { type, selected_option: either(element.initial_option, () => externalOption(answer as Answer)) };
    case 'checkboxes':
    case 'multi_static_select':
    case 'multi_external_select':
      return {
        type,
        selected_options: given
          ? ((answer ?? []) as string[]).map((v) => pickOption(element, v))
          : (element.initial_options ?? []),
      };
    case 'datepicker':
      return { type, selected_date: either(element.initial_date, () => answer) };
    case 'timepicker':
      return { type, selected_time: either(element.initial_time, () => answer) };
    case 'users_select':
      return { type, selected_user: either(element.initial_user, () => answer) };
    case 'conversations_select':
      return { type, selected_conversation: either(element.initial_conversation, () => answer) };
    case 'channels_select':
      return { type, selected_channel: either(element.initial_channel, () => answer) };
    default:
      return undefined;
  }
}

/** `state.values` of a block list with the answers applied; an answer for a block that is not there throws. */
export function stateValues(blocks: unknown, answers: Record<string, Answer> = {}): StateValues {
  const values: StateValues = {};
  const unused = new Set(Object.keys(answers));
  for (const block of blocksOf(blocks)) {
    const blockId = block.block_id as string | undefined;
    if (!blockId) continue;
    for (const element of elementsOf(block)) {
      const state = stateOf(element, answers[blockId]);
      if (!state) continue;
      (values[blockId] ??= {})[element.action_id] = state;
      unused.delete(blockId);
    }
  }
  if (unused.size > 0) throw new Error(`the view has no input block ${[...unused].join(', ')}`);
  return values;
}

/** The stored view as Slack echoes it on submit, with the person's answers by block id. */
export function echoView(stored: StoredView, answers: Record<string, Answer> = {}): EchoedView {
  return echoViewWithState(stored, stateValues(stored.view.blocks, answers));
}

/**
 * A view as Slack echoes it, with `state.values` given as is: a recorded one (views.open/push/update)
 * or one the app answered with `response_action: 'update'`.
 */
export function echoViewWithState(
  stored: { id: string; hash?: string; view: ModalView | HomeView },
  values: StateValues = {},
): EchoedView {
  const { view } = stored;
  return {
    id: stored.id,
    hash: stored.hash ?? `${Date.now()}.h`,
    type: view.type,
    callback_id: view.callback_id,
    private_metadata: view.private_metadata ?? '',
    blocks: view.blocks,
    title: view.type === 'modal' ? view.title : undefined,
    state: { values },
  };
}

export interface FillAll {
  /** Typed into every text-like input (and as a typed-in external option). */
  text: string;
  /** For users_select, conversations_select and channels_select. */
  user?: string;
  channel?: string;
  /** YYYY-MM-DD for datepickers. */
  date?: string;
}

/**
 * The answers of a person who fills every input block of a view: `text` in every text input, the
 * initial or first option of every single select, nothing in multi selects, the given user, channel
 * and date in their pickers.
 */
function fillAnswer(element: Element, fill: FillAll): Answer | undefined {
  switch (element.type) {
    case 'static_select':
    case 'radio_buttons':
      return ((element.initial_option as Json | undefined) ?? optionsOf(element)[0])?.value as string | undefined;
    case 'external_select':
      return { text: [...fill.text].slice(0, 75).join('') || ' ', value: [...fill.text].slice(0, 150).join('') };
    case 'checkboxes':
    case 'multi_static_select':
    case 'multi_external_select':
      return [];
    case 'users_select':
      return fill.user ?? null;
    case 'conversations_select':
    case 'channels_select':
      return fill.channel ?? null;
    case 'datepicker':
      return fill.date ?? null;
    case 'timepicker':
      return '09:00';
    default:
      return fill.text;
  }
}

export function answerEveryInput(blocks: unknown, fill: FillAll): StateValues {
  const answers: Record<string, Answer> = {};
  for (const block of blocksOf(blocks)) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const answer = fillAnswer(block.element as Element, fill);
    if (answer !== undefined) answers[block.block_id] = answer;
  }
  return stateValues(
    blocksOf(blocks).filter((b) => b.type === 'input'),
    answers,
  );
}

/** Every piece of text in a view or message's blocks: what a person reads on the surface. */
export function visibleText(blocks: unknown): string {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node && typeof node === 'object') {
      const o = node as Json;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [key, value] of Object.entries(o)) if (key !== 'text' || typeof value !== 'string') visit(value);
    }
  };
  visit(blocks);
  return out.join('\n');
}

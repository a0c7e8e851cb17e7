import type { FakeSlack, StoredView } from '../../sandbox/fake-slack/server.js';
import type { EchoedView } from '../../sandbox/slack-requests.js';

/**
 * Turns a view the app sent to Slack into what Slack echoes back when the person submits it or acts
 * in it: `state.values[block_id][action_id]` for every stateful element, starting from the initial
 * values the app set (as Slack does) and applying the answers given by block id.
 */

type Json = Record<string, unknown>;

/** string: text, option value or date; string[]: checkbox values; {value, text}: an external_select pick; null: cleared. */
export type Answer = string | string[] | { value: string; text: string } | null;

interface Element extends Json {
  type: string;
  action_id: string;
}

function elementsOf(block: Json): Element[] {
  if (block.type === 'input' && block.element) return [block.element as Element];
  if (block.type === 'actions' && Array.isArray(block.elements)) return block.elements as Element[];
  return [];
}

function pickOption(element: Element, value: string): Json {
  const found = ((element.options ?? []) as Json[]).find((o) => o.value === value);
  if (!found) throw new Error(`no option "${value}" in ${element.action_id}`);
  return found;
}

function stateOf(element: Element, answer: Answer | undefined): Json | undefined {
  const given = answer !== undefined;
  switch (element.type) {
    case 'plain_text_input':
    case 'email_text_input':
      return { type: element.type, value: given ? answer : (element.initial_value ?? null) };
    case 'static_select':
    case 'radio_buttons':
      return {
        type: element.type,
        selected_option: given
          ? answer === null
            ? null
            : pickOption(element, answer as string)
          : (element.initial_option ?? null),
      };
    case 'external_select': {
      const picked =
        typeof answer === 'string'
          ? { value: answer, text: answer }
          : (answer as { value: string; text: string } | null | undefined);
      const option = picked ? { text: { type: 'plain_text', text: picked.text }, value: picked.value } : null;
      return { type: element.type, selected_option: given ? option : (element.initial_option ?? null) };
    }
    case 'checkboxes':
      return {
        type: element.type,
        selected_options: given
          ? ((answer ?? []) as string[]).map((v) => pickOption(element, v))
          : (element.initial_options ?? []),
      };
    case 'datepicker':
      return { type: element.type, selected_date: given ? answer : (element.initial_date ?? null) };
    case 'users_select':
      return { type: element.type, selected_user: given ? answer : (element.initial_user ?? null) };
    default:
      return undefined;
  }
}

export function echoView(stored: StoredView, answers: Record<string, Answer> = {}): EchoedView {
  const view = stored.view;
  const blocks = (view.blocks ?? []) as Json[];
  const values: Record<string, Record<string, unknown>> = {};
  const unused = new Set(Object.keys(answers));
  for (const block of blocks) {
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
  return echoViewWithState(stored, values);
}

/**
 * A view as Slack echoes it, with `state.values` given as is: a recorded one (views.open/push/update)
 * or one the app answered with `response_action: 'update'`.
 */
export function echoViewWithState(
  view: { id: string; hash?: string; view: Record<string, unknown> },
  values: Record<string, Record<string, unknown>> = {},
): EchoedView {
  const v = view.view;
  return {
    id: view.id,
    hash: view.hash ?? `${Date.now()}.h`,
    type: 'modal',
    callback_id: typeof v.callback_id === 'string' ? v.callback_id : undefined,
    private_metadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
    blocks: Array.isArray(v.blocks) ? v.blocks : [],
    title: v.title,
    state: { values },
  };
}

/** The newest version of a view the app opened or updated. */
export function currentView(slack: FakeSlack, viewId: string): StoredView {
  const stored = slack.views.get(viewId);
  if (!stored) throw new Error(`no view ${viewId}`);
  return stored;
}

/** Every piece of text in a view or message's blocks, for assertions on what a person reads. */
export function textOf(blocks: unknown): string {
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

/** Block ids of a view's blocks, in order. */
export function blockIds(stored: StoredView): string[] {
  return ((stored.view.blocks ?? []) as Json[]).map((b) => (b.block_id as string | undefined) ?? '').filter(Boolean);
}

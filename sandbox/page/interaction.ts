import type { ActionInput } from '../slack-requests.js';
import {
  asArray,
  asObject,
  asString,
  findInteractive,
  interactiveElements,
  optionsOf,
  textOfObject,
  type Interactive,
  type Json,
} from './blocks.js';

/**
 * Turns what a person did on the page into Slack's payload pieces: `state.values` for a view, the
 * `actions[0]` of block_actions. The browser only reports raw control values; the shapes (and the
 * full option objects Slack echoes) are rebuilt here from the blocks the app sent.
 */

export interface RawInput {
  block_id: string;
  action_id: string;
  /** Text inputs, single selects, dates, radio buttons, buttons. */
  value?: string | null;
  /** Multi selects and checkboxes. */
  values?: string[];
  /** An external_select's chosen option text: only the browser saw the suggestion list. */
  label?: string;
}

type StateValue = Record<string, unknown>;

function plainText(text: string) {
  return { type: 'plain_text', text, emoji: true };
}

/** An option as Slack echoes it: the app's own object (text, value, description). */
function option(element: Json, value: string | null | undefined, label?: string): Json | null {
  if (!value) return null;
  const known = optionsOf(element).find((o) => o.value === value);
  if (known) return known;
  // External selects: the options came from block_suggestion, so only the chosen label is known.
  return { text: plainText(label ?? value), value };
}

function elementState(element: Json, raw: RawInput | undefined): StateValue | null {
  const type = asString(element.type) ?? '';
  const value = raw?.value ?? null;
  const values = raw?.values ?? [];
  const opts = (list: string[]) => list.map((v) => option(element, v)).filter((o) => o !== null);
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { value: value === '' ? null : value };
    case 'static_select':
    case 'radio_buttons':
    case 'overflow':
      return { selected_option: option(element, value) };
    case 'external_select':
      return { selected_option: option(element, value, raw?.label) };
    case 'multi_static_select':
    case 'checkboxes':
    case 'multi_external_select':
      return { selected_options: opts(values) };
    case 'users_select':
      return { selected_user: value || null };
    case 'multi_users_select':
      return { selected_users: values };
    case 'conversations_select':
      return { selected_conversation: value || null };
    case 'multi_conversations_select':
      return { selected_conversations: values };
    case 'channels_select':
      return { selected_channel: value || null };
    case 'multi_channels_select':
      return { selected_channels: values };
    case 'datepicker':
      return { selected_date: value || null };
    case 'timepicker':
      return { selected_time: value || null };
    default:
      return null;
  }
}

const key = (blockId: string, actionId: string) => `${blockId}\u0000${actionId}`;

/** `view.state.values`, keyed by block_id then action_id, for every stateful element of the blocks. */
export function stateValues(blocks: unknown, inputs: readonly RawInput[]): Record<string, Record<string, StateValue>> {
  const byKey = new Map(inputs.map((r) => [key(r.block_id, r.action_id), r]));
  const values: Record<string, Record<string, StateValue>> = {};
  for (const i of interactiveElements(asArray(blocks))) {
    if (i.element.type === 'button' || i.element.type === 'overflow') continue;
    const state = elementState(i.element, byKey.get(key(i.blockId, i.actionId)));
    if (!state) continue;
    (values[i.blockId] ??= {})[i.actionId] = { type: i.element.type, ...state };
  }
  return values;
}

/** The `actions[0]` Slack sends when a control is used, or undefined if the blocks have no such control. */
export function actionFor(blocks: unknown, raw: RawInput, now: Date = new Date()): ActionInput | undefined {
  const found: Interactive | undefined = findInteractive(asArray(blocks), raw.block_id, raw.action_id);
  if (!found) return undefined;
  const { element } = found;
  const base = {
    type: asString(element.type),
    block_id: found.blockId,
    action_id: found.actionId,
    action_ts: (now.getTime() / 1000).toFixed(6),
  };
  const details =
    element.type === 'button'
      ? {
          text: asObject(element.text) ?? plainText(textOfObject(element.text)),
          ...(typeof element.value === 'string' ? { value: element.value } : {}),
          ...(typeof element.style === 'string' ? { style: element.style } : {}),
        }
      : elementState(element, raw);
  // The texts and options are the app's own objects, richer than ActionInput's minimal typing of them.
  return details ? ({ ...base, ...details } as ActionInput) : undefined;
}

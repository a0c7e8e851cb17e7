import type { StateValues } from './view-submission.js';

type Node = Record<string, unknown>;

export interface Answers {
  /** Typed into every text-like input. */
  text: string;
  /** For users_select, conversations_select and channels_select. */
  user?: string;
  channel?: string;
  /** YYYY-MM-DD for datepickers. */
  date?: string;
}

/**
 * What Slack would report in `view.state.values` if a person filled every input block of a view:
 * `text` in every text, email, url and number input (and as a typed-in external option), the first
 * option of every static select and radio group, the given user, channel and date in their pickers.
 */
export function answerEveryInput(blocks: unknown, answers: Answers): StateValues {
  const values: StateValues = {};
  for (const block of (Array.isArray(blocks) ? blocks : []) as Node[]) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const element = (block.element ?? {}) as Node;
    const actionId = typeof element.action_id === 'string' ? element.action_id : 'input';
    const state = elementState(element, answers);
    if (state) values[block.block_id] = { [actionId]: { type: element.type, ...state } };
  }
  return values;
}

function firstOption(element: Node): unknown {
  const options =
    (element.options as unknown[] | undefined) ??
    ((element.option_groups as Node[] | undefined) ?? []).flatMap((g) => (g.options as unknown[] | undefined) ?? []);
  return element.initial_option ?? options[0] ?? null;
}

function elementState(element: Node, answers: Answers): Record<string, unknown> | undefined {
  switch (element.type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { value: answers.text };
    case 'static_select':
    case 'radio_buttons':
      return { selected_option: firstOption(element) };
    case 'external_select':
      return {
        selected_option: {
          text: { type: 'plain_text', text: [...answers.text].slice(0, 75).join('') || ' ' },
          value: [...answers.text].slice(0, 150).join(''),
        },
      };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { selected_options: [] };
    case 'users_select':
      return { selected_user: answers.user ?? null };
    case 'conversations_select':
      return { selected_conversation: answers.channel ?? null };
    case 'channels_select':
      return { selected_channel: answers.channel ?? null };
    case 'datepicker':
      return { selected_date: answers.date ?? null };
    case 'timepicker':
      return { selected_time: '09:00' };
    default:
      return undefined;
  }
}

/** Block ids of the input blocks of a view: the only keys a `response_action: errors` may name. */
export function inputBlockIds(blocks: unknown): Set<string> {
  return new Set(
    ((Array.isArray(blocks) ? blocks : []) as Node[])
      .filter((b) => b.type === 'input' && typeof b.block_id === 'string')
      .map((b) => b.block_id as string),
  );
}

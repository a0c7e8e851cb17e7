import type { ContextBlock, InputBlock, KnownBlock, ModalView, PlainTextOption, SectionBlock } from '@slack/types';
import { z } from 'zod';
import { LIMITS, escapeMrkdwn, mrkdwn, plain, truncate } from '../../views/text.js';

/**
 * Small pieces the onboard, contact and customer modals share: reading a submitted `view.state.values`, building input
 * blocks that show what was entered before, and marking a field after the ack, when Slack's
 * `response_action: errors` is no longer available.
 */

const OptionState = z.object({ value: z.string(), text: z.object({ text: z.string() }).optional() });

/** Every element kind the forms use, as Slack reports it in `state.values[block_id][action_id]`. */
const ElementState = z.looseObject({
  type: z.string().optional(),
  value: z.string().nullish(),
  selected_option: OptionState.nullish(),
  selected_options: z.array(OptionState).nullish(),
  selected_date: z.string().nullish(),
  selected_user: z.string().nullish(),
});

export const ViewStateValues = z.record(z.string(), z.record(z.string(), ElementState));
export type ViewStateValues = z.infer<typeof ViewStateValues>;

export interface Choice {
  value: string;
  label: string;
}

/** One element per block in these forms, so a block id is enough to find what was entered. */
export class FormState {
  constructor(private readonly values: ViewStateValues) {}

  private element(blockId: string): z.infer<typeof ElementState> | undefined {
    const block = this.values[blockId];
    return block ? Object.values(block)[0] : undefined;
  }

  text(blockId: string): string {
    return (this.element(blockId)?.value ?? '').trim();
  }

  option(blockId: string): Choice | null {
    const o = this.element(blockId)?.selected_option;
    return o ? { value: o.value, label: o.text?.text ?? o.value } : null;
  }

  checked(blockId: string, value: string): boolean {
    return (this.element(blockId)?.selected_options ?? []).some((o) => o.value === value);
  }

  date(blockId: string): string | null {
    return this.element(blockId)?.selected_date || null;
  }

  user(blockId: string): string | null {
    return this.element(blockId)?.selected_user || null;
  }
}

/** Field errors by block id, the shape of `response_action: errors`: plain text (escaped when shown as mrkdwn). */
export type FieldErrors = Record<string, string>;

export function option(choice: Choice): PlainTextOption {
  return { text: plain(choice.label, LIMITS.optionText), value: truncate(choice.value, LIMITS.optionValue) };
}

/** The wrapper every form field shares: label, optional flag and hint around one element. */
export function inputBlock(
  o: { blockId: string; label: string; optional?: boolean; hint?: string },
  element: InputBlock['element'],
): InputBlock {
  return {
    type: 'input',
    block_id: o.blockId,
    label: plain(o.label, LIMITS.fieldText),
    optional: o.optional ?? false,
    ...(o.hint ? { hint: plain(o.hint, LIMITS.fieldText) } : {}),
    element,
  };
}

export function textInput(o: {
  blockId: string;
  label: string;
  initial?: string;
  optional?: boolean;
  hint?: string;
  placeholder?: string;
  maxLength?: number;
  email?: boolean;
}): InputBlock {
  const initial = o.initial ? { initial_value: o.initial } : {};
  const placeholder = o.placeholder ? { placeholder: plain(o.placeholder, LIMITS.placeholder) } : {};
  return inputBlock(
    o,
    o.email
      ? { type: 'email_text_input', action_id: o.blockId, ...initial, ...placeholder }
      : {
          type: 'plain_text_input',
          action_id: o.blockId,
          ...initial,
          ...placeholder,
          ...(o.maxLength ? { max_length: o.maxLength } : {}),
        },
  );
}

export function staticSelect(o: {
  blockId: string;
  label: string;
  choices: readonly Choice[];
  initial?: string | null;
  optional?: boolean;
  hint?: string;
}): InputBlock {
  const options = o.choices.slice(0, 100).map(option);
  const initial = options.find((opt) => opt.value === o.initial);
  return inputBlock(o, {
    type: 'static_select',
    action_id: o.blockId,
    options,
    ...(initial ? { initial_option: initial } : {}),
  });
}

export function checkbox(o: {
  blockId: string;
  label: string;
  text: string;
  description?: string;
  value: string;
  checked: boolean;
}): InputBlock {
  const opt = {
    text: mrkdwn(o.text, LIMITS.optionText),
    value: o.value,
    ...(o.description ? { description: plain(o.description, LIMITS.optionText) } : {}),
  };
  return inputBlock(
    { ...o, optional: true },
    { type: 'checkboxes', action_id: o.blockId, options: [opt], ...(o.checked ? { initial_options: [opt] } : {}) },
  );
}

export function sectionHeading(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(`*${text}*`) };
}

/**
 * Where a form says what went wrong as a whole (not tied to one field). `message` is mrkdwn the app
 * wrote (explainPivotalError escapes what Pivotal said), so the admins it names stay mentions.
 */
export function banner(message: string): SectionBlock {
  return { type: 'section', block_id: 'form_banner', text: mrkdwn(`:warning: ${message}`) };
}

/**
 * After the ack only `views.update` is left, so a field refused by Pivotal is marked by a line right
 * under it.
 */
export function withFieldErrors(blocks: KnownBlock[], errors: FieldErrors): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (const block of blocks) {
    out.push(block);
    const message = block.block_id ? errors[block.block_id] : undefined;
    if (message) out.push(fieldErrorLine(block.block_id!, message));
  }
  return out;
}

function fieldErrorLine(blockId: string, message: string): ContextBlock {
  return {
    type: 'context',
    block_id: `${blockId}__error`,
    elements: [mrkdwn(`:warning: ${escapeMrkdwn(message)}`, LIMITS.contextText)],
  };
}

/** Slack escapes `&`, `<` and `>` in command text (`should_escape`); a name is typed without them. */
export function commandText(args: string): string {
  return args.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

/** `code` formatting for a value people typed, safe in mrkdwn. */
export function quoted(text: string, max = 80): string {
  return `\`${escapeMrkdwn(truncate(text, max)).replace(/`/g, "'")}\``;
}

/** A modal that only says something, e.g. when a submission can no longer be carried out. */
export function noticeModal(title: string, blocks: KnownBlock[]): ModalView {
  return { type: 'modal', title: plain(title, LIMITS.modalTitle), close: plain('Close', LIMITS.modalTitle), blocks };
}

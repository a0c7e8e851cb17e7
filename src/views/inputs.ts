import type { InputBlock, PlainTextOption, SectionBlock } from '@slack/types';
import type { Choice } from './form-values.js';
import { LIMITS, mrkdwn, plain, truncate } from './text.js';

/** Input blocks of the forms, built to show what was entered before. The action id repeats the block id. */

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
  /** Ticking it sends an action at once, so the form can be redrawn to match. */
  dispatch?: boolean;
}): InputBlock {
  const opt = {
    text: mrkdwn(o.text, LIMITS.optionText),
    value: o.value,
    ...(o.description ? { description: plain(o.description, LIMITS.optionText) } : {}),
  };
  const block = inputBlock(
    { ...o, optional: true },
    { type: 'checkboxes', action_id: o.blockId, options: [opt], ...(o.checked ? { initial_options: [opt] } : {}) },
  );
  return o.dispatch ? { ...block, dispatch_action: true } : block;
}

export function sectionHeading(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(`*${text}*`) };
}

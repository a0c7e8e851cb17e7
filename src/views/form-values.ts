import { z } from 'zod';

/**
 * The one reader of a submitted modal's `view.state.values`: every view submission and action handler
 * reads what was entered through `FormState`, by block id.
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

/** Field errors by block id, the shape of `response_action: errors`: plain text (escaped when shown as mrkdwn). */
export type FieldErrors = Record<string, string>;

/** One element per block in these forms, so a block id is enough to find what was entered. */
export class FormState {
  constructor(private readonly values: ViewStateValues) {}

  /** For a payload not parsed yet: values that do not have Slack's shape read as an empty form. */
  static from(values: unknown): FormState {
    const parsed = ViewStateValues.safeParse(values);
    return new FormState(parsed.success ? parsed.data : {});
  }

  private element(blockId: string): z.infer<typeof ElementState> | undefined {
    const block = this.values[blockId];
    return block ? Object.values(block)[0] : undefined;
  }

  /** What was typed, trimmed; empty when nothing was. */
  text(blockId: string): string {
    return this.rawText(blockId).trim();
  }

  /** What was typed, as typed, for text whose lines are numbered back to the person. */
  rawText(blockId: string): string {
    return this.element(blockId)?.value ?? '';
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

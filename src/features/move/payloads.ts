import { z } from 'zod';
import type { MoveInput } from './move-rules.js';
import { INPUT_ACTION, MOVE_BLOCKS, type MoveSnapshot } from './move-views.js';

/** Slack's `view.state.values` for the inputs these modals use; each block holds one element under INPUT_ACTION. */
const element = <T extends z.ZodType>(shape: T) => z.object({ [INPUT_ACTION]: shape }).optional();
const selected = element(z.looseObject({ selected_option: z.looseObject({ value: z.string() }).nullish() }));
const date = element(z.looseObject({ selected_date: z.string().nullish() }));
const text = element(z.looseObject({ value: z.string().nullish() }));

type Values = Record<string, Record<string, unknown>>;

function pick<T>(schema: z.ZodType<T | undefined>, values: Values, block: string): T | undefined {
  const parsed = schema.safeParse(values[block]);
  return parsed.success ? parsed.data : undefined;
}

export function selectedValue(values: Values, block: string): string | undefined {
  return pick(selected, values, block)?.[INPUT_ACTION]?.selected_option?.value ?? undefined;
}

export function dateValue(values: Values, block: string): string | undefined {
  return pick(date, values, block)?.[INPUT_ACTION]?.selected_date ?? undefined;
}

export function textValue(values: Values, block: string): string | undefined {
  return pick(text, values, block)?.[INPUT_ACTION]?.value ?? undefined;
}

export function moveInput(values: Values): MoveInput {
  return {
    toPhase: selectedValue(values, MOVE_BLOCKS.phase),
    state: selectedValue(values, MOVE_BLOCKS.state),
    target: dateValue(values, MOVE_BLOCKS.target),
    text: textValue(values, MOVE_BLOCKS.note),
  };
}

const owner = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack'), userId: z.string() }),
  z.object({ kind: z.literal('pivotal'), pivotalUserId: z.string() }),
  z.object({ kind: z.literal('none') }),
]);

const SnapshotSchema: z.ZodType<MoveSnapshot> = z.object({
  shown: z.object({
    id: z.string(),
    customerId: z.string(),
    phase: z.string(),
    state: z.string(),
    target: z.string().nullable(),
    updatedAt: z.string().nullable(),
  }),
  displayId: z.number(),
  name: z.string().nullable(),
  finished: z.boolean(),
  customer: z.object({ displayId: z.number(), name: z.string(), slug: z.string().nullable() }).nullable(),
  owner,
});

export function parseSnapshot(privateMetadata: string | undefined): MoveSnapshot | null {
  try {
    const parsed = SnapshotSchema.safeParse(JSON.parse(privateMetadata ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The onboarding id a "Move phase" button carries, wherever the button was (message, modal, Home). */
export const MoveOpenBody = z.looseObject({
  trigger_id: z.string(),
  user: z.looseObject({ id: z.string() }),
  view: z.looseObject({ type: z.string() }).nullish(),
  // A button whose value is missing or blank is answered as a gone onboarding, not as a crash.
  actions: z.array(z.looseObject({ value: z.string().trim().catch('') })).min(1),
});

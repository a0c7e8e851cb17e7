import { z } from 'zod';
import type { MoveInput } from './move-rules.js';
import type { FormState } from '../../views/form-values.js';
import { CONFIRM_SKIP_VALUE, MOVE_BLOCKS, type MoveSnapshot } from './move-views.js';

/** What the move form holds, read by block id. A note left empty is no note. */
export function moveInput(form: FormState): MoveInput {
  return {
    toPhase: form.option(MOVE_BLOCKS.phase)?.value,
    state: form.option(MOVE_BLOCKS.state)?.value,
    target: form.date(MOVE_BLOCKS.target) ?? undefined,
    text: form.rawText(MOVE_BLOCKS.note) || undefined,
    confirmedSkip: form.checked(MOVE_BLOCKS.confirm, CONFIRM_SKIP_VALUE),
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

import { z } from 'zod';
import { ATTENTION_CONDITIONS } from '../../domain/attention.js';

/**
 * What a direct message to an onboarding's owner says, as the outbox keeps it. The recipient is
 * decided when the message is queued (who owned the onboarding when it changed); the person's
 * settings are read when it is delivered, so a switch takes effect at once.
 */

const actor = z.discriminatedUnion('type', [
  z.object({ type: z.literal('slack'), userId: z.string() }),
  z.object({ type: z.literal('pivotal') }),
]);

const change = z.object({
  kind: z.string(),
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
});

const morningItem = z.object({
  onboardingId: z.string(),
  displayId: z.number(),
  customerName: z.string().nullable(),
  target: z.string().nullable(),
  reasons: z.array(z.string()),
});

export const OwnerDmSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['assigned', 'changed', 'launched']),
    recipient: z.string(),
    onboardingId: z.string(),
    actor,
    change: change.nullable(),
  }),
  z.object({
    type: z.literal('attention'),
    recipient: z.string(),
    onboardingId: z.string(),
    condition: z.enum(ATTENTION_CONDITIONS),
  }),
  z.object({
    type: z.literal('morning_list'),
    recipient: z.string(),
    localDate: z.string(),
    items: z.array(morningItem),
  }),
]);

export type OwnerDm = z.infer<typeof OwnerDmSchema>;
export type OnboardingDm = Exclude<OwnerDm, { type: 'morning_list' }>;
export type MorningItem = z.infer<typeof morningItem>;
export type DmActor = z.infer<typeof actor>;

export function parseOwnerDm(json: string): OwnerDm | null {
  try {
    const parsed = OwnerDmSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

import { z } from 'zod';
import type { ActivityEvent } from './activity.js';

const actor = z.discriminatedUnion('type', [
  z.object({ type: z.literal('slack'), userId: z.string() }),
  z.object({ type: z.literal('pivotal') }),
]);
const optionalText = z.string().optional();

/** Outbox payloads are read back with the same shape recordActivity wrote; anything else is a bug to hold, not to post. */
export const ActivityEventSchema: z.ZodType<ActivityEvent> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('onboarding.opened'), onboardingId: z.string(), actor }),
  z.object({
    kind: z.literal('onboarding.phase_changed'),
    onboardingId: z.string(),
    from: z.string(),
    to: z.string(),
    direction: z.enum(['advance', 'back', 'skip', 'set', 'external']),
    reason: optionalText,
    note: optionalText,
    actor,
  }),
  z.object({
    kind: z.literal('onboarding.state_changed'),
    onboardingId: z.string(),
    from: z.string(),
    to: z.string(),
    reason: optionalText,
    actor,
  }),
  z.object({
    kind: z.literal('onboarding.target_changed'),
    onboardingId: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    reason: optionalText,
    actor,
  }),
  z.object({ kind: z.literal('onboarding.removed'), onboardingId: z.string(), actor }),
]);

export function parseActivityPayload(payload: string): ActivityEvent | null {
  try {
    const parsed = ActivityEventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

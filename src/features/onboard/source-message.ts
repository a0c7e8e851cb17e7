import { z } from 'zod';

/** The Slack message an onboarding was started from (the "Start onboarding" message shortcut). */
export const SourceMessageSchema = z.object({
  channelId: z.string(),
  ts: z.string(),
  /** The thread the message sits in, when it is a reply; the answer goes to that thread. */
  threadTs: z.string().nullable(),
  /** Null when Slack could not give one; the onboarding is still opened. */
  permalink: z.string().nullable(),
});
export type SourceMessage = z.infer<typeof SourceMessageSchema>;

/** Slack's notes field holds at most this; the permalink line is added on top of it. */
export const NOTES_MAX_LENGTH = 3000;

/** What goes into the onboarding's `notes`: what the person kept of the message, and the message's link. */
export function onboardingNotes(notes: string | undefined, source: SourceMessage | undefined): string | undefined {
  const parts = [notes?.trim(), source?.permalink ? `From Slack: ${source.permalink}` : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

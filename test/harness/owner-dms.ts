import { MUTE_ONBOARDING_ACTION } from '../../src/notifications/owner-dms/views.js';
import type { PostedMessage } from '../../sandbox/fake-slack/server.js';
import type { Harness } from './app-harness.js';
import { visibleText } from './view-submission.js';

/** DMs about one of a person's onboardings (they carry its mute button), as chat.postMessage to their user id. */
export function dmsTo(h: Harness, userId: string): PostedMessage[] {
  return h.slack.messages.filter(
    (m) => m.channel === userId && !m.user && JSON.stringify(m.blocks ?? []).includes(MUTE_ONBOARDING_ACTION),
  );
}

export const dmText = (m: PostedMessage) => visibleText(m.blocks);

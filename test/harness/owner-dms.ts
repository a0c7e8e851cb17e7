import { startPivotalForSlack, type Started } from '../../src/bootstrap.js';
import type { LogCapture } from './log-capture.js';
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

/** A second process of the app over the same data folder, Slack and Pivotal (a restart, or another replica). */
export async function startAnotherInstance(h: Harness, logs: LogCapture): Promise<Started> {
  const c = h.app.config;
  if (c.slack.kind !== 'http') throw new Error('the harness runs in HTTP mode');
  return startPivotalForSlack({
    env: {
      PORT: '0',
      SLACK_SIGNING_SECRET: c.slack.signingSecret,
      SLACK_BOT_TOKEN: c.slack.botToken,
      SLACK_API_URL: c.slackApiUrl,
      PIVOTAL_API_URL: c.pivotalApiUrl,
      PIVOTAL_API_KEY: h.apiKey!,
      PIVOTAL_KEY_ENCRYPTION_KEY: c.keyEncryptionKey!,
      PIVOTAL_NOTIFY_CHANNEL: c.notifyChannel ?? '',
      DATA_DIR: c.dataDir,
    },
    logDestination: logs,
    ownerNotifications: { enabled: false },
  });
}

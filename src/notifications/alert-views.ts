import { testKeyLabelBlock, testKeyPrefix } from '../views/test-key-label.js';
import { mrkdwn } from '../views/text.js';
import { safeText } from './describe.js';
import type { SlackPost } from './post-views.js';
import type { KeyMode } from '../domain/key-mode.js';

/** Why channel posts are stuck, told to the workspace's admins in a DM with what to do about it. */
export type AdminAlert =
  | { reason: 'no_channel'; mode: KeyMode | null }
  | { reason: 'not_member'; isPrivate: boolean; channelId: string; mode: KeyMode | null }
  | { reason: 'channel_archived' | 'channel_missing'; channelId: string; mode: KeyMode | null }
  | {
      reason: 'customer_channel_archived' | 'customer_channel_missing';
      channelId: string;
      customerName: string | null;
      fallbackChannelId: string | null;
      mode: KeyMode | null;
    };

function alertText(alert: AdminAlert): string {
  switch (alert.reason) {
    case 'no_channel':
      return ':warning: I have onboarding updates to post, but this workspace has no notification channel. Pick one with `/pivotal channel #channel-name`; the updates are kept and go out as soon as it is set.';
    case 'not_member': {
      const why = alert.isPrivate
        ? 'it is a private channel and I am not a member'
        : 'I am not a member and could not join it';
      return `:lock: I can't post onboarding updates in <#${alert.channelId}>: ${why}. Invite me by typing \`/invite @pivotal\` in <#${alert.channelId}>; the updates are kept and go out once I'm in (or pick another channel with \`/pivotal channel #channel-name\`).`;
    }
    case 'channel_archived':
    case 'channel_missing': {
      const what = alert.reason === 'channel_archived' ? 'was archived' : 'no longer exists';
      return `:warning: I can't post onboarding updates in <#${alert.channelId}>: the channel ${what}. The updates are kept: pick another channel with \`/pivotal channel #channel-name\` and they go out there.`;
    }
    case 'customer_channel_archived':
    case 'customer_channel_missing': {
      const what = alert.reason === 'customer_channel_archived' ? 'was archived' : 'no longer exists';
      const customer = alert.customerName ? `*${safeText(alert.customerName)}*` : 'a customer';
      const instead = alert.fallbackChannelId
        ? `its updates go to <#${alert.fallbackChannelId}> instead`
        : 'its updates wait for a notification channel (`/pivotal channel #channel-name`)';
      return `:warning: The Slack channel Pivotal links to ${customer} (<#${alert.channelId}>) ${what}, so ${instead}. Fix the customer's Slack channel in Pivotal to route them back.`;
    }
  }
}

export function adminAlert(alert: AdminAlert): SlackPost {
  const text = alertText(alert);
  return {
    text: `${testKeyPrefix(alert.mode)}${text}`,
    blocks: [{ type: 'section', text: mrkdwn(text) }, ...testKeyLabelBlock(alert.mode)],
  };
}

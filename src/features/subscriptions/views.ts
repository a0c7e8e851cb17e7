import { escapeMrkdwn, truncate } from '../../views/text.js';

/**
 * The answers of `/pivotal subscribe`, `unsubscribe` and `subscriptions`, as mrkdwn. Descriptions
 * come from domain/subscription-filter.ts with names already escaped or bolded there.
 */

/** `member`: already in; `joined`: just joined a public channel; `invite`: private, needs an invitation. */
export type ChannelAccess = 'member' | 'joined' | 'invite' | 'unknown';

const ACCESS_NOTE: Record<ChannelAccess, string> = {
  member: '',
  joined: '\nI joined this channel so I can post here.',
  invite:
    '\n:warning: This channel is private and I am not in it yet: invite me by typing `/invite @pivotal` here, or nothing can be posted.',
  unknown: '',
};

export function subscribedText(s: {
  channelId: string;
  description: string;
  isNew: boolean;
  access: ChannelAccess;
  replacesDefault: boolean;
}): string {
  const head = s.isNew
    ? `:white_check_mark: <#${s.channelId}> now hears ${s.description}.`
    : `:white_check_mark: <#${s.channelId}> already had this filter; it now hears ${s.description}.`;
  const narrowed = s.replacesDefault
    ? '\nThis channel heard every change by default; from now on it hears only what its subscriptions let through.'
    : '';
  return `${head}${narrowed}${ACCESS_NOTE[s.access]}\nSee them all with \`/pivotal subscriptions\`; remove one with \`/pivotal unsubscribe <the same filter>\`.`;
}

export interface SubscriptionLine {
  channelId: string;
  description: string;
  createdBy: string;
}

export function subscriptionLines(rows: readonly SubscriptionLine[]): string[] {
  return rows.map((r) => `• <#${r.channelId}>: ${r.description} — subscribed by <@${r.createdBy}>`);
}

/** A channel without subscriptions: what it hears by default, if anything. */
export function defaultRouteLine(c: { channelId: string; isNotify: boolean; customerNames: string[] }): string {
  const customers = c.customerNames.map((n) => `*${escapeMrkdwn(truncate(n, 80))}*`).join(', ');
  if (c.isNotify)
    return `<#${c.channelId}> is the notification channel: it hears every change of every onboarding (customers with their own channel aside). Narrow it with e.g. \`/pivotal subscribe phase:launch -state:paused\`.`;
  if (customers)
    return `<#${c.channelId}> is the own channel of ${customers} in Pivotal: it hears every change of ${c.customerNames.length === 1 ? 'its' : 'their'} onboardings.`;
  return `<#${c.channelId}> has no subscriptions. Add one with e.g. \`/pivotal subscribe phase:launch,review -state:paused\`.`;
}

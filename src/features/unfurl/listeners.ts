import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { openSession } from '../shared/session.js';
import { unfurlCards } from './service.js';

const LinkShared = z.object({
  channel: z.string(),
  message_ts: z.string(),
  unfurl_id: z.string().optional(),
  source: z.enum(['composer', 'conversations_history']).optional(),
  links: z.array(z.object({ url: z.string() })),
});

/** A pasted link to a customer or onboarding page of the Pivotal web app becomes a card; Slack sends only the hosts in the manifest's unfurl_domains. */
export function registerUnfurl(app: SlackListeners, ctx: AppContext): void {
  app.event('link_shared', linkShared(ctx));
}

function linkShared(ctx: AppContext): Middleware<SlackEventMiddlewareArgs<'link_shared'>> {
  return async ({ event, client, context }) => {
    const shared = LinkShared.parse(event);
    const session = await openSession(ctx, context);
    if (!session.connection) return;
    const cards = await unfurlCards(
      ctx,
      session,
      shared.links.map((l) => l.url),
    );
    if (cards.size === 0) return;
    const unfurls = Object.fromEntries([...cards].map(([url, blocks]) => [url, { blocks }]));
    // Links still in the message composer are addressed by unfurl id; posted ones by channel and ts.
    const target =
      shared.unfurl_id && shared.source
        ? { unfurl_id: shared.unfurl_id, source: shared.source }
        : { channel: shared.channel, ts: shared.message_ts };
    await client.chat.unfurl({ ...target, unfurls });
  };
}

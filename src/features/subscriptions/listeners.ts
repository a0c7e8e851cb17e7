import type { AppContext } from '../../context.js';
import type { CommandRouter } from '../../slack/command-router.js';
import { ephemeral } from '../phases/ephemeral.js';
import { openSession } from '../shared/session.js';
import { channelSubscriptions, subscribe, unsubscribe } from './service.js';

/** `/pivotal subscribe`, `unsubscribe`, `subscriptions`: what the channel the command is typed in hears. */
export function registerSubscriptions(ctx: AppContext, router: CommandRouter): void {
  router.register({
    name: 'subscribe',
    summary:
      'choose what this channel hears: events (created, phase, sent_back, state, target, launched, at_risk) and filters (phase:, state:, owner:@someone, customer:, `-` excludes)',
    example: '/pivotal subscribe phase:launch,review -state:paused',
    handle: async ({ ack, args, body, client, context, respond }) => {
      await ack();
      const session = await openSession(ctx, context);
      const text = await subscribe(ctx, session, { userId: body.user_id, slack: client }, body.channel_id, args);
      await respond({ ...ephemeral(text, session.mode), replace_original: false });
    },
  });
  router.register({
    name: 'unsubscribe',
    summary: "remove this channel's subscription with that filter, or all of them without one",
    example: '/pivotal unsubscribe phase:launch,review -state:paused',
    handle: async ({ ack, args, body, context, respond }) => {
      await ack();
      const session = await openSession(ctx, context);
      const text = await unsubscribe(ctx, session, body.channel_id, args);
      await respond({ ...ephemeral(text, session.mode), replace_original: false });
    },
  });
  router.register({
    name: 'subscriptions',
    summary: "this channel's subscriptions and who made each",
    example: '/pivotal subscriptions',
    handle: async ({ ack, body, context, respond }) => {
      await ack();
      const session = await openSession(ctx, context);
      const text = await channelSubscriptions(ctx, session, body.channel_id);
      await respond({ ...ephemeral(text, session.mode), replace_original: false });
    },
  });
}

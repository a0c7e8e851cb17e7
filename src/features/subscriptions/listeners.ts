import type { AppContext } from '../../context.js';
import { sharingChanged } from '../../notifications/shared-channels.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import { workspaceId } from '../../domain/workspace-ref.js';
import { ephemeral } from '../../views/ephemeral.js';
import { openSession } from '../shared/session.js';
import { channelSubscriptions, subscribe, unsubscribe, type ChannelRequest } from './service.js';
import { setSharedPosts } from './shared-posts.js';
import { runDigestCommand } from '../digests/service.js';

type ChannelCommand = (ctx: AppContext, request: ChannelRequest) => Promise<string>;

/** Commands about the channel they are typed in, answered only to the person who typed them. */
const CHANNEL_COMMANDS: Array<Omit<Subcommand, 'handle'> & { run: ChannelCommand }> = [
  {
    name: 'subscribe',
    task: 'workspace',
    summary:
      'choose what this channel hears: events (created, phase, sent_back, state, target, launched, at_risk) and filters (phase:, state:, owner:@someone, customer:, `-` excludes)',
    example: '/pivotal subscribe phase:launch,review -state:paused',
    run: subscribe,
  },
  {
    name: 'unsubscribe',
    task: 'workspace',
    summary: "remove this channel's subscription with that filter, or all of them without one",
    example: '/pivotal unsubscribe phase:launch,review -state:paused',
    run: unsubscribe,
  },
  {
    name: 'subscriptions',
    task: 'workspace',
    summary: "this channel's subscriptions and who made each",
    run: channelSubscriptions,
  },
  {
    name: 'shared-posts',
    task: 'workspace',
    summary:
      'in a channel shared with a customer: the customer-safe card (default) or, confirmed by an admin, full posts',
    example: '/pivotal shared-posts full',
    run: setSharedPosts,
  },
  {
    name: 'digest',
    task: 'workspace',
    summary: 'a daily or weekly onboarding digest in a channel, or one now (`now`, `off`)',
    example: '/pivotal digest #onboarding weekly mon 09:00 Europe/Berlin',
    run: runDigestCommand,
  },
];

/**
 * `/pivotal subscribe`, `unsubscribe`, `subscriptions`: what the channel the command is typed in hears;
 * `/pivotal shared-posts` and Slack's sharing events: what a channel shared with a customer sees;
 * `/pivotal digest`: its scheduled summary. Returns the digest job, the worker that posts them.
 */
export function registerSubscriptions(app: SlackListeners, ctx: AppContext, router: CommandRouter): void {
  for (const { run, ...sub } of CHANNEL_COMMANDS) {
    router.register({
      ...sub,
      handle: async ({ ack, args, body, client, context, respond }) => {
        await ack();
        const session = await openSession(ctx, context);
        const actor = { userId: body.user_id, slack: client };
        const text = await run(ctx, { session, actor, channelId: body.channel_id, args });
        await respond({ ...ephemeral(text, session.mode), replace_original: false });
      },
    });
  }

  app.event('channel_shared', async ({ event, context }) => {
    await sharingChanged(ctx, workspaceId(workspaceFromContext(context)), event.channel, true);
  });
  // Unshared from one organisation, it may still be shared with another: Slack says which.
  app.event('channel_unshared', async ({ event, context }) => {
    await sharingChanged(ctx, workspaceId(workspaceFromContext(context)), event.channel, event.is_ext_shared);
  });
}

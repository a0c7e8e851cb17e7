import type { AppContext } from '../../context.js';
import { sharingChanged } from '../../notifications/shared-channels.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import type { EventHandler, SlackListeners } from '../../slack/listener-registry.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import { workspaceId } from '../../domain/workspace-ref.js';
import { ephemeral } from '../../views/ephemeral.js';
import { openSession } from '../shared/session.js';
import { channelSubscriptions, subscribe, unsubscribe, type ChannelRequest } from './service.js';
import { setSharedPosts } from './shared-posts.js';
import { runDigestCommand } from '../digests/service.js';

/** A command about the channel it is typed in: `run` says what to answer the person who typed it. */
interface ChannelCommand extends Omit<Subcommand, 'handle'> {
  run: (ctx: AppContext, request: ChannelRequest) => Promise<string>;
}

const SUBSCRIBE: ChannelCommand = {
  name: 'subscribe',
  task: 'workspace',
  summary:
    'choose what this channel hears: events (created, phase, sent_back, state, target, launched, at_risk) and filters (phase:, state:, owner:@someone, customer:, `-` excludes)',
  example: '/pivotal subscribe phase:launch,review -state:paused',
  run: subscribe,
};

const UNSUBSCRIBE: ChannelCommand = {
  name: 'unsubscribe',
  task: 'workspace',
  summary: "remove this channel's subscription with that filter, or all of them without one",
  example: '/pivotal unsubscribe phase:launch,review -state:paused',
  run: unsubscribe,
};

const SUBSCRIPTIONS: ChannelCommand = {
  name: 'subscriptions',
  task: 'workspace',
  summary: "this channel's subscriptions and who made each",
  run: channelSubscriptions,
};

const SHARED_POSTS: ChannelCommand = {
  name: 'shared-posts',
  task: 'workspace',
  summary:
    'in a channel shared with a customer: the customer-safe card (default) or, confirmed by an admin, full posts',
  example: '/pivotal shared-posts full',
  run: setSharedPosts,
};

const DIGEST: ChannelCommand = {
  name: 'digest',
  task: 'workspace',
  summary: 'a daily or weekly onboarding digest in a channel, or one now (`now`, `off`)',
  example: '/pivotal digest #onboarding weekly mon 09:00 Europe/Berlin',
  run: runDigestCommand,
};

/**
 * `/pivotal subscribe`, `unsubscribe`, `subscriptions`: what the channel the command is typed in hears;
 * `/pivotal shared-posts` and Slack's sharing events: what a channel shared with a customer sees;
 * `/pivotal digest`: its scheduled summary.
 */
export function registerSubscriptions(app: SlackListeners, ctx: AppContext, router: CommandRouter): void {
  router.register(channelCommand(ctx, SUBSCRIBE));
  router.register(channelCommand(ctx, UNSUBSCRIBE));
  router.register(channelCommand(ctx, SUBSCRIPTIONS));
  router.register(channelCommand(ctx, SHARED_POSTS));
  router.register(channelCommand(ctx, DIGEST));
  app.event('channel_shared', channelShared(ctx));
  app.event('channel_unshared', channelUnshared(ctx));
}

/** Answered only to the person who typed it, whatever the channel. */
function channelCommand(ctx: AppContext, { run, ...sub }: ChannelCommand): Subcommand {
  return {
    ...sub,
    handle: async ({ ack, args, body, client, context, respond }) => {
      await ack();
      const session = await openSession(ctx, context);
      const actor = { userId: body.user_id, slack: client };
      const text = await run(ctx, { session, actor, channelId: body.channel_id, args });
      await respond({ ...ephemeral(text, session.mode), replace_original: false });
    },
  };
}

function channelShared(ctx: AppContext): EventHandler<'channel_shared'> {
  return async ({ event, context }) => {
    await sharingChanged(ctx, workspaceId(workspaceFromContext(context)), event.channel, true);
  };
}

/** Unshared from one organisation, it may still be shared with another: Slack says which. */
function channelUnshared(ctx: AppContext): EventHandler<'channel_unshared'> {
  return async ({ event, context }) => {
    await sharingChanged(ctx, workspaceId(workspaceFromContext(context)), event.channel, event.is_ext_shared);
  };
}

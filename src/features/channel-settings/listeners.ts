import type { AppContext } from '../../context.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import { ephemeral } from '../../views/ephemeral.js';
import { openSession } from '../shared/session.js';
import { parseChannelCommand, runChannelCommand } from './channel-service.js';

/** `/pivotal channel`: where onboarding updates are posted, and whether in threads. */
export function registerChannelSettings(ctx: AppContext, router: CommandRouter): void {
  router.register(channelCommand(ctx));
}

function channelCommand(ctx: AppContext): Subcommand {
  return {
    name: 'channel',
    summary: 'where onboarding updates are posted (admins: set the channel, switch threads on or off)',
    task: 'workspace',
    example: '/pivotal channel #onboarding',
    handle: async ({ ack, args, body, client, context, respond }) => {
      await ack();
      const session = await openSession(ctx, context);
      const outcome = await runChannelCommand(
        ctx,
        session,
        { userId: body.user_id, slack: client },
        parseChannelCommand(args),
      );
      await respond({ ...ephemeral(outcome.text, session.mode), replace_original: false });
    },
  };
}

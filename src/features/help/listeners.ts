import type { SlackListeners } from '../../slack/listener-registry.js';
import type { CommandRouter } from '../../slack/command-router.js';
import { helpMessage } from './views.js';

/** `/pivotal`, `/pivotal help` and any word nobody registered all get the help, never silence. */
export function registerHelp(app: SlackListeners, router: CommandRouter): void {
  // Every subcommand is registered before the first request, so the plain help is built once.
  let plainHelp: ReturnType<typeof helpMessage> | undefined;
  router.register({
    name: 'help',
    summary: 'show this list of commands',
    example: '/pivotal help',
    handle: async ({ ack }) => ack((plainHelp ??= helpMessage(router.list()))),
  });

  app.command('/pivotal', async (args) => {
    const { sub, word, args: rest } = router.resolve(args.command.text ?? '');
    if (sub) return sub.handle({ ...args, args: rest });
    await args.ack(helpMessage(router.list(), word || undefined));
  });
}

import type { CommandRouter } from '../../slack/command-router.js';
import { helpMessage } from './views.js';

/** `/pivotal`, `/pivotal help` and any word nobody registered all get the help, never silence. */
export function registerHelp(router: CommandRouter): void {
  // Every subcommand is registered before the first request, so the plain help is built once.
  let plainHelp: ReturnType<typeof helpMessage> | undefined;
  router.register({
    name: 'help',
    summary: 'show this list of commands',
    task: 'workspace',
    handle: async ({ ack }) => ack((plainHelp ??= helpMessage(router.list()))),
  });
  router.otherwise(({ ack }, word) =>
    ack(helpMessage(router.list(), { unknownWord: word || undefined, known: router.words() })),
  );
}

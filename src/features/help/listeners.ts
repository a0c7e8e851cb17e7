import type { CommandRouter, Subcommand, UnknownSubcommand } from '../../slack/command-router.js';
import { helpMessage } from './views.js';

/** `/pivotal`, `/pivotal help` and any word nobody registered all get the help, never silence. */
export function registerHelp(router: CommandRouter): void {
  router.register(helpCommand(router));
  router.otherwise(unknownWordAnswered(router));
}

function helpCommand(router: CommandRouter): Subcommand {
  // Every subcommand is registered before the first request, so the plain help is built once.
  let plainHelp: ReturnType<typeof helpMessage> | undefined;
  return {
    name: 'help',
    summary: 'show this list of commands',
    task: 'workspace',
    handle: async ({ ack }) => ack((plainHelp ??= helpMessage(router.list()))),
  };
}

/** `/pivotal` alone, or a word no feature answers to: the help, naming the word when there was one. */
function unknownWordAnswered(router: CommandRouter): UnknownSubcommand {
  return ({ ack }, word) => ack(helpMessage(router.list(), { unknownWord: word || undefined, known: router.words() }));
}

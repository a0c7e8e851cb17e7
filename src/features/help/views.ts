import { closest, distance } from 'fastest-levenshtein';
import type { EphemeralMessage } from '../../views/ephemeral.js';
import { COMMAND_TASKS, type CommandTask, type Subcommand } from '../../slack/command-router.js';
import { escapeMrkdwn, mrkdwn } from '../../views/text.js';

/** The heading of each task in the help, in the order a person meets them; the admins' commands are marked. */
const TASK_HEADINGS: Record<CommandTask, string> = {
  onboard: 'Onboard a customer',
  move: 'Move an onboarding',
  find: 'Find a customer',
  contacts: 'Contacts',
  workspace: 'This workspace',
  admin: ':lock: Admins only',
};

/** A typo is at most this many edits away from the word meant (`onbaord` is two from `onboard`). */
const MAX_TYPO_EDITS = 2;

/** The known word a mistyped one was probably meant to be; none when nothing is close. */
export function closestCommand(word: string, known: readonly string[]): string | undefined {
  if (!word || known.length === 0) return undefined;
  const best = closest(word, [...known]);
  const edits = distance(word, best);
  // Short words are all close to each other: a suggestion must keep most of the word.
  return edits <= MAX_TYPO_EDITS && edits <= best.length / 2 ? best : undefined;
}

function commandLine(c: Subcommand): string {
  const line = `• \`/pivotal ${c.name}\` — ${c.summary}`;
  return c.example ? `${line}\n   e.g. \`${c.example}\`` : line;
}

function intro(unknownWord: string | undefined, suggestion: string | undefined): string {
  if (!unknownWord) return 'Here is what I can do:';
  const word = `\`${escapeMrkdwn(unknownWord).slice(0, 60)}\``;
  if (suggestion) return `I don't know ${word}. Did you mean \`/pivotal ${suggestion}\`? Here is everything I can do:`;
  return `I don't know ${word}. Here is what I can do:`;
}

/** The commands grouped by task; `known` are the words the router answers to, for "did you mean". */
export function helpMessage(
  commands: readonly Subcommand[],
  opts: { unknownWord?: string | undefined; known?: readonly string[] } = {},
): EphemeralMessage {
  const suggestion = opts.unknownWord ? closestCommand(opts.unknownWord, opts.known ?? []) : undefined;
  const first = intro(opts.unknownWord, suggestion);
  const groups = COMMAND_TASKS.map((task) => ({ task, commands: commands.filter((c) => c.task === task) })).filter(
    (g) => g.commands.length > 0,
  );
  const ordered = groups.flatMap((g) => g.commands);
  return {
    response_type: 'ephemeral',
    text: `${first} ${ordered.map((c) => `/pivotal ${c.name}`).join(', ')}`,
    blocks: [
      { type: 'section', text: mrkdwn(`*Pivotal for Slack* — ${first}`) },
      ...groups.map((g) => ({
        type: 'section' as const,
        text: mrkdwn(`*${TASK_HEADINGS[g.task]}*\n${g.commands.map(commandLine).join('\n')}`),
      })),
      {
        type: 'context',
        elements: [mrkdwn("Managers: open the app's *Home* tab to see the whole pipeline.")],
      },
    ],
  };
}

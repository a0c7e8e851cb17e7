import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { SlackListeners } from './listener-registry.js';

/** The one Slack command; every capability is a word after it. */
export const PIVOTAL_COMMAND = '/pivotal';

export type CommandArgs = SlackCommandMiddlewareArgs &
  AllMiddlewareArgs & {
    /** The text after the subcommand word, trimmed. */
    args: string;
  };

/** The task a subcommand serves: help lists them in this order, the admins' commands last. */
export const COMMAND_TASKS = ['onboard', 'move', 'find', 'contacts', 'workspace', 'admin'] as const;
export type CommandTask = (typeof COMMAND_TASKS)[number];

export interface Subcommand {
  name: string;
  aliases?: string[];
  /** One line for the help. */
  summary: string;
  task: CommandTask;
  /** A full example with an argument, e.g. `/pivotal onboard Acme Corp`; none when the command takes no argument. */
  example?: string;
  /** Each handler acks itself, so one that opens a modal can ack first and call views.open at once. */
  handle(args: CommandArgs): Promise<void>;
}

/** What answers `/pivotal` alone or a word nobody registered (`word` is empty for the former). */
export type UnknownSubcommand = (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs, word: string) => Promise<void>;

/**
 * `/pivotal <subcommand> …` is one Slack command, mounted here; features register the words they
 * answer to, and one of them (help) what answers any other word, so nothing goes unanswered.
 */
export class CommandRouter {
  private readonly byName = new Map<string, Subcommand>();
  private readonly ordered: Subcommand[] = [];
  private unknown: UnknownSubcommand = async ({ ack }, word) => ack(`\`${word}\` is not a ${PIVOTAL_COMMAND} command.`);

  constructor(app: SlackListeners) {
    app.command(PIVOTAL_COMMAND, async (args) => {
      const { sub, word, args: rest } = this.resolve(args.command.text ?? '');
      if (sub) return sub.handle({ ...args, args: rest });
      await this.unknown(args, word);
    });
  }

  register(sub: Subcommand): void {
    const names = [sub.name, ...(sub.aliases ?? [])];
    // All names are checked before any is taken, so a refused subcommand leaves no alias behind.
    const taken = names.find((name, i) => this.byName.has(name) || names.indexOf(name) !== i);
    if (taken !== undefined) throw new Error(`subcommand "${taken}" registered twice`);
    for (const name of names) this.byName.set(name, sub);
    this.ordered.push(sub);
  }

  otherwise(answer: UnknownSubcommand): void {
    this.unknown = answer;
  }

  list(): readonly Subcommand[] {
    return this.ordered;
  }

  /** Every word that reaches a subcommand, aliases included. */
  words(): readonly string[] {
    return [...this.byName.keys()];
  }

  /** Splits `onboard Acme Corp` into the subcommand and the rest; unknown words resolve to undefined. */
  resolve(text: string): { sub: Subcommand | undefined; word: string; args: string } {
    const trimmed = text.trim();
    const [first = ''] = trimmed.split(/\s+/);
    const word = first.toLowerCase();
    return { sub: this.byName.get(word), word, args: trimmed.slice(first.length).trim() };
  }
}

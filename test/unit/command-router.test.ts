import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { CommandRouter, PIVOTAL_COMMAND, type Subcommand } from '../../src/slack/command-router.js';
import type { SlackListeners } from '../../src/slack/listener-registry.js';

type CommandListener = (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;

/** A router on a stand-in for the listener registry that keeps what the router mounts. */
function mountedRouter() {
  const mounted = new Map<string, CommandListener>();
  const app = { command: (name: string, listener: CommandListener) => mounted.set(name, listener) };
  const router = new CommandRouter(app as unknown as SlackListeners);
  const run = (text: string) =>
    mounted.get(PIVOTAL_COMMAND)!({ command: { text }, ack: async () => {} } as unknown as SlackCommandMiddlewareArgs &
      AllMiddlewareArgs);
  return { router, mounted, run };
}

const sub = (name: string, aliases?: string[]): Subcommand => ({
  name,
  ...(aliases ? { aliases } : {}),
  summary: `${name} things`,
  task: 'onboard',
  example: `/pivotal ${name}`,
  handle: async () => {},
});

describe('CommandRouter', () => {
  it('resolves the first word, case-insensitively, and hands on the rest trimmed', () => {
    const { router } = mountedRouter();
    const onboard = sub('onboard');
    router.register(onboard);
    expect(router.resolve('  ONBOARD   Acme   Corp  ')).toEqual({ sub: onboard, word: 'onboard', args: 'Acme   Corp' });
    expect(router.resolve('onboard')).toEqual({ sub: onboard, word: 'onboard', args: '' });
  });

  it('resolves an alias to its subcommand, and lists each subcommand once, in registration order', () => {
    const { router } = mountedRouter();
    const move = sub('move', ['phase', 'advance']);
    const help = sub('help');
    router.register(move);
    router.register(help);
    expect(router.resolve('advance 42').sub).toBe(move);
    expect(router.list()).toEqual([move, help]);
  });

  it('resolves an empty or unknown word to no subcommand, keeping the word for the reply', () => {
    const { router } = mountedRouter();
    router.register(sub('help'));
    expect(router.resolve('')).toEqual({ sub: undefined, word: '', args: '' });
    expect(router.resolve('Frobnicate now')).toEqual({ sub: undefined, word: 'frobnicate', args: 'now' });
    // Only the whole word counts: a prefix or a word with the name in it is not the subcommand.
    expect(router.resolve('hel').sub).toBeUndefined();
    expect(router.resolve('helpme').sub).toBeUndefined();
  });

  it('refuses a name or alias registered twice, without half-registering', () => {
    const { router } = mountedRouter();
    router.register(sub('move', ['phase']));
    expect(() => router.register(sub('phase'))).toThrow('subcommand "phase" registered twice');
    expect(() => router.register(sub('move'))).toThrow('subcommand "move" registered twice');
    expect(() => router.register(sub('other', ['phase']))).toThrow('subcommand "phase" registered twice');
    expect(router.resolve('other').sub).toBeUndefined();
    expect(() => router.register(sub('twice', ['twice']))).toThrow('subcommand "twice" registered twice');
    expect(router.resolve('twice').sub).toBeUndefined();
    expect(router.list().map((s) => s.name)).toEqual(['move']);
  });

  it('splits any text so that word and args put back together give the trimmed text', () => {
    const { router } = mountedRouter();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const { word, args } = router.resolve(text);
        expect(word).not.toMatch(/\s/);
        expect(args).toBe(args.trim());
        const trimmed = text.trim();
        expect(trimmed.toLowerCase().startsWith(word)).toBe(true);
        expect(trimmed.endsWith(args)).toBe(true);
      }),
    );
  });

  it('mounts /pivotal itself and hands each word to its subcommand, any other to the fallback', async () => {
    const { router, mounted, run } = mountedRouter();
    expect([...mounted.keys()]).toEqual([PIVOTAL_COMMAND]);
    const seen: string[] = [];
    router.register({ ...sub('move'), handle: async ({ args }) => void seen.push(`move:${args}`) });
    router.otherwise(async (_args, word) => void seen.push(`otherwise:${word}`));
    await run('move  Acme Corp ');
    await run('frobnicate');
    await run('');
    expect(seen).toEqual(['move:Acme Corp', 'otherwise:frobnicate', 'otherwise:']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChannelCommand } from '../../src/features/channel-settings/channel-service.js';

describe('parseChannelCommand', () => {
  it('shows the setting when nothing follows', () => {
    expect(parseChannelCommand('')).toEqual({ kind: 'show' });
    expect(parseChannelCommand('   \t ')).toEqual({ kind: 'show' });
  });

  it('takes a channel Slack escaped, with or without its name, or a bare id', () => {
    expect(parseChannelCommand('<#C0123ABC|onboarding>')).toEqual({
      kind: 'set',
      channel: { id: 'C0123ABC', name: 'onboarding' },
    });
    expect(parseChannelCommand('<#G0123ABC>')).toEqual({ kind: 'set', channel: { id: 'G0123ABC' } });
    expect(parseChannelCommand('  C0123ABC  ')).toEqual({ kind: 'set', channel: { id: 'C0123ABC' } });
  });

  it('refuses a typed channel name, saying how to make Slack send its id', () => {
    const parsed = parseChannelCommand('#onboarding');
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') {
      expect(parsed.problem).toContain("I don't recognise `#onboarding` as a channel.");
      expect(parsed.problem).toContain('pick the channel from Slack');
    }
    // A user mention, a short id, a lower-case id: none is a channel.
    for (const token of ['<@U0123ABC>', 'C12', 'c0123abc', 'D0123ABC'])
      expect(parseChannelCommand(token).kind).toBe('invalid');
  });

  it('refuses two channels', () => {
    const parsed = parseChannelCommand('<#C0123ABC|a> <#C0456DEF|b>');
    expect(parsed.kind === 'invalid' && parsed.problem).toMatch(/^Nothing changed: I expected one channel, got `/);
  });

  it('switches threading, in either word order, with or without a channel, case-insensitively', () => {
    expect(parseChannelCommand('threads off')).toEqual({ kind: 'threads', on: false, channel: undefined });
    expect(parseChannelCommand('Threading ON')).toEqual({ kind: 'threads', on: true, channel: undefined });
    const x = { id: 'C0123ABC', name: 'x' };
    for (const args of ['threads on <#C0123ABC|x>', '<#C0123ABC|x> threads on', 'threads <#C0123ABC|x> on'])
      expect(parseChannelCommand(args), args).toEqual({ kind: 'threads', on: true, channel: x });
    expect(parseChannelCommand('threads <#C0123ABC|x> off')).toEqual({ kind: 'threads', on: false, channel: x });
  });

  it('refuses a threads switch that is neither on nor off', () => {
    for (const args of ['threads', '<#C0123ABC|x> threads', 'threads on off'])
      expect(parseChannelCommand(args)).toEqual({
        kind: 'invalid',
        problem: expect.stringMatching(
          /^Nothing changed: say whether threads go on or off: type `\/pivotal channel threads on/,
        ),
      });
    expect(parseChannelCommand('threads maybe')).toEqual({
      kind: 'invalid',
      problem: expect.stringMatching(/^Nothing changed: I don't know `maybe` here: threads go `on` or `off`/),
    });
    expect(parseChannelCommand('off <#C0123ABC|x>')).toEqual({
      kind: 'invalid',
      problem: 'Nothing changed: to switch threading, say `threads`: type `/pivotal channel threads off #x`.',
    });
  });

  it('keeps a hostile argument short and escaped in the message', () => {
    const parsed = parseChannelCommand(`<!channel>${'x'.repeat(500)}`);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') {
      expect(parsed.problem).not.toContain('<!channel>');
      expect(parsed.problem.length).toBeLessThan(500);
    }
  });

  it('answers every input with one of its four kinds and a problem that says what to type', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (args) => {
        const parsed = parseChannelCommand(args);
        expect(['show', 'set', 'threads', 'invalid']).toContain(parsed.kind);
        if (parsed.kind === 'invalid') expect(parsed.problem).toMatch(/`\/pivotal channel/);
        if (parsed.kind === 'set') expect(parsed.channel.id).toMatch(/^[CG][A-Z0-9]+$/);
      }),
    );
  });
});

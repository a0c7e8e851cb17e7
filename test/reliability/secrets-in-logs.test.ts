import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { connectWorkspace, pasteKey } from '../harness/connect-workspace.js';
import { fastOutbox, openMove, seedOnboarding, select, submitView } from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';

/**
 * Every log line the app wrote while secrets went through it (a key connected, keys pasted where
 * they do not belong, a key revoked, Slack refusing the token, Pivotal refusing the key) is scanned
 * for secrets, twice: for the exact values it was given, and for anything shaped like a Pivotal key
 * or a Slack token beyond its public prefix. What the app sent to Slack is scanned for its own
 * secrets too. Expected: zero.
 */

/** A Pivotal key or Slack token with more than its public prefix (`pivotal_K8s9`, `xoxb-`). */
const SECRET_SHAPES = [
  /pivotal_(?:test_)?[A-Za-z0-9]{4}[A-Za-z0-9_-]{8,}/,
  /\b(?:xoxe\.)?xox[abposre]-[A-Za-z0-9-]{10,}/,
  /\bxapp-[A-Za-z0-9-]{10,}/,
];

describe('secrets in the logs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      bootstrapKey: false,
      simulator: { rateLimit: { live: 100_000, test: 100_000 } },
      pivotalClientOptions: { timeoutMs: 500 },
    });
    fastOutbox(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('exercises the paths secrets go through', async () => {
    // Connected with a key, then keys pasted where they do not belong.
    const key = h.newKey('live');
    await connectWorkspace(h, key);
    const stray = h.newKey('test');
    await pasteKey(h, `  ${stray}  `);
    await pasteKey(h, `Bearer ${h.newKey('live')}`);
    const revokedPaste = h.newKey('live');
    h.pivotal.revokeKey(revokedPaste);
    await pasteKey(h, revokedPaste);
    for (const text of [`customer ${stray}`, `onboard ${stray}`, `move ${stray}`, `frobnicate ${stray}`]) {
      await h.command(text, { user: CSM });
      await h.idle();
    }

    // Slack refusing the bot token on a call in the middle of a command.
    const { customer } = await seedOnboarding(h);
    h.slack.failNext('views.open', { error: 'invalid_auth' });
    await h.command(`move ${customer.name}`, { user: CSM });
    await h.idle();

    // Pivotal refusing the connected key in the middle of a move.
    const form = await openMove(h, customer.name, ADMIN);
    h.pivotal.revokeKey(key);
    await submitView(h, form, { phase: select('program_buildout') }, ADMIN);
    await waitFor(() => h.logs.lines.some((l) => l.includes('"status":401')), { what: 'the 401 to be logged' });
    await h.idle();
  });

  it('finds none of them in any log line, nor the app’s own secrets in anything sent to Slack', () => {
    const lines = h.logs.lines;
    expect(lines.length).toBeGreaterThan(20);
    const leaked = h.logs.leaked(h.secrets);
    const shaped = lines.filter((line) => SECRET_SHAPES.some((shape) => shape.test(line)));
    const sentToSlack = JSON.stringify([h.slack.calls.map((c) => c.args), h.slack.responseUrlPosts]);
    const ownSecrets = h.secrets.filter((s) => !s.startsWith('pivotal_'));
    const inSlack = ownSecrets.filter((s) => sentToSlack.includes(s));
    console.log(
      `log lines scanned: ${lines.length}, secrets handed out: ${h.secrets.length}, found: ${leaked.length + shaped.length + inSlack.length}`,
    );
    expect(leaked).toEqual([]);
    expect(shaped).toEqual([]);
    expect(inSlack).toEqual([]);
  });
});

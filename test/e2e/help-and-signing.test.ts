import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../harness/app-harness.js';

describe('signed requests into the real app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers a correctly signed `/pivotal help` with the ephemeral help', async () => {
    const res = await h.command('help');
    expect(res.status).toBe(200);
    const body = res.json as { response_type: string; text: string; blocks: Array<{ text?: { text: string } }> };
    expect(body.response_type).toBe('ephemeral');
    const text = body.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(text).toContain('/pivotal help');
    // Grouped by task: onboarding first, the admins' commands last and marked.
    const headings = [...text.matchAll(/^\*(.+)\*$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Onboard a customer',
      'Move an onboarding',
      'Find a customer',
      'Contacts',
      'This workspace',
      ':lock: Admins only',
    ]);
    expect(text.indexOf('`/pivotal onboard`')).toBeLessThan(text.indexOf('`/pivotal connect`'));
    expect(text.slice(text.indexOf(':lock: Admins only'))).toMatch(/connect[\s\S]*phases[\s\S]*|phases[\s\S]*connect/);
    // An example only where the command takes an argument.
    expect(text).toContain('e.g. `/pivotal onboard Acme Corp`');
    expect(text).not.toMatch(/e\.g\. `\/pivotal (help|status|connect|disconnect|phases)`/);
  });

  it('answers a mistyped subcommand with "did you mean", and no guess for a word far from all', async () => {
    const typo = await h.command('onbaord Acme');
    expect((typo.json as { text: string }).text).toContain("I don't know `onbaord`. Did you mean `/pivotal onboard`?");
    const far = await h.command('frobnicate');
    expect((far.json as { text: string }).text).not.toContain('Did you mean');
  });

  it('answers `/pivotal` with no text, and an unknown word, with the help too', async () => {
    const empty = await h.command('');
    expect((empty.json as { text: string }).text).toContain('Here is what I can do');
    const unknown = await h.command('frobnicate the widgets');
    expect((unknown.json as { text: string }).text).toContain("I don't know `frobnicate`");
  });

  it("answers Slack's signed URL verification with the challenge, as when the Request URL is saved", async () => {
    const res = await h.sender.send(
      JSON.stringify({ token: 'legacy', challenge: 'c0ffee-challenge', type: 'url_verification' }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('c0ffee-challenge');
  });

  it('escapes an unknown word so it cannot ping the channel', async () => {
    const res = await h.command('<!channel>');
    const blocks = (res.json as { blocks: Array<{ text?: { text: string } }> }).blocks;
    expect(blocks[0]?.text?.text).toContain('&lt;!channel&gt;');
  });

  it.each([
    ['a bad signature', { signature: 'v0=deadbeef' }],
    ['a signature made with another secret', { signingSecret: 'not-the-real-signing-secret' }],
    ['no signature at all', { signature: null }],
    ['a timestamp six minutes old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['a timestamp six minutes in the future', { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }],
  ])('refuses %s with 401 and runs no handler', async (_what, send) => {
    const before = h.slack.calls.length;
    const pivotalBefore = h.pivotal.requests.length;
    const res = await h.command('help', { send });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    await h.idle();
    expect(h.slack.calls.length).toBe(before);
    expect(h.pivotal.requests.length).toBe(pivotalBefore);
  });

  it('acks a button nobody handles at once and says it is out of date, instead of timing out', async () => {
    const started = Date.now();
    const res = await h.action(
      { action_id: 'retired_button_v0', value: 'x' },
      { kind: 'message', channelId: 'C0GENERAL', messageTs: '1.1', responseUrl: h.slack.responseUrl('stale') },
    );
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    await h.idle();
    const reply = h.slack.responseUrlPosts.find((p) => p.id === 'stale')!.body as {
      text: string;
      response_type: string;
    };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('out of date');
  });

  it('acks a submission of a modal nobody handles', async () => {
    const res = await h.submit({ id: 'V0UNKNOWN', callback_id: 'retired_modal_v0' });
    expect(res.status).toBe(200);
  });

  it('serves /healthz and /readyz', async () => {
    const health = await fetch(`${h.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'sqlite' });
  });

  it('drops a repeated Events API delivery (Slack retry) by event id', async () => {
    const first = await h.event(
      { type: 'app_home_opened', user: 'U0CSM001', channel: 'D1', tab: 'messages', event_ts: '1.1' },
      { eventId: 'EvSAME1' },
    );
    const retry = await h.event(
      { type: 'app_home_opened', user: 'U0CSM001', channel: 'D1', tab: 'messages', event_ts: '1.1' },
      { eventId: 'EvSAME1', retryNum: 1 },
    );
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    await h.idle();
    expect(
      h.logs.lines.filter((l) => l.includes('dropped a repeated Slack event') && l.includes('EvSAME1')),
    ).toHaveLength(1);
  });
});

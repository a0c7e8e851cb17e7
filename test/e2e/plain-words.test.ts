import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { pasteKey } from '../harness/connect-workspace.js';
import { openHome } from '../harness/home.js';
import { openOnboard, submitView } from '../harness/onboard-flow.js';
import { openMove, seedOnboarding, select, submitView as submitMove } from '../harness/phase-moves.js';
import { envNamesIn, mrkdwnIn } from '../harness/surface-text.js';
import { visibleText } from '../harness/view-submission.js';

/**
 * Every harness collects what people read and fails on close when a field error carries mrkdwn or a
 * non-admin was shown an environment-variable name. This file walks the flows a CSM meets, and the
 * field errors an admin meets connecting a key, so those checks have something to judge here too.
 */

let h: Harness;
beforeAll(async () => {
  // Single-workspace mode: the key comes from the server's environment, the case operator words came from.
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function reply(text: string, user = CSM): Promise<string> {
  const res = await h.command(text, { user });
  await h.idle();
  const posted = h.slack.responseUrlPosts.filter((p) => p.id === res.responseUrlId).map((p) => p.body);
  return [res.json ?? res.text, ...posted].map((b) => JSON.stringify(b)).join('\n');
}

describe('the checks themselves', () => {
  it('find mrkdwn a field error would show raw, and leave plain sentences alone', () => {
    expect(mrkdwnIn('Keys start with `pivotal_`.')).toEqual(['code']);
    expect(mrkdwnIn('Create one under *Admin › API Keys*.')).toEqual(['bold']);
    expect(mrkdwnIn('It is _not_ a key.')).toEqual(['italic']);
    expect(mrkdwnIn('Ask <@U0ADMIN1>.')).toEqual(['link or mention']);
    expect(mrkdwnIn('Keys start with pivotal_ (live) or pivotal_test_ (test), 2 * 3 = 6.')).toEqual([]);
    expect(envNamesIn("the server's PIVOTAL_API_KEY and SLACK_BOT_TOKEN")).toEqual([
      'PIVOTAL_API_KEY',
      'SLACK_BOT_TOKEN',
    ]);
    expect(envNamesIn('[:test_tube: TEST MODE] QA is done')).toEqual([]);
  });
});

describe('what a CSM reads', () => {
  it('status: the dates in their own zone, and no word of where the server keeps the key', async () => {
    const csm = await reply('status');
    expect(csm).toContain('Pivotal connection');
    expect(csm).not.toContain('Key source');
    expect(envNamesIn(csm)).toEqual([]);
    // An admin still reads where the key comes from.
    const admin = await reply('status', ADMIN);
    expect(admin).toContain('PIVOTAL_API_KEY');
  });

  it('refusals name the admins by mention, never a variable', async () => {
    for (const command of ['connect', 'disconnect', 'phases']) {
      const text = await reply(command);
      expect(text).toContain(`<@${ADMIN.id}>`);
      expect(envNamesIn(text)).toEqual([]);
    }
  });

  it('a skip sent by a CSM, and an admin skip without a reason, are refused next to the fields', async () => {
    const { customer } = await seedOnboarding(h);
    const csmForm = await openMove(h, customer.name, CSM);
    const refused = await submitMove(h, csmForm, { phase: select('launch') }, CSM);
    expect(refused.answer?.response_action).toBe('errors');
    const adminForm = await openMove(h, customer.name, ADMIN);
    const noReason = await submitMove(h, adminForm, { phase: select('launch') }, ADMIN);
    expect(Object.keys(noReason.answer?.errors ?? {}).sort()).toEqual(['confirm', 'note']);
  });

  it('help, a typo, the onboard form and its field errors, Home', async () => {
    expect(await reply('help')).toContain('Onboard a customer');
    expect(await reply('onbaord')).toContain('Did you mean');
    const viewId = await openOnboard(h, 'Plainwords Ltd');
    const ack = await submitView(h, viewId, { contact_email: 'not-an-email', onboarding_phase: null });
    expect(ack.response_action).toBe('errors');
    const home = await openHome(h, CSM);
    expect(visibleText(home.view.blocks)).not.toBe('');
  });
});

describe('the field errors an admin meets pasting a key', () => {
  it.each([
    ['nothing', ''],
    ['a webhook secret', 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0'],
    ['a Slack token', 'xoxb-1111-2222-abcdefabcdef'],
    ["a key list's shortened key", 'pivotal_K8s9…'],
    ['an unknown key', 'pivotal_thisisnotarealkeyatallbutlookslikeone'],
  ])('%s: plain text', async (_what, pasted) => {
    const { answer } = await pasteKey(h, pasted);
    expect(answer.response_action).toBe('errors');
    for (const message of Object.values(answer.errors ?? {})) expect(mrkdwnIn(message)).toEqual([]);
  });
});

describe('over the whole run', () => {
  it('no field error carried mrkdwn and no non-admin read an environment-variable name', () => {
    expect(h.surfaceProblems()).toEqual([]);
  });
});

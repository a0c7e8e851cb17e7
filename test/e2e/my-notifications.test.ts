import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserMapping } from '../../src/store/user-mappings.js';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { openHome, pressOnHome } from '../harness/home.js';
import { dmText, dmsTo } from '../harness/owner-dms.js';
import {
  fastOutbox,
  openMove,
  outboxDrained,
  seedOnboarding,
  select,
  submitView,
  WORKSPACE,
} from '../harness/phase-moves.js';
import { latestView, visibleText } from '../harness/view-submission.js';
import { echoView, type Answer } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/** Home › My notifications: each person decides which DMs they get, when, and about which onboardings. */

let clock = new Date('2026-03-10T18:00:00Z'); // 11:00 in Los Angeles
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  fastOutbox(h);
  h.slack.addUser({ ...CSM, tz: 'America/Los_Angeles' });
  await setUserMapping(h.app.ctx.store.db, WORKSPACE, CSM.id, 'user_csm_001', clock.toISOString());
});
afterAll(async () => {
  await h.close();
});

async function changedByAda(onboardingId: string, customerName: string, values: Parameters<typeof submitView>[2]) {
  const form = await openMove(h, customerName, ADMIN);
  await submitView(h, form, values, ADMIN);
  h.app.ctx.outbox.nudge();
  await outboxDrained(h);
  return dmsTo(h, CSM.id).filter((m) => JSON.stringify(m.blocks).includes(onboardingId));
}

async function saveSettings(answers: Record<string, Answer>) {
  await openHome(h, CSM);
  await pressOnHome(h, CSM, { action_id: 'my_notifications_open', block_id: 'home_personal' });
  const modal = latestView(h.slack, 'my_notifications');
  const res = await h.submit(echoView(modal, answers), { user: CSM });
  await h.idle();
  return { modal, answer: (res.json ?? {}) as { errors?: Record<string, string> } };
}

describe('My notifications', () => {
  it('starts with sensible defaults: every DM but the launch one, a morning list at 09:00, in my zone', async () => {
    const { modal } = await saveSettings({});
    const text = visibleText(modal.view.blocks);
    expect(text).toContain('America/Los_Angeles');
    type Input = { block_id?: string; element?: { initial_options?: Array<{ value: string }> } };
    const kinds = (modal.view.blocks as Input[]).find((b) => b.block_id === 'dm_kinds')!;
    expect(kinds.element?.initial_options?.map((o) => o.value)).toEqual(['assigned', 'changed', 'attention']);
    const { onboarding, customer } = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_001' } });
    const launched = await changedByAda(onboarding.id, customer.name, { phase: select('completed') });
    expect(launched).toHaveLength(0);
  });

  it('turns a DM kind off, and refuses half-set quiet hours next to the field', async () => {
    const { answer } = await saveSettings({ quiet_start: '20' });
    expect(answer.errors?.quiet_end).toContain('Pick both ends');
    await saveSettings({ dm_kinds: ['assigned', 'attention'] });
    const { onboarding, customer } = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_001' } });
    expect(await changedByAda(onboarding.id, customer.name, { state: select('paused') })).toHaveLength(0);
    await saveSettings({ dm_kinds: ['assigned', 'changed', 'attention'] });
    expect(await changedByAda(onboarding.id, customer.name, { state: select('at_risk') })).toHaveLength(1);
  });

  it('holds DMs in quiet hours (my local time) and sends them when they end', async () => {
    await saveSettings({ quiet_start: '20', quiet_end: '8' });
    clock = new Date('2026-03-11T05:00:00Z'); // 22:00 in Los Angeles
    const { onboarding, customer } = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_001' } });
    const form = await openMove(h, customer.name, ADMIN);
    await submitView(h, form, { state: select('paused') }, ADMIN);
    const waiting = () =>
      h.app.ctx.store.db
        .selectFrom('outbox')
        .select(['status', 'next_attempt_at'])
        .where('kind', '=', 'dm.owner')
        .where('last_error', '=', 'quiet hours')
        .execute();
    await waitFor(async () => (await waiting()).length === 1, { what: 'the DM to wait for the quiet hours' });
    expect(await waiting()).toEqual([{ status: 'pending', next_attempt_at: '2026-03-11T15:00:00.000Z' }]);
    expect(dmsTo(h, CSM.id).filter((m) => JSON.stringify(m.blocks).includes(onboarding.id))).toHaveLength(0);
    clock = new Date('2026-03-11T15:00:00Z'); // 08:00 in Los Angeles
    h.app.ctx.outbox.nudge();
    await outboxDrained(h);
    const dms = dmsTo(h, CSM.id).filter((m) => JSON.stringify(m.blocks).includes(onboarding.id));
    expect(dms.map(dmText)).toEqual([expect.stringContaining('changed the state')]);
    await saveSettings({ quiet_start: 'none', quiet_end: 'none' });
  });

  it('mutes one onboarding from its DM', async () => {
    const { onboarding, customer } = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_001' } });
    const [dm] = await changedByAda(onboarding.id, customer.name, { state: select('paused') });
    const responseId = 'mute-reply';
    await h.action(
      { action_id: 'owner_dm_mute', value: onboarding.id },
      { kind: 'message', channelId: dm!.channel, messageTs: dm!.ts, responseUrl: h.slack.responseUrl(responseId) },
      { user: CSM },
    );
    await h.idle();
    expect(h.slack.responseUrlPosts.find((p) => p.id === responseId)?.body.text).toContain('Muted');
    expect(await changedByAda(onboarding.id, customer.name, { state: select('at_risk') })).toHaveLength(1);
  });
});

import type { ModalView } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser, StoredView } from '../../sandbox/fake-slack/server.js';
import { listUserMappings } from '../../src/store/user-mappings.js';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { homeText, openHome, pressOnHome } from '../harness/home.js';
import { seedOnboarding, WORKSPACE } from '../harness/phase-moves.js';
import { latestView, visibleText } from '../harness/view-submission.js';
import { echoView, echoViewWithState, type Answer } from '../harness/view-submission.js';

/** Home › Settings › People, "These are mine" and the admin's approval: who is which Pivotal user. */

const DANA: FakeUser = { id: 'U0DANA001', name: 'dana', real_name: 'Dana Doe' };
const BOT: FakeUser = { id: 'U0BOT0001', name: 'reminderbot', real_name: 'Reminder Bot', is_bot: true };
const GONE: FakeUser = { id: 'U0GONE001', name: 'gone', real_name: 'Gone Person', deleted: true };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { PIVOTAL_NOTIFY_CHANNEL: '' } });
  for (const u of [DANA, BOT, GONE]) h.slack.addUser(u);
  await seedOnboarding(h, { customer: { name: 'Acme Anvils' }, onboarding: { csm_id: 'user_csm_001' } });
  await seedOnboarding(h, { customer: { name: 'Birch Bakery' }, onboarding: { csm_id: 'user_csm_001' } });
  await seedOnboarding(h, { customer: { name: 'Cedar Cafe' }, onboarding: { csm_id: 'user_csm_002' } });
});
afterAll(async () => {
  await h.close();
});

const mappings = async () =>
  Object.fromEntries(
    (await listUserMappings(h.app.ctx.store.db, WORKSPACE)).map((m) => [m.pivotal_user_id, m.slack_user_id]),
  );

async function openPeople(): Promise<StoredView> {
  await openHome(h, ADMIN);
  await pressOnHome(h, ADMIN, { action_id: 'people_open', block_id: 'home_settings_users' });
  return latestView(h.slack, 'people_list');
}

/** Presses "Map" (on a row, or the empty "Map a person") in the People list; returns the pushed modal. */
async function pressMap(list: StoredView, pivotalId: string): Promise<StoredView> {
  await h.action(
    { action_id: 'people_map_open', value: pivotalId },
    { kind: 'view', view: echoView(list) },
    { user: ADMIN },
  );
  await h.idle();
  return latestView(h.slack, 'people_map');
}

async function submitMap(view: StoredView | { id: string; view: ModalView }, answers: Record<string, Answer>) {
  const echoed = 'hash' in view ? echoView(view as StoredView, answers) : echoViewWithState(view, {});
  const res = await h.submit(echoed, { user: ADMIN });
  await h.idle();
  return (res.json ?? {}) as {
    response_action?: string;
    errors?: Record<string, string>;
    view?: ModalView;
  };
}

describe('People settings', () => {
  it('lists every Pivotal user id seen, with its onboardings, and maps one with the user picker', async () => {
    const list = await openPeople();
    const text = visibleText(list.view.blocks);
    expect(text).toContain('`user_csm_001` → _not mapped_');
    expect(text).toContain('2 onboardings (Acme Anvils, Birch Bakery)');
    expect(text).toContain('`user_csm_002` → _not mapped_');

    const form = await pressMap(list, 'user_csm_001');
    const answer = await submitMap(form, { map_person: CSM.id });
    expect(answer.errors).toBeUndefined();
    expect(await mappings()).toEqual({ user_csm_001: CSM.id });
    // The list underneath is refreshed with the mention.
    expect(visibleText(h.slack.views.get(list.id)!.view.blocks)).toContain(`\`user_csm_001\` → <@${CSM.id}>`);
  });

  it('refuses a second person for one id with a field error naming the other mapping', async () => {
    const form = await pressMap(await openPeople(), 'user_csm_001');
    const answer = await submitMap(form, { map_person: DANA.id });
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.map_pivotal_id).toContain('already mapped to Casey CSM (@casey)');
    expect(await mappings()).toEqual({ user_csm_001: CSM.id });
  });

  it('refuses a bot, a deactivated person and a name typed as an id, each with a field error', async () => {
    const form = await pressMap(await openPeople(), 'user_csm_002');
    expect((await submitMap(form, { map_person: BOT.id })).errors?.map_person).toContain('Reminder Bot is a bot');
    expect((await submitMap(form, { map_person: GONE.id })).errors?.map_person).toContain(
      'Gone Person is deactivated in Slack',
    );
    const typed = await submitMap(form, { map_person: DANA.id, map_pivotal_id: 'Casey!!' });
    expect(typed.errors?.map_pivotal_id).toContain('one word');
    expect(await mappings()).toEqual({ user_csm_001: CSM.id });
  });

  it('asks to confirm an id no onboarding has, and maps it on the second submit', async () => {
    const form = await pressMap(await openPeople(), '');
    const first = await submitMap(form, { map_person: DANA.id, map_pivotal_id: 'user_csm_777' });
    expect(first.response_action).toBe('update');
    expect(visibleText(first.view?.blocks)).toContain('No onboarding has `user_csm_777` as its owner');
    expect(await mappings()).toEqual({ user_csm_001: CSM.id });
    const confirm = h.slack.putView(first.view!, form.id);
    const second = await submitMap(confirm, { map_person: DANA.id, map_pivotal_id: 'user_csm_777' });
    expect(second.errors).toBeUndefined();
    expect(await mappings()).toEqual({ user_csm_001: CSM.id, user_csm_777: DANA.id });
  });

  it('removes a mapping with one click', async () => {
    const list = await openPeople();
    await h.action(
      { action_id: 'people_remove', value: DANA.id },
      { kind: 'view', view: echoView(list) },
      { user: ADMIN },
    );
    await h.idle();
    expect(await mappings()).toEqual({ user_csm_001: CSM.id });
    expect(visibleText(h.slack.views.get(list.id)!.view.blocks)).not.toContain('user_csm_777');
  });

  it('shows an unmapped owner as "not linked", never as a code-formatted id, to a non-admin', async () => {
    const home = await openHome(h, DANA);
    const text = homeText(home);
    expect(text).toContain('not linked');
    expect(text).not.toContain('user_csm_002');
    expect(text).toContain(`<@${CSM.id}>`);
  });
});

describe('"These are mine"', () => {
  async function claim(user: FakeUser, pivotalId: string) {
    await openHome(h, user);
    await pressOnHome(h, user, { action_id: 'people_claim_open', block_id: 'home_personal' });
    const modal = latestView(h.slack, 'people_claim');
    const res = await h.submit(echoView(modal, { claim_pivotal_id: pivotalId }), { user });
    await h.idle();
    return (res.json ?? {}) as { view?: Record<string, unknown> };
  }

  it('maps a free id at once', async () => {
    const answer = await claim(DANA, 'user_csm_002');
    expect(visibleText(answer.view?.blocks)).toContain('is yours');
    expect((await mappings()).user_csm_002).toBe(DANA.id);
  });

  it("sends a claim on someone else's id to the admins, and one click approves it", async () => {
    const answer = await claim(DANA, 'user_csm_001');
    expect(visibleText(answer.view?.blocks)).toContain('an admin decides');
    expect((await mappings()).user_csm_001).toBe(CSM.id);
    const request = h.slack.messages.find(
      (m) => m.channel === ADMIN.id && JSON.stringify(m.blocks ?? []).includes('people_claim_approve'),
    )!;
    expect(visibleText(request.blocks)).toContain(`<@${DANA.id}> says the Pivotal user \`user_csm_001\``);
    const decision = (request.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>).find(
      (b) => b.type === 'actions',
    )!;
    const claimId = decision.elements![0]!.value;
    const press = () =>
      h.action(
        { action_id: 'people_claim_approve', value: claimId },
        { kind: 'message', channelId: request.channel, messageTs: request.ts, responseUrl: h.slack.responseUrl() },
        { user: ADMIN },
      );
    await press();
    await h.idle();
    expect((await mappings()).user_csm_001).toBe(DANA.id);
    expect(visibleText(request.blocks)).toContain(`Approved by <@${ADMIN.id}>`);
    expect(h.slack.messages.some((m) => m.channel === DANA.id && visibleText(m.blocks).includes('approved'))).toBe(
      true,
    );
    // A second click finds it decided.
    await press();
    await h.idle();
    expect(visibleText(request.blocks)).toContain('already approved');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredView } from '../../sandbox/fake-slack/server.js';
import { globalShortcutPayload, messageActionPayload } from '../../sandbox/slack-requests.js';
import type { FakeUser } from '../../sandbox/fake-slack/server.js';
import { CSM, TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { seedOnboarding } from '../harness/phase-moves.js';
import { currentView, echoView, visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

const SALES = 'C0SALES01';
const SHARED = 'C0SHARED1';
const WITH_CUSTOMER = 'C0PENDING';

const CLOSED_WON =
  'closed-won: Northwind Traders, kickoff next week. Contact: Jane Doe <mailto:jane@northwind.example|jane@northwind.example> &amp; her team';

/** A person's message in a channel, as a message shortcut is used on it. */
interface ChannelMessage {
  channelId: string;
  ts: string;
  text: string;
}

let seq = 0;
function message(channelId: string, text: string): ChannelMessage {
  seq += 1;
  return { channelId, ts: `1765000000.${String(seq).padStart(6, '0')}`, text };
}

/** The message shortcut `callbackId` chosen on `m`, written by someone in the channel. */
function messageShortcutPayload(
  team: typeof TEAM,
  user: FakeUser,
  callbackId: string,
  m: ChannelMessage,
  responseUrl: string,
): Record<string, unknown> {
  return messageActionPayload(team, user, {
    callbackId,
    channel: { id: m.channelId, name: 'general' },
    message: { ts: m.ts, text: m.text, user: 'U0SOMEONE' },
    responseUrl,
  });
}

type Element = Record<string, unknown>;
function elementOf(view: StoredView, blockId: string): Element | undefined {
  const blocks = view.view.blocks as Array<{ block_id?: string; element?: Element }>;
  return blocks.find((b) => b.block_id === blockId)?.element;
}

/** Sends the shortcut and waits until the app has filled the modal it opened; returns that modal. */
async function useShortcut(h: Harness, payload: Record<string, unknown>): Promise<StoredView> {
  const before = new Set(h.slack.views.keys());
  const opened = h.slack.callsTo('views.open').length;
  const started = Date.now();
  const res = await h.sender.sendPayload(payload);
  expect(res.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(3_000);
  await h.idle();
  expect(h.slack.callsTo('views.open').length).toBe(opened + 1);
  const viewId = await waitFor(() => [...h.slack.views.keys()].find((k) => !before.has(k)));
  return currentView(h.slack, viewId);
}

const startOnboarding = (h: Harness, m: ChannelMessage) =>
  useShortcut(h, messageShortcutPayload(TEAM, CSM, 'start_onboarding', m, h.slack.responseUrl()));

describe('message and global shortcuts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.slack.addChannel({ id: SALES, name: 'sales', is_member: true });
    h.slack.addChannel({ id: SHARED, name: 'acme-shared', is_member: true, is_ext_shared: true });
    h.slack.addChannel({ id: WITH_CUSTOMER, name: 'pending', is_member: true, is_pending_ext_shared: true });
  });
  afterAll(async () => {
    await h.close();
  });

  it('"Start onboarding" opens a loading modal at once, then the onboard form filled from the message', async () => {
    const m = message(SALES, CLOSED_WON);
    const pivotalBefore = h.pivotal.requests.length;
    const view = await startOnboarding(h, m);
    // The trigger was spent on a loading modal; the form came with views.update.
    const opened = h.slack.callsTo('views.open').at(-1)!;
    expect(visibleText((opened.args.view as { blocks: unknown }).blocks)).toContain('Opening');
    expect(view.view.callback_id).toBe('onboard');
    expect(elementOf(view, 'customer_name')?.initial_value).toBe('Northwind Traders');
    expect(elementOf(view, 'customer_domain')?.initial_value).toBe('northwind.example');
    expect(elementOf(view, 'contact_name')?.initial_value).toBe('Jane Doe');
    expect(elementOf(view, 'contact_email')?.initial_value).toBe('jane@northwind.example');
    expect(elementOf(view, 'onboarding_notes')?.initial_value).toBe(
      'closed-won: Northwind Traders, kickoff next week. Contact: Jane Doe jane@northwind.example & her team',
    );
    for (const r of h.pivotal.requests.slice(pivotalBefore)) expect(r.at.getTime()).toBeGreaterThanOrEqual(opened.at);
  });

  it('creates once, keeps the permalink in the notes, and answers once in the thread; a second submission adds nothing', async () => {
    const m = message(SALES, 'closed-won: Contoso Ltd. Contact: Bob Stone (bob@contoso.example)');
    const view = await startOnboarding(h, m);
    const form = echoView(view);
    const first = await h.submit(form);
    const again = await h.submit(form);
    expect([first.status, again.status]).toEqual([200, 200]);
    await h.idle();

    const onboardings = h.pivotal.state.list(h.orgId, 'onboardings');
    const created = onboardings.filter((o) => o.notes?.includes('Contoso'));
    expect(created).toHaveLength(1);
    const permalink = `https://sandbox.slack.test/archives/${SALES}/p${m.ts.replace('.', '')}`;
    expect(created[0]!.notes).toBe(
      `closed-won: Contoso Ltd. Contact: Bob Stone (bob@contoso.example)\n\nFrom Slack: ${permalink}`,
    );
    expect(h.pivotal.state.list(h.orgId, 'customers').filter((c) => c.name === 'Contoso Ltd')).toHaveLength(1);
    expect(h.pivotal.state.list(h.orgId, 'contacts').filter((c) => c.email === 'bob@contoso.example')).toHaveLength(1);

    const replies = h.slack.messages.filter((x) => x.channel === SALES && x.thread_ts === m.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.user).toBeUndefined();
    expect(replies[0]!.text).toContain(`opened onboarding #${created[0]!.display_id}`);
  });

  it.each([
    ['shared with another organisation', SHARED],
    ['invited to be shared', WITH_CUSTOMER],
  ])('answers privately, to the person only, in a channel %s', async (_what, channel) => {
    const m = message(channel, `customer: Fabrikam ${channel}`);
    const view = await startOnboarding(h, m);
    await h.submit(echoView(view, { contact_later: ['later'] }));
    await h.idle();
    const inThread = h.slack.messages.filter((x) => x.channel === channel && x.thread_ts === m.ts);
    expect(inThread).toHaveLength(1);
    expect(inThread[0]!.user).toBe(CSM.id);
    expect(h.slack.callsTo('chat.postEphemeral').at(-1)!.args).toMatchObject({ channel, user: CSM.id });
  });

  it('answers privately when Slack cannot say whether the channel is shared', async () => {
    const m = message(SALES, 'customer: Litware');
    const view = await startOnboarding(h, m);
    // This channel's only: the outbox may ask about its own channel meanwhile.
    h.slack.failNext('conversations.info', { error: 'missing_scope', forArgs: { channel: SALES } });
    await h.submit(echoView(view, { contact_later: ['later'] }));
    await h.idle();
    const inThread = h.slack.messages.filter((x) => x.channel === SALES && x.thread_ts === m.ts);
    expect(inThread.map((x) => x.user)).toEqual([CSM.id]);
  });

  it('"Add to onboarding" shows the fresh notes when they changed in Pivotal, and adds the message once', async () => {
    const { onboarding } = await seedOnboarding(h, { onboarding: { notes: 'Kickoff booked.' } });
    const m = message(SALES, 'Their SSO goes live on the 12th');
    const pick = await useShortcut(h, messageShortcutPayload(TEAM, CSM, 'add_to_onboarding', m, h.slack.responseUrl()));
    expect(pick.view.callback_id).toBe('add_to_onboarding_pick');
    await h.submit(echoView(pick, { add_pick: onboarding.id }));
    await h.idle();
    const confirm = currentView(h.slack, pick.id);
    expect(confirm.view.callback_id).toBe('add_to_onboarding_confirm');
    expect(visibleText(confirm.view.blocks)).toContain('Kickoff booked.');

    // Someone edits the notes in Pivotal while the modal is open.
    h.pivotal.state.updateOnboarding(h.orgId, onboarding.id, { notes: 'Kickoff booked. Moved to Tuesday.' });
    await h.submit(echoView(confirm));
    await h.idle();
    const asked = currentView(h.slack, pick.id);
    expect(asked.view.callback_id).toBe('add_to_onboarding_confirm');
    expect(visibleText(asked.view.blocks)).toContain('The notes changed in Pivotal');
    expect(visibleText(asked.view.blocks)).toContain('Moved to Tuesday.');
    expect(h.pivotal.state.list(h.orgId, 'onboardings').find((o) => o.id === onboarding.id)!.notes).toBe(
      'Kickoff booked. Moved to Tuesday.',
    );

    const confirmed = echoView(asked);
    await h.submit(confirmed);
    await h.submit(confirmed);
    await h.idle();
    const permalink = `https://sandbox.slack.test/archives/${SALES}/p${m.ts.replace('.', '')}`;
    expect(h.pivotal.state.list(h.orgId, 'onboardings').find((o) => o.id === onboarding.id)!.notes).toBe(
      `Kickoff booked. Moved to Tuesday.\n\n> Their SSO goes live on the 12th\nFrom Slack: ${permalink}`,
    );
    expect(visibleText(currentView(h.slack, pick.id).view.blocks)).toContain('Added to the notes');
  });

  it('"New onboarding" opens the onboard form; "Move an onboarding" opens the move picker, then the form', async () => {
    const form = await useShortcut(h, globalShortcutPayload(TEAM, CSM, { callbackId: 'new_onboarding' }));
    expect(form.view.callback_id).toBe('onboard');
    expect(elementOf(form, 'onboarding_notes')).toBeUndefined();

    const { onboarding } = await seedOnboarding(h);
    const picker = await useShortcut(h, globalShortcutPayload(TEAM, CSM, { callbackId: 'move_onboarding' }));
    expect(picker.view.callback_id).toBe('move_pick');
    expect(visibleText(picker.view.blocks)).toContain('Which onboarding do you want to move?');
    await h.submit(echoView(picker, { pick: onboarding.id }));
    await h.idle();
    expect(currentView(h.slack, picker.id).view.callback_id).toBe('move_submit');
  });

  it('answers someone of another organisation with a modal that says why, and nothing else', async () => {
    const guest = { id: 'U0GUEST01', name: 'gus', teamId: 'T0VENDOR1' };
    const pivotalBefore = h.pivotal.requests.length;
    const m = message(SHARED, 'closed-won: Tailspin');
    for (const payload of [
      messageShortcutPayload(TEAM, guest, 'start_onboarding', m, h.slack.responseUrl()),
      globalShortcutPayload(TEAM, guest, { callbackId: 'move_onboarding' }),
    ]) {
      const view = await useShortcut(h, payload);
      expect(visibleText(view.view.blocks)).toContain('members only');
      expect(view.view.callback_id).toBeUndefined();
    }
    expect(h.pivotal.requests.slice(pivotalBefore)).toEqual([]);
  });

  it('refuses a forged or replayed shortcut, and one missing what it must carry', async () => {
    const opened = h.slack.callsTo('views.open').length;
    const payload = messageShortcutPayload(TEAM, CSM, 'start_onboarding', message(SALES, 'x'), h.slack.responseUrl());
    const forged = await h.sender.sendPayload(payload, { signingSecret: 'not-the-secret' });
    expect(forged.status).toBe(401);

    const timestamp = Math.floor(Date.now() / 1000);
    const global = globalShortcutPayload(TEAM, CSM, { callbackId: 'new_onboarding' });
    expect((await h.sender.sendPayload(global, { timestamp })).status).toBe(200);
    expect((await h.sender.sendPayload(global, { timestamp })).status).toBe(401);

    const { message: _gone, ...withoutMessage } = payload;
    expect((await h.sender.sendPayload(withoutMessage)).status).toBe(400);
    await h.idle();
    expect(h.slack.callsTo('views.open').length).toBe(opened + 1);
  });
});

describe('shortcuts in a workspace not connected to Pivotal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: false });
  });
  afterAll(async () => {
    await h.close();
  });

  it('every shortcut opens its modal and says that an admin must connect first', async () => {
    const m = message('C0GENERAL', 'closed-won: Acme');
    const payloads = [
      messageShortcutPayload(TEAM, CSM, 'start_onboarding', m, h.slack.responseUrl()),
      messageShortcutPayload(TEAM, CSM, 'add_to_onboarding', m, h.slack.responseUrl()),
      globalShortcutPayload(TEAM, CSM, { callbackId: 'new_onboarding' }),
      globalShortcutPayload(TEAM, CSM, { callbackId: 'move_onboarding' }),
    ];
    for (const payload of payloads) {
      const view = await useShortcut(h, payload);
      expect(visibleText(view.view.blocks)).toMatch(/not connected to Pivotal/);
    }
    expect(h.pivotal.requests).toHaveLength(0);
  });
});

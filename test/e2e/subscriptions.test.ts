import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, format } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PHASES } from '../../src/domain/phases.js';
import { savePhaseSequence } from '../../src/store/phases.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, type Harness } from '../harness/app-harness.js';
import { homeBlocks, homeText, openHome, waitForFullSync } from '../harness/home.js';
import {
  datePicked,
  fastOutbox,
  openMove,
  outboxDrained,
  postsAbout,
  seedOnboarding,
  select,
  submitView,
  typed,
  WORKSPACE,
} from '../harness/phase-moves.js';
import { visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/** Channels choose what they hear: `/pivotal subscribe` with events and filters, routed through the outbox. */

const LAUNCH_ROOM = 'C0LAUNCH1';
const PRIVATE_ROOM = 'C0PRIVAT1';
const day = (offset: number) => format(addDays(new Date(), offset), 'yyyy-MM-dd');

let h: Harness;
beforeAll(async () => {
  // The real sync runs, so a change made in the simulator reaches the channels the way it does in production.
  h = await startHarness({
    sync: { tickMs: 20, intervalMs: 100, homeRefreshMs: 0 },
    simulator: { rateLimit: { live: 100_000 } },
  });
  fastOutbox(h);
  h.slack.addChannel({ id: LAUNCH_ROOM, name: 'launches', is_member: false });
  h.slack.addChannel({ id: PRIVATE_ROOM, name: 'leads', is_private: true, is_member: false });
  await h.command('help');
  await waitForFullSync(h);
  // The workspace calls its launch phase by its own name.
  await savePhaseSequence(
    h.app.ctx.store.db,
    WORKSPACE,
    DEFAULT_PHASES.map((p) => (p.key === 'launch' ? { ...p, name: 'Go live' } : p)),
  );
});
afterAll(async () => {
  await h.close();
});

/** Runs `/pivotal <text>` in a channel and returns the visible answer. */
async function answer(text: string, channelId = LAUNCH_ROOM, user = CSM): Promise<string> {
  const res = await h.command(text, { channelId, user });
  await h.idle();
  const reply = h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId);
  if (!reply) throw new Error(`/pivotal ${text} got no answer`);
  return visibleText(reply.body.blocks as unknown[]);
}

async function move(customerName: string, values: Parameters<typeof submitView>[2]) {
  const form = await openMove(h, customerName);
  const { answer: modal } = await submitView(h, form, values);
  expect(modal?.response_action, JSON.stringify(modal)).toBe('update');
  await outboxDrained(h);
}

const inChannel = (channel: string, onboardingId: string) => {
  const { tops, replies } = postsAbout(h, onboardingId);
  return { tops: tops.filter((m) => m.channel === channel), replies: replies.filter((m) => m.channel === channel) };
};

describe('/pivotal subscribe', () => {
  it('answers a bad token by naming it and the valid values, the workspace phase names included', async () => {
    expect(await answer('subscribe phase:lunch')).toContain(
      '`phase:lunch`: this workspace has no phase `lunch`. Phases: `before_getting_started`, `program_design`, `review`, `program_buildout`, `internal_qa`, `launch` (Go live), `completed`.',
    );
    expect(await answer('subscribe -state:sleeping')).toMatch(
      /`-state:sleeping`: this workspace has no state `sleeping`\. States: `active`, `paused`, `at_risk`, `waiting` \(Waiting on customer\), `done`, `completed`\./,
    );
    expect(await answer('subscribe colour:red')).toContain(
      "`colour:red`: I don't know the filter `colour:`. Filters: `phase:`, `state:`, `owner:`, `customer:`",
    );
    // A phase may be named by its key or by the workspace's name for it.
    expect(await answer('subscribe phase:go-live', PRIVATE_ROOM)).toContain(
      'now hears every change of onboardings in *Go live*',
    );
    await answer('unsubscribe', PRIVATE_ROOM);
    expect(await answer('subscribe launchd')).toContain(
      '`launchd` is neither an event nor a filter. Events: `created`, `phase`, `sent_back`, `state`, `target`, `launched`, `at_risk`',
    );
    expect(await answer('subscribe owner:casey')).toContain(
      "`owner:casey`: `casey` is not a Slack user. Type `@` and pick the person from Slack's list",
    );
    expect(await answer('subscribe customer:nobody-at-all')).toContain(
      '`customer:nobody-at-all`: no customer `nobody-at-all`',
    );
    expect(await answer('subscriptions')).toContain('has no subscriptions');
  });

  it('posts a matching change once in the subscribed channel, and nothing there for one that does not match', async () => {
    const said = await answer('subscribe phase:launch,review -state:paused');
    expect(said).toContain(
      `<#${LAUNCH_ROOM}> now hears every change of onboardings in *Go live* or *Review*, not *Paused* (one post per onboarding, changes in its thread).`,
    );
    expect(said).toContain('I joined this channel so I can post here.');
    expect(h.slack.callsTo('conversations.join').map((c) => c.args.channel)).toContain(LAUNCH_ROOM);

    const matching = await seedOnboarding(h, { onboarding: { phase: 'internal_qa' } });
    await move(matching.customer.name, { phase: select('launch') });
    const outOfFilter = await seedOnboarding(h, { onboarding: { phase: 'before_getting_started' } });
    await move(outOfFilter.customer.name, { phase: select('program_design') });
    const excluded = await seedOnboarding(h, { onboarding: { phase: 'review' } });
    await move(excluded.customer.name, { state: select('paused') });

    const heard = inChannel(LAUNCH_ROOM, matching.onboarding.id);
    expect(heard.tops).toHaveLength(1);
    expect(heard.replies.map((m) => visibleText(m.blocks))).toEqual([
      `:arrow_forward: <@${CSM.id}> advanced the phase: *Internal QA* → *Go live*`,
    ]);
    expect(inChannel(LAUNCH_ROOM, outOfFilter.onboarding.id)).toEqual({ tops: [], replies: [] });
    expect(inChannel(LAUNCH_ROOM, excluded.onboarding.id)).toEqual({ tops: [], replies: [] });
    // The notification channel keeps hearing everything by default.
    for (const { onboarding } of [matching, outOfFilter, excluded])
      expect(inChannel(NOTIFY_CHANNEL, onboarding.id).replies).toHaveLength(1);
  });

  it('routes a change made in Pivotal (read by the sync) the same way, once', async () => {
    const matching = await seedOnboarding(h, { onboarding: { phase: 'program_buildout' } });
    const outOfFilter = await seedOnboarding(h, { onboarding: { phase: 'program_design' } });
    h.pivotal.state.updateOnboarding(h.orgId, matching.onboarding.id, { phase: 'review' });
    h.pivotal.state.updateOnboarding(h.orgId, outOfFilter.onboarding.id, { phase: 'before_getting_started' });
    await waitFor(() => inChannel(NOTIFY_CHANNEL, outOfFilter.onboarding.id).replies.length === 1, {
      what: 'the sync to announce the change made in Pivotal',
      timeoutMs: 15_000,
    });
    await waitFor(() => inChannel(LAUNCH_ROOM, matching.onboarding.id).replies.length === 1, {
      what: 'the matching change posted in the subscribed channel',
      timeoutMs: 15_000,
    });
    // A few more sync cycles announce nothing again.
    const cycles = () => h.logs.lines.filter((l) => l.includes('sync cycle finished')).length;
    const seen = cycles();
    await waitFor(() => cycles() >= seen + 3, { what: 'three more sync cycles', timeoutMs: 15_000 });
    await outboxDrained(h);
    expect(inChannel(LAUNCH_ROOM, matching.onboarding.id).replies.map((m) => visibleText(m.blocks))).toEqual([
      ':arrow_forward: Phase moved in Pivotal: *Program buildout* → *Review*',
    ]);
    expect(inChannel(LAUNCH_ROOM, outOfFilter.onboarding.id)).toEqual({ tops: [], replies: [] });
  });

  it('lists a channel’s subscriptions with who made each, and removes them', async () => {
    await answer('subscribe launched sent_back flat broadcast:launched', LAUNCH_ROOM, ADMIN);
    const listed = await answer('subscriptions');
    expect(listed).toContain(
      `• <#${LAUNCH_ROOM}>: every change of onboardings in *Go live* or *Review*, not *Paused* (one post per onboarding, changes in its thread) — subscribed by <@${CSM.id}>`,
    );
    expect(listed).toContain(
      `• <#${LAUNCH_ROOM}>: sends back and launches of every onboarding (each change its own post; launches also shown in the channel) — subscribed by <@${ADMIN.id}>`,
    );
    // Admins see every channel's subscriptions in Home settings; others see no settings.
    const home = await openHome(h, ADMIN);
    const listedAtHome = visibleText([homeBlocks(home).find((b) => b.block_id === 'home_settings_subscriptions')]);
    expect(listedAtHome).toContain(
      `*Channel subscriptions*\n• <#${LAUNCH_ROOM}>: every change of onboardings in *Go live*`,
    );
    expect(listedAtHome).toContain(`— subscribed by <@${ADMIN.id}>`);
    expect(homeText(await openHome(h, CSM))).not.toContain('Channel subscriptions');
    expect(await answer('unsubscribe sent_back launched')).toContain('Removed the subscription.');
    expect(await answer('unsubscribe state:paused')).toContain('This channel has no subscription with that filter.');
    expect(await answer('subscriptions')).not.toContain('sends back');
  });

  it('explains how to invite it to a private channel', async () => {
    const said = await answer('subscribe at_risk', PRIVATE_ROOM);
    expect(said).toContain(`<#${PRIVATE_ROOM}> now hears onboardings turning at risk of every onboarding`);
    expect(said).toContain(
      'This channel is private and I am not in it yet: invite me by typing `/invite @pivotal` here',
    );
    expect(await answer('unsubscribe', PRIVATE_ROOM)).toContain('Removed the subscription.');
  });

  it('places posts per subscription: flat posts, or thread replies also sent to the channel', async () => {
    h.slack.addChannel({ id: 'C0FLAT001', name: 'flat', is_member: true });
    h.slack.addChannel({ id: 'C0BCAST01', name: 'sendbacks', is_member: true });
    expect(await answer('subscribe phase flat', 'C0FLAT001')).toContain('(each change its own post)');
    expect(await answer('subscribe sent_back broadcast:sent_back', 'C0BCAST01')).toContain(
      'sends back of every onboarding (one post per onboarding, changes in its thread; sends back also shown in the channel)',
    );
    const { customer, onboarding } = await seedOnboarding(h, { onboarding: { phase: 'program_buildout' } });
    await move(customer.name, { phase: select('review'), note: typed('Scope changed') });
    const flat = inChannel('C0FLAT001', onboarding.id);
    expect(flat.replies).toEqual([]);
    expect(flat.tops.map((m) => visibleText(m.blocks))).toEqual([
      expect.stringContaining(`:leftwards_arrow_with_hook: <@${CSM.id}> sent it back: *Program buildout* → *Review*`),
    ]);
    const thread = inChannel('C0BCAST01', onboarding.id);
    expect(thread.tops).toHaveLength(1);
    expect(thread.replies).toHaveLength(1);
    const sent = h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0BCAST01' && c.args.thread_ts);
    expect(sent.map((c) => String(c.args.reply_broadcast))).toEqual(['true']);
    await answer('unsubscribe', 'C0FLAT001');
    await answer('unsubscribe', 'C0BCAST01');
  });

  it('turns one save with three changes into one reply per channel', async () => {
    const { customer, onboarding } = await seedOnboarding(h, {
      onboarding: { phase: 'internal_qa', target_launch_date: day(20) },
    });
    await move(customer.name, {
      phase: select('launch'),
      state: select('at_risk'),
      target: datePicked(day(22)),
    });
    const replies = inChannel(NOTIFY_CHANNEL, onboarding.id).replies.map((m) => visibleText(m.blocks));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('advanced the phase: *Internal QA* → *Go live*');
    expect(replies[0]).toContain('changed the state: *Active* → *At risk*');
    expect(replies[0]).toContain('changed the target launch');
    expect(inChannel(LAUNCH_ROOM, onboarding.id).replies).toHaveLength(1);
  });

  it('narrows the notification channel once it has a subscription of its own', async () => {
    expect(await answer('subscriptions', NOTIFY_CHANNEL)).toContain(
      'is the notification channel: it hears every change',
    );
    const said = await answer('subscribe launched', NOTIFY_CHANNEL);
    expect(said).toContain(
      'This channel heard every change by default; from now on it hears only what its subscriptions let through.',
    );
    const quiet = await seedOnboarding(h, { onboarding: { phase: 'before_getting_started' } });
    await move(quiet.customer.name, { phase: select('program_design') });
    expect(inChannel(NOTIFY_CHANNEL, quiet.onboarding.id)).toEqual({ tops: [], replies: [] });
    const launching = await seedOnboarding(h, { onboarding: { phase: 'launch' } });
    await move(launching.customer.name, { phase: select('completed') });
    expect(inChannel(NOTIFY_CHANNEL, launching.onboarding.id).replies).toHaveLength(1);
    await answer('unsubscribe', NOTIFY_CHANNEL);
  });
});

const messagesIn = (channel: string) => h.slack.messages.filter((m) => m.channel === channel);
const text = (m: { blocks?: unknown[] }) => visibleText(m.blocks ?? []);
/** What must never reach a customer: state, at-risk, paused, reasons, notes, owners, buttons. */
const INTERNAL = /State|At risk|Paused|Reason|Note|Owner|Kick-off|<@/;

describe('customer-shared channels', () => {
  it('posts the customer-safe card in a channel Slack reports as shared, and lists it in /pivotal status', async () => {
    h.slack.addChannel({ id: 'C0SHARED1', name: 'acme-shared', is_member: true, is_ext_shared: true });
    const { customer } = await seedOnboarding(h, {
      customer: { name: 'Acme Shared', slack_channel_id: 'C0SHARED1' },
      onboarding: { phase: 'review', csm_id: 'user_csm_1' },
    });
    await move(customer.name, {
      phase: select('program_buildout'),
      state: select('at_risk'),
      note: typed('Kick-off slipped'),
    });

    const [parent, ...replies] = messagesIn('C0SHARED1');
    expect(text(parent!)).toMatch(
      /^\*Acme Shared\* — onboarding #\d+\n\*Phase\*\n4\/7 Program buildout {2}▰▰▰▰▱▱▱\n\*Target launch\*\nNo target$/,
    );
    expect(JSON.stringify(parent!.blocks)).not.toContain('move_open');
    expect(parent!.text).not.toMatch(INTERNAL);
    expect(replies.map(text)).toEqual([':arrow_forward: Now in *Program buildout*.']);
    for (const m of messagesIn('C0SHARED1')) expect(`${text(m)} ${m.text}`).not.toMatch(INTERNAL);

    expect(await answer('status', 'C0GENERAL', ADMIN)).toContain(
      'Shared channels the app posts to:*\n• <#C0SHARED1>: customer-safe card',
    );
  });

  it('posts in full again once the channel_unshared event says it is no longer shared', async () => {
    const res = await h.event({
      type: 'channel_unshared',
      channel: 'C0SHARED1',
      previously_connected_team_id: 'T0CUSTOMER',
      is_ext_shared: false,
      event_ts: '1700000000.000100',
    });
    expect(res.status).toBe(200);
    await h.idle();
    await move('Acme Shared', { state: select('active') });
    const messages = messagesIn('C0SHARED1');
    expect(messages.at(-1)!.thread_ts).toBeDefined();
    expect(text(messages.at(-1)!)).toBe(`:traffic_light: <@${CSM.id}> changed the state: *At risk* → *Active*`);
    // The parent was brought up to date as the full card, with its button.
    expect(text(messages[0]!)).toContain('*State*\nActive');
    expect(JSON.stringify(messages[0]!.blocks)).toContain('move_open');
    expect(await answer('status', 'C0GENERAL', ADMIN)).toContain(
      'the app posts to no channel shared with another organisation',
    );
  });

  it('treats a channel as shared when conversations.info fails', async () => {
    h.slack.addChannel({ id: 'C0UNKNOWN', name: 'unknown', is_member: true });
    const { customer } = await seedOnboarding(h, {
      customer: { name: 'Unknown Audience', slack_channel_id: 'C0UNKNOWN' },
      onboarding: { phase: 'review' },
    });
    h.slack.failNext('conversations.info', { error: 'internal_error' });
    await move(customer.name, { state: select('paused'), note: typed('Budget freeze') });
    const [parent, ...replies] = messagesIn('C0UNKNOWN');
    expect(text(parent!)).toContain('*Phase*\n3/7 Review');
    expect(text(parent!)).not.toMatch(INTERNAL);
    // A pause is internal: the safe card says nothing of it, not even a reply.
    expect(replies).toEqual([]);
  });

  it('lets an admin choose full posts in a shared channel only after confirming', async () => {
    h.slack.addChannel({ id: 'C0SHARED2', name: 'beta-shared', is_member: true, is_pending_ext_shared: true });
    expect(await answer('shared-posts full', 'C0SHARED2', CSM)).toContain(':lock: Only workspace admins');
    expect(await answer('shared-posts full', 'C0SHARED2', ADMIN)).toContain(
      '<#C0SHARED2> is shared with another organisation. Full posts show them the state (at risk, paused), reasons, notes, owners and the Move phase button. If that is what you want, run `/pivotal shared-posts full confirm` here.',
    );
    const { customer } = await seedOnboarding(h, {
      customer: { name: 'Beta Shared', slack_channel_id: 'C0SHARED2' },
      onboarding: { phase: 'review' },
    });
    await move(customer.name, { state: select('at_risk') });
    expect(messagesIn('C0SHARED2').map(text).join('\n')).not.toMatch(INTERNAL);

    expect(await answer('shared-posts full confirm', 'C0SHARED2', ADMIN)).toContain(
      `<#C0SHARED2> now gets full posts, as confirmed by <@${ADMIN.id}>`,
    );
    await move(customer.name, { state: select('active') });
    expect(text(messagesIn('C0SHARED2').at(-1)!)).toBe(
      `:traffic_light: <@${CSM.id}> changed the state: *At risk* → *Active*`,
    );
    expect(await answer('status', 'C0GENERAL', ADMIN)).toContain(
      `• <#C0SHARED2>: full posts (confirmed by <@${ADMIN.id}>)`,
    );
  });
});

describe('subscriptions with two app instances on one database', () => {
  const instances: Harness[] = [];
  afterAll(async () => {
    for (const other of instances.reverse()) await other.close();
  });

  it('posts a matching change once in the subscribed channel, whichever instance routes it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-replicas-'));
    const env = { DATA_DIR: dataDir, PIVOTAL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const sync = { tickMs: 20, intervalMs: 100, homeRefreshMs: 0, leaseTtlMs: 5_000 };
    const a = await startHarness({ sync, env, simulator: { rateLimit: { live: 100_000 } } });
    instances.push(a);
    const b = await startHarness({
      sync,
      shared: { pivotal: a.pivotal, slack: a.slack },
      env: { ...env, PIVOTAL_API_KEY: a.apiKey! },
    });
    instances.push(b);
    for (const x of [a, b]) fastOutbox(x, { leaseTtlMs: 5_000 });
    a.slack.addChannel({ id: LAUNCH_ROOM, name: 'launches', is_member: true });
    await a.command('help');
    await b.command('help');
    await waitForFullSync(a);

    const res = await b.command('subscribe phase:launch -state:paused', { channelId: LAUNCH_ROOM });
    await b.idle();
    expect(JSON.stringify(a.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)?.body)).toContain(
      'now hears every change of onboardings in *Launch*, not *Paused*',
    );
    const customer = a.pivotal.state.createCustomer(a.orgId, { name: 'Twin Replica Co' });
    const matching = a.pivotal.state.createOnboarding(a.orgId, { customer_id: customer.id, phase: 'internal_qa' });
    const other = a.pivotal.state.createOnboarding(a.orgId, { customer_id: customer.id, phase: 'review' });
    const known = async (id: string) =>
      Boolean(
        await a.app.ctx.store.db.selectFrom('rm_onboardings').select('id').where('id', '=', id).executeTakeFirst(),
      );
    await waitFor(async () => (await known(matching.id)) && (await known(other.id)), {
      what: 'the new onboardings synced',
      timeoutMs: 15_000,
    });
    a.pivotal.state.updateOnboarding(a.orgId, matching.id, { phase: 'launch' });
    a.pivotal.state.updateOnboarding(a.orgId, other.id, { phase: 'program_buildout' });
    const about = (id: string) => postsAbout(a, id);
    await waitFor(() => about(other.id).replies.some((m) => m.channel === NOTIFY_CHANNEL), {
      what: 'the non-matching change announced in the notification channel',
      timeoutMs: 15_000,
    });
    await waitFor(() => about(matching.id).replies.some((m) => m.channel === LAUNCH_ROOM), {
      what: 'the matching change posted in the subscribed channel',
      timeoutMs: 15_000,
    });
    // Both instances keep polling and dispatching for a while: nothing goes out twice.
    const cycles = () => [a, b].flatMap((x) => x.logs.lines).filter((l) => l.includes('sync cycle finished')).length;
    const seen = cycles();
    await waitFor(() => cycles() >= seen + 4, { what: 'more sync cycles', timeoutMs: 15_000 });
    await outboxDrained(a);
    expect(
      about(matching.id)
        .replies.filter((m) => m.channel === LAUNCH_ROOM)
        .map((m) => visibleText(m.blocks)),
    ).toEqual([':arrow_forward: Phase moved in Pivotal: *Internal QA* → *Launch*']);
    expect(about(matching.id).tops.filter((m) => m.channel === LAUNCH_ROOM)).toHaveLength(1);
    const { tops, replies } = about(other.id);
    expect([...tops, ...replies].filter((m) => m.channel === LAUNCH_ROOM)).toEqual([]);
    expect(
      about(other.id)
        .replies.filter((m) => m.channel === NOTIFY_CHANNEL)
        .map((m) => visibleText(m.blocks)),
    ).toEqual([
      ':new: This onboarding was opened in Pivotal.',
      ':arrow_forward: Phase moved in Pivotal: *Review* → *Program buildout*',
    ]);
  }, 60_000);
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordActivity } from '../../src/notifications/activity.js';
import { releaseLease, tryAcquireLease } from '../../src/store/leases.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, type Harness } from '../harness/app-harness.js';
import { LogCapture } from '../harness/log-capture.js';
import { startAnotherInstance } from '../harness/owner-dms.js';
import { visibleText } from '../harness/view-submission.js';
import {
  fastOutbox,
  openMove,
  outboxDrained,
  postsAbout,
  seedOnboarding,
  select,
  submitView,
  WORKSPACE,
} from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';

/** Every post delivered once, through rate limits, outages, restarts and channel trouble. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  fastOutbox(h);
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.slack.addChannel({ id: NOTIFY_CHANNEL, name: 'onboarding', is_member: true });
});

async function opened(onboardingId: string) {
  await recordActivity(
    h.app.ctx.store.db,
    WORKSPACE,
    { kind: 'onboarding.opened', onboardingId, actor: { type: 'slack', userId: CSM.id } },
    'test',
    new Date().toISOString(),
  );
  h.app.outbox.nudge();
}

const outboxRows = (onboardingId: string) =>
  h.app.ctx.store.db
    .selectFrom('outbox')
    .select(['kind', 'status', 'attempts', 'last_error'])
    .where('onboarding_id', '=', onboardingId)
    .orderBy('created_at')
    .execute();
const dmsTo = (userId: string) => h.slack.messages.filter((m) => m.channel === userId).map((m) => m.text ?? '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outbox delivery', () => {
  it('waits out a 429 for its Retry-After, then posts once', async () => {
    const { onboarding } = await seedOnboarding(h);
    h.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const callsBefore = h.slack.callsTo('chat.postMessage').length;
    await opened(onboarding.id);
    await waitFor(() => postsAbout(h, onboarding.id).replies.length === 1, { what: 'the post after the 429' });
    await outboxDrained(h);

    const calls = h.slack.callsTo('chat.postMessage').slice(callsBefore);
    expect(calls).toHaveLength(3);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(postsAbout(h, onboarding.id).tops).toHaveLength(1);
    expect(await outboxRows(onboarding.id)).toEqual([
      { kind: 'onboarding.opened', status: 'done', attempts: 2, last_error: null },
    ]);
  });

  it('retries a Slack outage with backoff and keeps each onboarding in order', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    h.slack.failNext('chat.postMessage', { status: 503 }, 2);
    await opened(onboarding.id);
    const form = await openMove(h, customer.name);
    await submitView(h, form, { phase: select('program_buildout') });
    await outboxDrained(h);
    const { tops, replies } = postsAbout(h, onboarding.id);
    expect(tops).toHaveLength(1);
    expect(replies.map((m) => visibleText(m.blocks))).toEqual([
      `:new: <@${CSM.id}> opened this onboarding.`,
      `:arrow_forward: <@${CSM.id}> advanced the phase: *Review* → *Program buildout*`,
    ]);
    expect((await outboxRows(onboarding.id)).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('delivers once after the dispatcher stopped between the change and the post and the app restarted', async () => {
    const dispatcher = h.app.outbox;
    await dispatcher.stop();
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    await submitView(h, form, { phase: select('program_buildout') });
    await sleep(200);
    expect(postsAbout(h, onboarding.id).tops).toEqual([]);
    expect(await outboxRows(onboarding.id)).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);

    // A new process over the same data folder picks the undelivered post up.
    const logs = new LogCapture();
    const restarted = await startAnotherInstance(h, logs);
    try {
      restarted.outbox.configure({ pollMs: 50, minPostIntervalMs: 5 });
      await waitFor(() => postsAbout(h, onboarding.id).replies.length === 1, { what: 'the restarted app to post' });
      await sleep(200);
      expect(postsAbout(h, onboarding.id).tops).toHaveLength(1);
      expect(postsAbout(h, onboarding.id).replies).toHaveLength(1);
      expect(await outboxRows(onboarding.id)).toEqual([expect.objectContaining({ status: 'done', attempts: 1 })]);
    } finally {
      await restarted.stop();
      await dispatcher.start();
    }
    expect(logs.leaked(h.secrets)).toEqual([]);
  });

  it('keeps to about one message per second per channel, and posts each change once', async () => {
    // The dispatcher's default per-channel interval (Slack allows about one message per second per
    // channel); every other timing stays fast. A channel with threading off: one message per change.
    const intervalMs = 1_100;
    const channel = 'C0PACED01';
    h.slack.addChannel({ id: channel, name: 'acme-paced', is_member: true });
    const off = await h.command(`channel threads off <#${channel}|acme-paced>`, { user: ADMIN });
    await h.idle();
    expect(h.slack.responseUrlPosts.find((p) => p.id === off.responseUrlId)?.body.text).toContain(
      `<#${channel}> now has threads *off*`,
    );
    const seeded = [];
    for (let i = 0; i < 3; i += 1) seeded.push(await seedOnboarding(h, { customer: { slack_channel_id: channel } }));

    const dispatcher = h.app.outbox;
    const callsBefore = h.slack.callsTo('chat.postMessage').length;
    dispatcher.configure({ minPostIntervalMs: intervalMs });
    try {
      for (const { onboarding } of seeded) await opened(onboarding.id);
      await outboxDrained(h);
    } finally {
      dispatcher.configure({ minPostIntervalMs: 5 });
    }

    const calls = h.slack
      .callsTo('chat.postMessage')
      .slice(callsBefore)
      .filter((c) => c.args.channel === channel);
    expect(calls).toHaveLength(3);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(intervalMs - 50);
    for (const { onboarding } of seeded) {
      const { tops, replies } = postsAbout(h, onboarding.id);
      expect(tops.map((m) => m.channel)).toEqual([channel]);
      expect(visibleText(tops[0]!.blocks)).toContain(`<@${CSM.id}> opened this onboarding`);
      expect(replies).toEqual([]);
      expect(await outboxRows(onboarding.id)).toEqual([
        { kind: 'onboarding.opened', status: 'done', attempts: 1, last_error: null },
      ]);
    }
  });

  it('runs in one replica at a time: while another holds the lease, it waits', async () => {
    const dispatcher = h.app.outbox;
    await dispatcher.stop();
    const db = h.app.ctx.store.db;
    expect(await tryAcquireLease(db, 'outbox', 'another-replica', 60_000)).toBe(true);
    await dispatcher.start();
    const { onboarding } = await seedOnboarding(h);
    await opened(onboarding.id);
    await sleep(250);
    expect(postsAbout(h, onboarding.id).tops).toEqual([]);
    await releaseLease(db, 'outbox', 'another-replica');
    await waitFor(() => postsAbout(h, onboarding.id).replies.length === 1, { what: 'the post once the lease is free' });
  });
});

describe('channel trouble', () => {
  it('joins a public channel it is not in, then posts once', async () => {
    h.slack.addChannel({ id: 'C0PUBLIC1', name: 'acme-public', is_member: false });
    const { onboarding } = await seedOnboarding(h, { customer: { slack_channel_id: 'C0PUBLIC1' } });
    await opened(onboarding.id);
    await outboxDrained(h);
    expect(h.slack.callsTo('conversations.join').map((c) => c.args.channel)).toContain('C0PUBLIC1');
    const { tops, replies } = postsAbout(h, onboarding.id);
    expect(tops.map((m) => m.channel)).toEqual(['C0PUBLIC1']);
    expect(replies).toHaveLength(1);
  });

  it('tells the admins once how to invite it to a private channel, keeps the post, and posts once invited', async () => {
    h.slack.addChannel({ id: 'C0PRIVAT1', name: 'acme-private', is_private: true, is_member: false });
    const { onboarding } = await seedOnboarding(h, { customer: { slack_channel_id: 'C0PRIVAT1' } });
    await opened(onboarding.id);
    await waitFor(async () => (await outboxRows(onboarding.id))[0]!.attempts >= 2, { what: 'a retry' });
    expect(postsAbout(h, onboarding.id).tops).toEqual([]);
    const dms = dmsTo(ADMIN.id).filter((t) => t.includes('C0PRIVAT1'));
    expect(dms).toHaveLength(1);
    expect(dms[0]).toContain(
      "I can't post onboarding updates in <#C0PRIVAT1>: it is a private channel and I am not a member. Invite me by typing `/invite @pivotal`",
    );
    expect((await outboxRows(onboarding.id))[0]).toMatchObject({
      status: 'pending',
      last_error: 'not_in_channel (join: method_not_supported_for_channel_type)',
    });

    h.slack.addChannel({ id: 'C0PRIVAT1', name: 'acme-private', is_private: true, is_member: true });
    await waitFor(() => postsAbout(h, onboarding.id).replies.length === 1, { what: 'the post after the invite' });
    expect(postsAbout(h, onboarding.id).tops.map((m) => m.channel)).toEqual(['C0PRIVAT1']);
  });

  it('holds posts for an archived notification channel, alerts the admins, and delivers them once an admin picks another', async () => {
    h.slack.addChannel({ id: NOTIFY_CHANNEL, name: 'onboarding', is_member: true, is_archived: true });
    h.slack.addChannel({ id: 'C0FRESH01', name: 'onboarding-2', is_member: true });
    const { onboarding } = await seedOnboarding(h);
    await opened(onboarding.id);
    await waitFor(async () => (await outboxRows(onboarding.id))[0]!.status === 'held', { what: 'the post to be held' });
    expect((await outboxRows(onboarding.id))[0]).toMatchObject({ last_error: 'is_archived' });
    expect(dmsTo(ADMIN.id).filter((t) => t.includes(`<#${NOTIFY_CHANNEL}>: the channel was archived`))).toHaveLength(1);

    try {
      const res = await h.command('channel <#C0FRESH01|onboarding-2>', { user: ADMIN });
      await h.idle();
      expect(h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)?.body.text).toContain(
        '1 waiting update is on the way',
      );
      await waitFor(() => postsAbout(h, onboarding.id).replies.length === 1, { what: 'the held post' });
      expect(postsAbout(h, onboarding.id).tops.map((m) => m.channel)).toEqual(['C0FRESH01']);
      // The row is marked done just after Slack answers, so the reply can be seen a moment before it.
      await waitFor(async () => (await outboxRows(onboarding.id))[0]!.status === 'done', {
        what: 'the row marked done',
      });
    } finally {
      await h.app.ctx.store.db
        .updateTable('workspaces')
        .set({ notify_channel: null })
        .where('id', '=', WORKSPACE)
        .execute();
    }
  });

  it("falls back to the workspace channel when the customer's own channel is gone, and tells the admins", async () => {
    h.slack.addChannel({ id: 'C0ARCHIV1', name: 'acme-old', is_member: true, is_archived: true });
    const { customer, onboarding } = await seedOnboarding(h, { customer: { slack_channel_id: 'C0ARCHIV1' } });
    await opened(onboarding.id);
    await outboxDrained(h);
    expect(postsAbout(h, onboarding.id).tops.map((m) => m.channel)).toEqual([NOTIFY_CHANNEL]);
    const alerts = dmsTo(ADMIN.id).filter((t) => t.includes('C0ARCHIV1'));
    expect(alerts).toEqual([
      expect.stringContaining(
        `The Slack channel Pivotal links to *${customer.name}* (<#C0ARCHIV1>) was archived, so its updates go to <#${NOTIFY_CHANNEL}> instead`,
      ),
    ]);
    expect((await outboxRows(onboarding.id))[0]).toMatchObject({ status: 'done', attempts: 1 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Failure } from '../../sandbox/fake-slack/server.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, type Harness } from '../harness/app-harness.js';
import { waitFor } from '../harness/wait.js';
import {
  fastOutbox,
  openMove,
  outboxDrained,
  postsAbout,
  seedOnboarding,
  select,
  submitView,
} from '../harness/phase-moves.js';
import { visibleText } from '../harness/view-submission.js';
import { auditSince, mark } from './support.js';

/**
 * Slack failing the app's own calls: rate limited (429), down (5xx), the token refused
 * (invalid_auth), the channel gone (channel_not_found). Transient failures are retried and the work
 * completes once; the others end in the one error path, which tells the person with a reference, and
 * the app keeps serving. Nothing is posted twice.
 */

const TRANSIENT: ReadonlyArray<readonly [string, Failure]> = [
  ['429', { status: 429, retryAfterSec: 0 }],
  ['503', { status: 503 }],
];
const PERMANENT: ReadonlyArray<readonly [string, Failure]> = [
  ['invalid_auth', { error: 'invalid_auth' }],
  ['channel_not_found', { error: 'channel_not_found' }],
];
const CRASH_TEXT = /Something went wrong on our side.*reference \*([0-9A-F]{8})\*/s;

describe('Slack faults on the app’s outgoing calls', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ simulator: { rateLimit: { live: 100_000 } } });
    fastOutbox(h);
  });
  afterAll(async () => {
    await h.close();
  });

  /** `/pivotal move` with one Slack method failing once; returns what the person saw. */
  async function moveCommandWith(method: string, failure: Failure) {
    const { customer } = await seedOnboarding(h);
    const since = mark(h);
    h.slack.failNext(method, failure);
    const res = await h.command(`move ${customer.name}`, { user: CSM });
    await h.idle();
    const posts = h.slack.responseUrlPosts.slice(since.responseUrlPosts).map((p) => JSON.stringify(p.body));
    return { res, since, posts };
  }

  for (const method of ['views.open', 'views.update']) {
    for (const [label, failure] of TRANSIENT) {
      it(`${method} answering ${label} once: retried, and the move modal opens filled`, async () => {
        const calls = h.slack.callsTo(method).length;
        const { res, since, posts } = await moveCommandWith(method, failure);
        expect(res.status).toBe(200);
        expect(h.slack.callsTo(method).length).toBe(calls + 2);
        expect(
          visibleText(h.slack.views.get(String(h.slack.callsTo('views.update').at(-1)!.args.view_id))!.view.blocks),
        ).toContain('Move to phase');
        expect(posts).toEqual([]);
        expect(auditSince(h, since).problems).toEqual([]);
      });
    }
    for (const [label, failure] of PERMANENT) {
      it(`${method} answering ${label}: not retried, the person is told with a reference that is in the log, and the next command works`, async () => {
        const calls = h.slack.callsTo(method).length;
        const { res, since } = await moveCommandWith(method, failure);
        expect(res.status).toBe(200);
        expect(h.slack.callsTo(method).length).toBe(calls + 1);
        // The error path answers after the listener failed, outside the work idle() waits for.
        const told = await waitFor(
          () =>
            h.slack.responseUrlPosts
              .slice(since.responseUrlPosts)
              .map((p) => JSON.stringify(p.body))
              .find((t) => CRASH_TEXT.test(t)),
          { what: 'the person to be told' },
        );
        const ref = told.match(CRASH_TEXT)![1];
        expect(h.logs.lines.some((l) => l.includes(`"ref":"${ref}"`) && l.includes(label))).toBe(true);

        const { customer } = await seedOnboarding(h);
        const form = await openMove(h, customer.name);
        expect(visibleText(form.view.blocks)).toContain('Move to phase');
      });
    }
  }

  for (const [label, failure] of [...TRANSIENT, PERMANENT[0]!]) {
    it(`chat.postMessage answering ${label} for a channel post: delivered once when Slack recovers`, async () => {
      const { customer, onboarding } = await seedOnboarding(h);
      const form = await openMove(h, customer.name);
      h.slack.failNext('chat.postMessage', failure, 2);
      const since = mark(h);
      await submitView(h, form, { phase: select('program_buildout') });
      await outboxDrained(h);
      const { tops, replies } = postsAbout(h, onboarding.id);
      expect(tops).toHaveLength(1);
      expect(replies).toHaveLength(1);
      // The failures themselves are Slack's: the app logs them as warnings, never as a crash.
      expect(auditSince(h, since).problems).toEqual([]);
    });
  }

  it('chat.postMessage answering channel_not_found: the post is held, not lost, the admins are told once, and it goes out once a channel is picked', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const dms = () => h.slack.messages.filter((m) => m.channel === ADMIN.id && (m.text ?? '').includes(NOTIFY_CHANNEL));
    const before = dms().length;
    await submitView(h, form, { phase: select('program_buildout') });
    const rows = () =>
      h.app.ctx.store.db
        .selectFrom('outbox')
        .select(['status', 'last_error'])
        .where('onboarding_id', '=', onboarding.id)
        .execute();
    await waitFor(async () => (await rows()).some((r) => r.status === 'held'), { what: 'the post to be held' });
    expect(postsAbout(h, onboarding.id).tops).toHaveLength(0);
    await waitFor(() => dms().length === before + 1, { what: 'the admins to be told' });

    h.slack.addChannel({ id: 'C0REPLACE', name: 'onboarding-new', is_member: true });
    try {
      await h.command('channel <#C0REPLACE|onboarding-new>', { user: ADMIN });
      await waitFor(() => postsAbout(h, onboarding.id).replies.length === 1, { what: 'the held post' });
      await outboxDrained(h);
      expect(postsAbout(h, onboarding.id).tops).toHaveLength(1);
      expect((await rows()).every((r) => r.status === 'done')).toBe(true);
    } finally {
      await h.command(`channel <#${NOTIFY_CHANNEL}|onboarding>`, { user: ADMIN });
      await h.idle();
    }
  });

  it('Home: views.publish failing is retried or logged, the event is acked, and the next open publishes', async () => {
    const first = h.slack.callsTo('views.publish').length;
    await h.event({ type: 'app_home_opened', user: CSM.id, channel: 'D0CSM', tab: 'home', event_ts: '1.0' });
    await h.idle();
    expect(h.slack.callsTo('views.publish').length, 'Home published on app_home_opened').toBeGreaterThan(first);
    for (const [label, failure] of [...TRANSIENT, ...PERMANENT]) {
      const since = mark(h);
      h.slack.failNext('views.publish', failure);
      const res = await h.event({
        type: 'app_home_opened',
        user: CSM.id,
        channel: 'D0CSM',
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      });
      expect(res.status, label).toBe(200);
      await h.idle();
      // The failed call is recorded too, so a retry shows as a second call; otherwise a warn (40) or
      // error (50) line must name the failure. Bolt's error handler runs after the tracked work, so
      // idle() alone does not cover the log line.
      await waitFor(
        () =>
          h.slack.calls.slice(since.calls).filter((c) => c.method === 'views.publish').length > 1 ||
          h.logs.lines.slice(since.logLines).some((l) => /"level":(40|50)/.test(l) && l.includes(label)),
        { what: `views.publish answering ${label} to be retried or logged` },
      );
      const published = h.slack.callsTo('views.publish').length;
      await h.event({
        type: 'app_home_opened',
        user: CSM.id,
        channel: 'D0CSM',
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      });
      await h.idle();
      expect(h.slack.callsTo('views.publish').length, label).toBeGreaterThan(published);
    }
  });
});

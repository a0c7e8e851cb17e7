import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { KNOWN_PHASES } from '../../src/domain/phases.js';
import { ADMIN, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { visibleText } from '../harness/view-submission.js';
import { fastOutbox } from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';
import { seedReadModel } from '../harness/read-model-bulk.js';

/** Digests: built from the read model, posted once per period through the outbox, across restarts and replicas. */

const DIGEST_ROOM = 'C0DIGEST1';
const harnesses: Harness[] = [];
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const h of harnesses.reverse()) await h.close().catch(() => undefined);
  for (const close of closers) await close().catch(() => undefined);
});

async function answer(h: Harness, text: string): Promise<string> {
  const res = await h.command(text, { channelId: DIGEST_ROOM, user: ADMIN });
  await h.idle();
  const reply = h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId);
  if (!reply) throw new Error(`/pivotal ${text} got no answer`);
  return visibleText(reply.body.blocks as unknown[]);
}

const digestsIn = (h: Harness) =>
  h.slack.messages.filter((m) => m.channel === DIGEST_ROOM && /Onboarding digest/.test(m.text ?? ''));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STATES = ['active', 'active', 'at_risk', 'paused', 'waiting'];

/** 5,000 onboardings in every phase and state, some overdue, due soon or long in their phase, and one sent back. */
async function seedDigestReadModel(h: Harness, n: number, now: Date): Promise<void> {
  const iso = now.toISOString();
  await seedReadModel(
    h,
    n,
    (i) => {
      const phase = KNOWN_PHASES[i % KNOWN_PHASES.length]!;
      return {
        onboarding: {
          phase,
          state: STATES[i % STATES.length]!,
          target_launch_date: i % 4 === 0 ? '2026-11-01' : i % 4 === 1 ? '2026-12-10' : '2027-06-30',
          phase_entered_at: i % 3 === 0 ? '2026-10-01T00:00:00.000Z' : iso,
          completed_at: phase === 'completed' ? iso : null,
        },
      };
    },
    now,
  );
  const db = h.app.ctx.store.db;
  await db
    .insertInto('phase_transitions')
    .values({
      id: 'tr_1',
      workspace_id: TEAM.id,
      onboarding_id: 'onb_3',
      kind: 'back',
      from_value: 'program_buildout',
      to_value: 'review',
      reason: 'Security review reopened',
      note: null,
      actor_slack_user_id: ADMIN.id,
      occurred_at: iso,
    })
    .execute();
}

/** Monday 7 December 2026, 08:59:30 in Berlin (UTC+1): the weekly 09:00 digest is half a minute away. */
const BEFORE_NINE = '2026-12-07T07:59:30.000Z';
const PAST_NINE = '2026-12-07T08:00:05.000Z';
const WEEKLY_AT_NINE = `digest <#${DIGEST_ROOM}|digest> weekly mon 09:00 Europe/Berlin`;

/**
 * App instances over one data folder, one fake Slack and one Pivotal, on a clock the test moves:
 * `start()` is the first process, each later call a restart or another replica.
 */
async function digestRig() {
  const rig = { clock: new Date(BEFORE_NINE), start };
  const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-digest-'));
  const pivotal = await startPivotalSimulator();
  const slack = await startFakeSlack({ teamId: TEAM.id });
  closers.push(
    () => slack.close(),
    () => pivotal.close(),
  );
  const env = { DATA_DIR: dataDir, PIVOTAL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  let apiKey: string | undefined;
  async function start(): Promise<Harness> {
    const h = await startHarness({
      now: () => rig.clock,
      shared: { pivotal, slack },
      env: apiKey ? { ...env, PIVOTAL_API_KEY: apiKey } : env,
    });
    apiKey ??= h.apiKey;
    harnesses.push(h);
    h.slack.addChannel({ id: DIGEST_ROOM, name: 'digest', is_member: true });
    return h;
  }
  return rig;
}

async function close(h: Harness): Promise<void> {
  await h.close();
  harnesses.splice(harnesses.indexOf(h), 1);
}

const digestRows = (h: Harness) =>
  h.app.ctx.store.db
    .selectFrom('outbox')
    .select(['dedupe_key', 'status', 'attempts', 'last_error'])
    .where('kind', '=', 'digest')
    .orderBy('created_at')
    .execute();
const theNineOClockRow = (fields: Record<string, unknown>) => [
  { dedupe_key: `digest:${DIGEST_ROOM}:${PAST_NINE.slice(0, 16)}:00.000Z`, ...fields },
];

describe('/pivotal digest', () => {
  it('posts the weekly digest at 09:00 Berlin time once, also across a restart', async () => {
    const rig = await digestRig();
    const first = await rig.start();
    expect(await answer(first, WEEKLY_AT_NINE)).toContain(
      `<#${DIGEST_ROOM}> gets the onboarding digest weekly on Monday at 09:00 (Europe/Berlin)`,
    );
    await sleep(2_500);
    expect(digestsIn(first)).toEqual([]);

    rig.clock = new Date(PAST_NINE);
    await waitFor(() => digestsIn(first).length === 1, { what: 'the 09:00 digest', timeoutMs: 10_000 });

    // Restarted on the same database at 09:01: the period was posted, nothing goes out again.
    await close(first);
    rig.clock = new Date('2026-12-07T08:01:00.000Z');
    const second = await rig.start();
    await sleep(2_500);
    expect(digestsIn(second)).toHaveLength(1);

    // A week later, the next one.
    rig.clock = new Date('2026-12-14T08:00:02.000Z');
    await waitFor(() => digestsIn(second).length === 2, { what: 'the next week’s digest', timeoutMs: 10_000 });
    await sleep(1_500);
    expect(digestsIn(second)).toHaveLength(2);
    // Nothing moved in between: the second one is the quiet line.
    expect(visibleText(digestsIn(second)[1]!.blocks ?? [])).toMatch(
      /^:zzz: Onboarding digest: a quiet period, nothing moved since Mon 7 Dec 09:00 \(Europe\/Berlin\)\.$/,
    );
  }, 60_000);

  it('a stop between the claim and the post: the restarted app posts it once, with the figures of its period', async () => {
    const rig = await digestRig();
    const first = await rig.start();
    await seedReadModel(first, 3, () => ({ onboarding: { phase: 'review', state: 'active' } }), rig.clock);
    await answer(first, WEEKLY_AT_NINE);
    // The process stops delivering before it claims the period: it claims it and never posts.
    await first.app.outbox.stop();
    rig.clock = new Date(PAST_NINE);
    await waitFor(async () => (await digestRows(first)).length === 1, { what: 'the 09:00 period to be claimed' });
    await sleep(500);
    expect(digestsIn(first)).toEqual([]);
    expect(await digestRows(first)).toEqual(theNineOClockRow({ status: 'pending', attempts: 0, last_error: null }));
    // The onboardings move on after the period was claimed and before its post goes out.
    await first.app.ctx.store.db.updateTable('rm_onboardings').set({ phase: 'program_buildout' }).execute();
    await close(first);

    rig.clock = new Date('2026-12-07T08:03:00.000Z');
    const second = await rig.start();
    await waitFor(() => digestsIn(second).length === 1, { what: 'the restarted app to post the digest' });
    await sleep(2_500);
    expect(digestsIn(second)).toHaveLength(1);
    const shown = visibleText(digestsIn(second)[0]!.blocks ?? []);
    expect(shown).toContain('Review: *3*');
    expect(shown).toContain('Program buildout: *0*');
    expect(await digestRows(second)).toEqual(theNineOClockRow({ status: 'done', attempts: 1, last_error: null }));
  }, 60_000);

  it('two instances running: the period is posted once', async () => {
    const rig = await digestRig();
    const one = await rig.start();
    const other = await rig.start();
    await answer(one, WEEKLY_AT_NINE);
    rig.clock = new Date(PAST_NINE);
    await waitFor(() => digestsIn(one).length > 0, { what: 'the 09:00 digest' });
    // Both instances tick and dispatch for a while longer; the period stays posted once.
    rig.clock = new Date('2026-12-07T08:02:00.000Z');
    await sleep(3_000);
    expect(digestsIn(other)).toHaveLength(1);
    expect(await digestRows(other)).toEqual(theNineOClockRow({ status: 'done', attempts: 1, last_error: null }));
  }, 60_000);

  it('a channel that fails for a moment: the digest is retried and posted once', async () => {
    const rig = await digestRig();
    const h = await rig.start();
    fastOutbox(h);
    await answer(h, WEEKLY_AT_NINE);
    const callsBefore = h.slack.callsTo('chat.postMessage').length;
    h.slack.failNext('chat.postMessage', { status: 503 });
    h.slack.failNext('chat.postMessage', { error: 'internal_error' });
    rig.clock = new Date(PAST_NINE);
    await waitFor(() => digestsIn(h).length === 1, { what: 'the digest after two failures' });
    await sleep(1_500);
    expect(digestsIn(h)).toHaveLength(1);
    expect(
      h.slack
        .callsTo('chat.postMessage')
        .slice(callsBefore)
        .map((c) => c.args.channel),
    ).toEqual([DIGEST_ROOM, DIGEST_ROOM, DIGEST_ROOM]);
    expect(await digestRows(h)).toEqual(theNineOClockRow({ status: 'done', attempts: 3, last_error: null }));
  }, 60_000);

  it('an archived channel: the digest is held and the admins are told once', async () => {
    const rig = await digestRig();
    const h = await rig.start();
    fastOutbox(h);
    await answer(h, WEEKLY_AT_NINE);
    h.slack.addChannel({ id: DIGEST_ROOM, name: 'digest', is_member: true, is_archived: true });
    rig.clock = new Date(PAST_NINE);
    await waitFor(async () => (await digestRows(h))[0]?.status === 'held', { what: 'the digest to be held' });
    await sleep(1_000);
    expect(digestsIn(h)).toEqual([]);
    expect(await digestRows(h)).toEqual(theNineOClockRow({ status: 'held', attempts: 1, last_error: 'is_archived' }));
    const alerts = h.slack.messages.filter((m) => m.channel === ADMIN.id && (m.text ?? '').includes(DIGEST_ROOM));
    expect(alerts.map((m) => m.text)).toEqual([expect.stringContaining('the channel was archived')]);
  }, 60_000);

  it('posts a digest now within 3 s from 5,000 onboardings without asking Pivotal', async () => {
    const now = new Date('2026-12-07T09:00:00.000Z');
    const h = await startHarness({ now: () => now });
    harnesses.push(h);
    h.slack.addChannel({ id: DIGEST_ROOM, name: 'digest', is_member: true });
    await seedDigestReadModel(h, 5_000, now);
    const pivotalRequests = h.pivotal.requests.length;

    const started = performance.now();
    expect(await answer(h, 'digest now')).toContain(`Posted the digest in <#${DIGEST_ROOM}>`);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3_000);
    expect(h.pivotal.requests.length).toBe(pivotalRequests);

    const [digest] = digestsIn(h);
    expect(digest!.blocks!.length).toBeLessThanOrEqual(50);
    const shown = visibleText(digest!.blocks!);
    expect(shown).toContain('Before getting started: *715*');
    expect(shown).toContain('*Launched (714)*');
    expect(shown).toContain('*Sent back (1)*\n• Customer 3 #4: Security review reopened');
    expect(shown).toMatch(/\*At risk \(\d+\)\*/);
    expect(shown).toMatch(/\*Overdue \(\d+\)\*/);
    expect(shown).toMatch(/\*Stalled \(more than 10 working days in one phase\) \(\d+\)\*/);
    expect(shown).toMatch(/\*Launches due in the next 7 days \(\d+\)\*/);
    expect(shown).toContain('…and ');

    expect(await answer(h, 'digest weekly someday 09:00')).toContain('Which day? Say one of `sun`, `mon`');
    expect(await answer(h, 'digest daily 9am')).toContain('At what time? Say it as `HH:MM`');
    expect(await answer(h, 'digest daily 09:00 Mars/Olympus')).toContain('`Mars/Olympus` is not a time zone I know');
    expect(await answer(h, 'digest daily 09:00 UTC')).toContain('daily at 09:00 (UTC)');
    expect(await answer(h, 'digest off')).toContain('gets no more digests');
  }, 60_000);
});

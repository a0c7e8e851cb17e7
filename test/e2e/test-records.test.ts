import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack, type StoredHome, type StoredView } from '../../sandbox/fake-slack/server.js';
import {
  startPivotalSimulator,
  type CustomerRecord,
  type OnboardingRecord,
  type PivotalSimulator,
} from '../../sandbox/pivotal-simulator/index.js';
import type { EchoedView } from '../../sandbox/slack-requests.js';
import { recordActivity } from '../../src/notifications/activity.js';
import { createDatabase } from '../../src/store/database.js';
import { tryAcquireLease } from '../../src/store/leases.js';
import { nextCleanupItem, setCleanupItemStatus } from '../../src/store/test-record-cleanup.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { homeBlocks, homeEcho, listedOnboardings, openHome } from '../harness/home.js';
import { fastOutbox, seenBySync } from '../harness/phase-moves.js';
import { echoViewWithState, visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/**
 * "Remove test records" against the simulator's test bucket (30 requests a window), with the window
 * scaled down from a minute to a second as the bench does: 200 of the app's test records are counted,
 * confirmed and soft-deleted; the app is stopped part-way, left as a killed process would leave it
 * (a lease not given back, two DELETEs that may or may not have reached Pivotal), and a new app on
 * the same store finishes the job. Records of others stay, nothing is deleted twice, Home and the channel post follow.
 */

const WINDOW_MS = 1_000;
const TABLE = { onboarding: 'onboardings', contact: 'contacts', customer: 'customers' } as const;
type Kind = keyof typeof TABLE;

const ours = (extra: Record<string, unknown> = {}) => ({
  source: 'slack',
  slack_team_id: TEAM.id,
  slack_user_id: ADMIN.id,
  test: true,
  ...extra,
});

/** Presses "Remove test records" (on Home, or forged without one) and returns the modal the app opened. */
async function pressOpen(h: Harness, user: typeof ADMIN, home?: StoredHome): Promise<StoredView> {
  const view: EchoedView = home ? homeEcho(home) : { id: 'VHOME', hash: 'h', type: 'home', blocks: [] };
  const before = new Set(h.slack.views.keys());
  const res = await h.action(
    { action_id: 'test_records_open', block_id: 'home_settings_test_records', type: 'button' },
    { kind: 'view', view },
    { user },
  );
  if (res.status !== 200) throw new Error(`the button answered ${res.status}`);
  const id = await waitFor(() => [...h.slack.views.keys()].find((k) => !before.has(k)), { what: 'the modal' });
  return h.slack.views.get(id)!;
}

/** What the app first showed in that modal (views.open), before any views.update. */
function openedWith(h: Harness): string {
  return visibleText((h.slack.callsTo('views.open').at(-1)!.args.view as { blocks: unknown }).blocks);
}

/** Waits until the modal shows the confirmation of a count. */
function confirmation(h: Harness, modal: StoredView): Promise<StoredView> {
  return waitFor(
    () =>
      h.slack.views.get(modal.id)!.view.callback_id === 'test_records_confirm'
        ? h.slack.views.get(modal.id)
        : undefined,
    {
      what: 'the confirmation',
      timeoutMs: 30_000,
    },
  );
}

describe('Remove test records, with a test key', () => {
  let pivotal: PivotalSimulator;
  let slack: FakeSlack;
  let dataDir: string;
  let h: Harness;
  let replica: Harness | undefined;

  beforeAll(async () => {
    pivotal = await startPivotalSimulator({ rateLimit: { test: 30, live: 100_000, windowMs: WINDOW_MS } });
    slack = await startFakeSlack({ teamId: TEAM.id });
    dataDir = await mkdtemp(join(tmpdir(), 'pivotal-test-records-'));
  });
  afterAll(async () => {
    await h?.close();
    await replica?.close();
    await slack.close();
    await pivotal.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts, confirms and removes 200 records within the test bucket, finishing after a restart', {
    timeout: 120_000,
  }, async () => {
    h = await startHarness({ bootstrapKey: 'test', shared: { pivotal, slack }, env: { DATA_DIR: dataDir } });
    const { orgId } = h;
    const state = pivotal.state;
    const targets: Array<{ kind: Kind; id: string }> = [];
    const target = <T extends { id: string }>(kind: Kind, record: T): T => (
      targets.push({ kind, id: record.id }), record
    );

    // Records of others, which must all stay.
    const keep = state.createCustomer(orgId, { name: 'Keep Corp' });
    const kept = [
      { kind: 'customer' as const, id: keep.id },
      {
        kind: 'contact' as const,
        id: state.createContact(orgId, keep.id, { name: 'Kim Keep', email: 'kim@keep.test' }).id,
      },
      { kind: 'onboarding' as const, id: state.createOnboarding(orgId, { customer_id: keep.id }).id },
      {
        kind: 'customer' as const,
        id: state.createCustomer(orgId, {
          name: 'Live From Slack',
          metadata: { source: 'slack', slack_team_id: TEAM.id, slack_user_id: ADMIN.id },
        }).id,
      },
      {
        kind: 'customer' as const,
        id: state.createCustomer(orgId, { name: 'CI smoke', metadata: { ci_run_id: 'abc1234', test: true } }).id,
      },
      {
        kind: 'customer' as const,
        id: state.createCustomer(orgId, {
          name: 'Other Slack',
          metadata: { source: 'slack', slack_team_id: 'T0OTHER', slack_user_id: 'U0X', test: true },
        }).id,
      },
    ];
    // The app's own test records: 60 customers with a contact and an onboarding each, and 10
    // onboardings and 10 contacts it added under a customer that is not its own.
    const firstOnboardings: Array<{ customer: CustomerRecord; onboarding: OnboardingRecord }> = [];
    for (let i = 0; i < 60; i += 1) {
      const customer = target('customer', state.createCustomer(orgId, { name: `Rehearsal ${i}`, metadata: ours() }));
      target(
        'contact',
        state.createContact(orgId, customer.id, {
          name: `Tess ${i}`,
          email: `tess${i}@rehearsal.test`,
          is_primary: true,
          metadata: ours(),
        }),
      );
      const onboarding = target(
        'onboarding',
        state.createOnboarding(orgId, { customer_id: customer.id, metadata: ours() }),
      );
      if (i < 3) firstOnboardings.push({ customer, onboarding });
      if (i === 0)
        kept.push({
          kind: 'contact',
          id: state.createContact(orgId, customer.id, { name: 'Not Ours', email: 'not-ours@rehearsal.test' }).id,
        });
    }
    for (let i = 0; i < 10; i += 1) {
      target('onboarding', state.createOnboarding(orgId, { customer_id: keep.id, metadata: ours() }));
      target(
        'contact',
        state.createContact(orgId, keep.id, { name: `Extra ${i}`, email: `extra${i}@keep.test`, metadata: ours() }),
      );
    }
    expect(targets).toHaveLength(200);

    // Home lists three of the app's onboardings and Keep Corp's; the first has a channel post.
    for (const seen of firstOnboardings) await seenBySync(h, seen);
    await seenBySync(h, { customer: keep, onboarding: state.get(orgId, 'onboardings', kept[2]!.id) });
    fastOutbox(h);
    const posted = firstOnboardings[0]!.onboarding;
    await recordActivity(
      h.app.ctx.store.db,
      TEAM.id,
      { kind: 'onboarding.opened', onboardingId: posted.id, actor: { type: 'slack', userId: ADMIN.id } },
      'seed',
      new Date().toISOString(),
    );
    h.app.outbox.nudge();
    const parent = await waitFor(
      () =>
        slack.messages.find(
          (m) => m.channel === NOTIFY_CHANNEL && !m.thread_ts && JSON.stringify(m.blocks).includes(posted.id),
        ),
      { what: 'the parent post' },
    );
    const home = await openHome(h, ADMIN);
    expect(listedOnboardings(home)).toEqual(
      expect.arrayContaining(firstOnboardings.map((s) => s.onboarding.display_id)),
    );
    expect(homeBlocks(home).some((b) => b.block_id === 'home_settings_test_records')).toBe(true);

    // The admin presses the button: the modal counts, then asks with the numbers.
    pivotal.resetRequests();
    const modal = await pressOpen(h, ADMIN, home);
    expect(openedWith(h)).toContain('Looking through Pivotal');
    const confirm = await confirmation(h, modal);
    expect(visibleText(confirm.view.blocks)).toContain('Soft-delete 70 onboardings, 70 contacts and 60 customers?');
    expect(pivotal.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);

    const answer = await h.submit(echoViewWithState(confirm, {}), { user: ADMIN });
    expect(answer.status).toBe(200);
    expect(visibleText((answer.json as { view: { blocks: unknown } }).view.blocks)).toContain('0 of 200 done');

    // Part-way, the app stops; a new app on the same store takes the job up.
    const deletes = () => pivotal.requests.filter((r) => r.method === 'DELETE');
    await waitFor(() => deletes().length >= 60, { what: '60 deletes', timeoutMs: 30_000 });
    await h.close();
    const beforeRestart = deletes().length;
    expect(beforeRestart).toBeLessThan(200);

    // Two records were left `sent` by the stopped app: one whose DELETE reached Pivotal, one whose did not.
    const store = await createDatabase({ dataDir });
    const jobId = (await store.db.selectFrom('test_cleanup_jobs').select('id').executeTakeFirstOrThrow()).id;
    const landed = (await nextCleanupItem(store.db, jobId))!;
    state.delete(orgId, TABLE[landed.kind], landed.record_id);
    await setCleanupItemStatus(store.db, landed, 'sent', new Date().toISOString());
    const lost = (await store.db
      .selectFrom('test_cleanup_items')
      .selectAll()
      .where('job_id', '=', jobId)
      .where('status', '=', 'pending')
      .orderBy('step')
      .orderBy('display_id')
      .limit(1)
      .executeTakeFirst())!;
    await setCleanupItemStatus(store.db, lost, 'sent', new Date().toISOString());
    // And, killed rather than stopped, it did not give its lease back: the next app waits it out.
    expect(await tryAcquireLease(store.db, `test-records:${TEAM.id}`, 'killed-process', 2 * 60_000)).toBe(true);
    await store.destroy();

    // Two replicas on that store: the lease lets one of them run the job.
    const key = h.apiKey!;
    const later = () => new Date(Date.now() + 3 * 60_000);
    const replicaOptions = {
      bootstrapKey: false,
      shared: { pivotal, slack },
      env: { DATA_DIR: dataDir, PIVOTAL_API_KEY: key },
      now: later,
    } as const;
    h = await startHarness(replicaOptions);
    replica = await startHarness(replicaOptions);
    for (const app of [h, replica]) app.secrets.push(key);
    fastOutbox(h);
    fastOutbox(replica);
    const done = await waitFor(
      () =>
        visibleText(slack.views.get(modal.id)!.view.blocks).includes('Removed 200 test records')
          ? slack.views.get(modal.id)
          : undefined,
      {
        what: 'the job to finish',
        timeoutMs: 60_000,
      },
    );
    expect(visibleText(done.view.blocks)).toContain('70 onboardings: 70 removed');
    const worked = [h, replica].filter((app) =>
      app.logs.lines.some((line) => line.includes('test records: working on the job')),
    );
    expect(worked).toHaveLength(1);

    // Everything of the app's is gone, everything of others is there.
    for (const t of targets) expect(state.get(orgId, TABLE[t.kind], t.id), `${t.kind} ${t.id}`).toBeUndefined();
    for (const k of kept) expect(state.get(orgId, TABLE[k.kind], k.id), `${k.kind} ${k.id}`).toBeDefined();

    // The request log: one DELETE per record at most, none for others, the documented order, no 429.
    const deleted = deletes().map((r) => r.path.split('/').slice(-2).join('/'));
    expect(new Set(deleted).size).toBe(deleted.length);
    const expected = targets.filter((t) => t.id !== landed.record_id).map((t) => `${TABLE[t.kind]}/${t.id}`);
    expect(new Set(deleted)).toEqual(new Set(expected));
    const rank = (path: string) => ['onboardings', 'contacts', 'customers'].indexOf(path.split('/')[0]!);
    expect(deleted.map(rank)).toEqual([...deleted.map(rank)].sort());
    expect(pivotal.requests.filter((r) => r.status === 429)).toHaveLength(0);
    const reads = pivotal.requests.filter(
      (r) => r.method === 'GET' && (r.path.endsWith(landed.record_id) || r.path.endsWith(lost.record_id)),
    );
    expect(reads.map((r) => [r.path.split('/').at(-1), r.status])).toEqual(
      expect.arrayContaining([
        [landed.record_id, 404],
        [lost.record_id, 200],
      ]),
    );

    // Progress was shown as it went, never going back.
    const shown = slack
      .callsTo('views.update')
      .filter((c) => c.args.view_id === modal.id)
      .map(
        (c) =>
          /Removing test records: (\d+) of 200/.exec(visibleText((c.args.view as { blocks: unknown }).blocks))?.[1],
      )
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(new Set(shown).size).toBeGreaterThanOrEqual(3);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));

    // Home no longer lists the removed onboardings; the channel post says it was removed.
    const after = await waitFor(
      () => {
        const view = slack.homeViews.get(ADMIN.id);
        return view && !listedOnboardings(view).includes(firstOnboardings[0]!.onboarding.display_id) ? view : undefined;
      },
      { what: 'Home without the removed onboardings' },
    );
    expect(listedOnboardings(after)).toEqual([state.get(orgId, 'onboardings', kept[2]!.id)!.display_id]);
    await waitFor(() => parent.text?.includes('removed from Pivotal'), {
      what: 'the parent post to say it was removed',
    });
    expect(JSON.stringify(parent.blocks)).not.toContain('move_open');
    const reply = await waitFor(
      () =>
        slack.messages.find(
          (m) => m.thread_ts === parent.ts && (m.text ?? '').includes('removed this test onboarding'),
        ),
      { what: 'the thread reply' },
    );
    expect(reply.text).toContain(ADMIN.id);
  });
});

describe('Remove test records is refused', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.close();
  });

  it('to someone who is not an admin, and changes nothing', async () => {
    h = await startHarness({ bootstrapKey: 'test', simulator: { rateLimit: { test: 100_000 } } });
    const c = h.pivotal.state.createCustomer(h.orgId, { name: 'Rehearsal', metadata: ours() });
    h.pivotal.resetRequests();
    await pressOpen(h, CSM);
    await h.idle();
    expect(openedWith(h)).toContain(`Only a workspace admin can remove test records. Ask <@${ADMIN.id}>.`);
    expect(await h.app.ctx.store.db.selectFrom('test_cleanup_jobs').selectAll().execute()).toEqual([]);

    // A confirmation forged for a real job is refused too.
    const confirm = await confirmation(h, await pressOpen(h, ADMIN));
    const res = await h.submit(echoViewWithState(confirm, {}), { user: CSM });
    // The confirmation has no input to mark, so the refusal takes its place.
    expect((res.json as { response_action: string }).response_action).toBe('update');
    expect(visibleText((res.json as { view: { blocks: unknown } }).view.blocks)).toContain(
      `Only a workspace admin can remove test records. Ask <@${ADMIN.id}>.`,
    );
    await h.idle();
    expect(
      (await h.app.ctx.store.db.selectFrom('test_cleanup_jobs').select('status').executeTakeFirstOrThrow()).status,
    ).toBe('ready');
    expect(h.pivotal.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(h.pivotal.state.get(h.orgId, 'customers', c.id)).toBeDefined();
  });

  it('with a live key: not offered on Home, and the action alone does nothing', async () => {
    await h.close();
    h = await startHarness({ bootstrapKey: 'live', simulator: { rateLimit: { live: 100_000 } } });
    const c = h.pivotal.state.createCustomer(h.orgId, { name: 'Rehearsal', metadata: ours() });
    const home = await openHome(h, ADMIN);
    expect(homeBlocks(home).some((b) => b.block_id === 'home_settings_webhooks')).toBe(true);
    expect(homeBlocks(home).some((b) => b.block_id === 'home_settings_test_records')).toBe(false);
    h.pivotal.resetRequests();
    await pressOpen(h, ADMIN, home);
    await h.idle();
    expect(openedWith(h)).toContain('connected with a live key');
    expect(await h.app.ctx.store.db.selectFrom('test_cleanup_jobs').selectAll().execute()).toEqual([]);
    expect(h.pivotal.requests).toEqual([]);
    expect(h.pivotal.state.get(h.orgId, 'customers', c.id)).toBeDefined();
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import {
  startPivotalSimulator,
  type OnboardingRecord,
  type PivotalSimulator,
} from '../../sandbox/pivotal-simulator/index.js';
import {
  ADMIN,
  NOTIFY_CHANNEL,
  startHarness,
  TEAM,
  type Harness,
  type HarnessOptions,
} from '../harness/app-harness.js';
import { homeText, openHome, waitForFullSync } from '../harness/home.js';
import { fastOutbox, outboxDrained, postsAbout } from '../harness/phase-moves.js';
import { visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

const SYNC = { tickMs: 20, intervalMs: 200, homeRefreshMs: 0, firstSightDelayMs: 0 };

/** The outbox rows of the workspace, as the channel posts read them. */
async function outbox(h: Harness) {
  const rows = await h.app.ctx.store.db
    .selectFrom('outbox')
    .select(['kind', 'onboarding_id', 'payload', 'dedupe_key'])
    .where('workspace_id', '=', TEAM.id)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

/** Waits until every outbox row about this onboarding has been accepted by (the fake) Slack. */
async function deliveredAbout(h: Harness, onboardingId: string): Promise<void> {
  await waitFor(
    async () => {
      const rows = await h.app.ctx.store.db
        .selectFrom('outbox')
        .select('status')
        .where('workspace_id', '=', TEAM.id)
        .where('onboarding_id', '=', onboardingId)
        .execute();
      return rows.length > 0 && rows.every((r) => r.status === 'done');
    },
    { what: `the posts about ${onboardingId} delivered`, timeoutMs: 15_000 },
  );
  await h.idle();
}

async function rmOnboarding(h: Harness, id: string) {
  return h.app.ctx.store.db
    .selectFrom('rm_onboardings')
    .selectAll()
    .where('workspace_id', '=', TEAM.id)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('the sync of changes made in Pivotal', () => {
  let pivotal: PivotalSimulator;
  let slack: FakeSlack;
  let dataDir: string;
  let h: Harness;
  let apiKey: string;
  const encryptionKey = randomBytes(32).toString('base64');
  const start = async (key?: string, seed?: HarnessOptions['seed']) => {
    const started = await startHarness({
      shared: { pivotal, slack },
      sync: SYNC,
      ...(seed ? { seed } : {}),
      env: { DATA_DIR: dataDir, PIVOTAL_KEY_ENCRYPTION_KEY: encryptionKey, ...(key ? { PIVOTAL_API_KEY: key } : {}) },
    });
    // Channel posts go out in milliseconds rather than one a second (same delivery logic).
    fastOutbox(started);
    return started;
  };
  const org = () => h.app.ctx.store.db; // eslint-friendly shorthand for the store of the running app
  const onboardings = (): OnboardingRecord[] => pivotal.state.list(orgId, 'onboardings');
  let orgId: string;

  beforeAll(async () => {
    // Generous limits: pacing has its own test (sync-pacing); here cycles follow each other fast.
    pivotal = await startPivotalSimulator({ rateLimit: { live: 100_000 } });
    slack = await startFakeSlack({ teamId: TEAM.id });
    dataDir = await mkdtemp(join(tmpdir(), 'pivotal-sync-'));
    h = await start(undefined, (p, id) => p.seedDemo(id));
    apiKey = h.apiKey!;
    orgId = h.orgId;
    await openHome(h, ADMIN);
    await waitForFullSync(h);
    await h.idle();
  });
  afterAll(async () => {
    await h.close();
    await slack.close();
    await pivotal.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fills the read model without announcing what already existed, primary contacts included', async () => {
    const db = org();
    expect(await outbox(h)).toEqual([]);
    const rows = await db
      .selectFrom('rm_onboardings')
      .select('id')
      .where('workspace_id', '=', TEAM.id)
      .where('deleted', '=', 0)
      .execute();
    expect(rows).toHaveLength(12);
    await waitFor(
      async () => {
        const known = await db
          .selectFrom('rm_customers')
          .select('primary_contact_name')
          .where('workspace_id', '=', TEAM.id)
          .execute();
        return known.length === 12 && known.every((c) => c.primary_contact_name);
      },
      { what: 'primary contacts read' },
    );
  });

  it('turns a phase change made in Pivotal into one event, attributed to Pivotal, and refreshes Home', async () => {
    const target = onboardings().find((o) => o.phase === 'review')!;
    const customer = pivotal.state.get(orgId, 'customers', target.customer_id)!;
    pivotal.state.updateOnboarding(orgId, target.id, { phase: 'program_buildout' });

    await waitFor(async () => (await rmOnboarding(h, target.id)).phase === 'program_buildout', {
      what: 'the read model to follow',
    });
    const events = (await outbox(h)).filter((e) => e.onboarding_id === target.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({
      kind: 'onboarding.phase_changed',
      onboardingId: target.id,
      from: 'review',
      to: 'program_buildout',
      direction: 'external',
      actor: { type: 'pivotal' },
    });

    // The admin looked at Home recently: it is published again with the onboarding in its new phase.
    await waitFor(
      () => {
        const text = homeText(slack.homeViews.get(ADMIN.id)!);
        const section = text.slice(text.indexOf('*Program buildout* —'), text.indexOf('*Internal QA* —'));
        return section.includes(customer.name);
      },
      { what: 'Home refreshed' },
    );

    // In the channel: the onboarding's parent post, and one reply in its thread saying it moved in Pivotal.
    await deliveredAbout(h, target.id);
    const posts = postsAbout(h, target.id);
    expect(posts.tops).toHaveLength(1);
    expect(posts.tops[0]!.channel).toBe(NOTIFY_CHANNEL);
    expect(visibleText(posts.tops[0]!.blocks)).toContain(customer.name);
    expect(visibleText(posts.tops[0]!.blocks)).toContain('Program buildout');
    expect(
      posts.replies.map((m) => ({ channel: m.channel, thread_ts: m.thread_ts, text: visibleText(m.blocks) })),
    ).toEqual([
      {
        channel: NOTIFY_CHANNEL,
        thread_ts: posts.tops[0]!.ts,
        text: ':arrow_forward: Phase moved in Pivotal: *Review* → *Program buildout*',
      },
    ]);
    const messagesBefore = slack.messages.length;

    // More cycles read the same record again: still one event, and nothing more in Slack.
    const cycles = h.logs.lines.filter((l) => l.includes('sync cycle finished')).length;
    await waitFor(() => h.logs.lines.filter((l) => l.includes('sync cycle finished')).length >= cycles + 2, {
      what: 'two more cycles',
    });
    expect((await outbox(h)).filter((e) => e.onboarding_id === target.id)).toHaveLength(1);
    await outboxDrained(h);
    const again = postsAbout(h, target.id);
    expect(again.tops).toHaveLength(1);
    expect(again.replies).toHaveLength(1);
    expect(slack.messages.length).toBe(messagesBefore);
  });

  it('announces state and target changes, a new onboarding once, and drops a deleted one', async () => {
    const changed = onboardings().find((o) => o.phase === 'launch')!;
    pivotal.state.updateOnboarding(orgId, changed.id, {
      state: 'paused',
      target_launch_date: '2031-02-03T00:00:00.000Z',
    });
    const customer = pivotal.state.list(orgId, 'customers')[0]!;
    const created = pivotal.state.createOnboarding(orgId, { customer_id: customer.id, phase: 'program_design' });
    const doomed = onboardings().find((o) => o.phase === 'internal_qa')!;
    pivotal.state.delete(orgId, 'onboardings', doomed.id);

    await waitFor(async () => (await rmOnboarding(h, doomed.id)).deleted === 1, {
      what: 'the deleted onboarding to be marked',
    });
    const events = await outbox(h);
    expect(events.filter((e) => e.onboarding_id === changed.id).map((e) => e.payload)).toEqual([
      {
        kind: 'onboarding.state_changed',
        onboardingId: changed.id,
        from: 'active',
        to: 'paused',
        actor: { type: 'pivotal' },
      },
      expect.objectContaining({ kind: 'onboarding.target_changed', to: '2031-02-03', actor: { type: 'pivotal' } }),
    ]);
    expect(events.filter((e) => e.onboarding_id === created.id).map((e) => e.payload)).toEqual([
      { kind: 'onboarding.opened', onboardingId: created.id, actor: { type: 'pivotal' } },
    ]);
    expect(events.filter((e) => e.onboarding_id === doomed.id)).toEqual([]);
    const home = await openHome(h, ADMIN);
    expect(homeText(home)).not.toContain(`· #${doomed.display_id} ·`);
    expect(homeText(home)).toContain(`· #${created.display_id}`);
  });

  it('announces nothing twice after a restart, and what changed while it was down once', async () => {
    const before = await outbox(h);
    await h.close();
    const moved = onboardings().find((o) => o.phase === 'before_getting_started')!;
    pivotal.state.updateOnboarding(orgId, moved.id, { phase: 'program_design' });
    h = await start(apiKey);
    await openHome(h, ADMIN);
    await waitFor(async () => (await rmOnboarding(h, moved.id)).phase === 'program_design', {
      what: 'the change made while down',
    });
    const cycles = h.logs.lines.filter((l) => l.includes('sync cycle finished')).length;
    await waitFor(() => h.logs.lines.filter((l) => l.includes('sync cycle finished')).length >= cycles + 2, {
      what: 'two more cycles',
    });
    const after = await outbox(h);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e) => e.payload)).toEqual([
      {
        kind: 'onboarding.phase_changed',
        onboardingId: moved.id,
        from: 'before_getting_started',
        to: 'program_design',
        direction: 'external',
        actor: { type: 'pivotal' },
      },
    ]);
  });

  it('retries a failing sync and shows admins why in the meantime', async () => {
    // Each failing cycle spends one request's attempts; enough failures for a few cycles.
    pivotal.faults.failNext(12, 500);
    await waitFor(
      async () =>
        (
          await h.app.ctx.store.db
            .selectFrom('sync_state')
            .select('last_error')
            .where('workspace_id', '=', TEAM.id)
            .executeTakeFirst()
        )?.last_error,
      {
        what: 'the failure recorded',
      },
    );
    const home = await openHome(h, ADMIN);
    expect(homeText(home)).toContain('failed: Pivotal had an internal error');
    await waitFor(
      async () =>
        (
          await h.app.ctx.store.db
            .selectFrom('sync_state')
            .select('last_error')
            .where('workspace_id', '=', TEAM.id)
            .executeTakeFirst()
        )?.last_error === null,
      {
        what: 'the sync to recover',
        timeoutMs: 15_000,
      },
    );
    pivotal.faults.clear();
  });
});

import { randomBytes } from 'node:crypto';
import { echoViewWithState, latestView, visibleText } from '../harness/view-submission.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/webhooks/signature.js';
import type { StoredHome } from '../../sandbox/fake-slack/server.js';
import type { OnboardingRecord } from '../../sandbox/pivotal-simulator/index.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { homeBlocks, homeText, openHome, pressOnHome, waitForFullSync } from '../harness/home.js';
import { fastOutbox, outboxDrained, postsAbout } from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const OTHER_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** The phase an onboarding's row is listed under on a published Home (the last phase header above it), if listed. */
function listedUnder(view: StoredHome, onboardingId: string): string | undefined {
  let phase: string | undefined;
  for (const block of homeBlocks(view)) {
    const id = typeof block.block_id === 'string' ? block.block_id : '';
    if (id.startsWith('phase:')) phase = id.slice('phase:'.length);
    if (id === `row:${onboardingId}`) return phase;
  }
  return undefined;
}

const cyclesOf = (h: Harness) => h.logs.lines.filter((l) => l.includes('sync cycle finished')).length;

interface Delivery {
  secret?: string;
  timestamp?: number;
  signature?: string;
  team?: string;
  rawBody?: string;
}

describe('Pivotal webhooks', () => {
  let h: Harness;
  const db = () => h.app.ctx.store.db;
  const outbox = (onboardingId: string) =>
    db()
      .selectFrom('outbox')
      .select(['kind', 'payload'])
      .where('workspace_id', '=', TEAM.id)
      .where('onboarding_id', '=', onboardingId)
      .execute();

  async function deliver(event: Record<string, unknown>, d: Delivery = {}) {
    const body = d.rawBody ?? JSON.stringify(event);
    const id = `msg_${randomBytes(6).toString('hex')}`;
    const timestamp = d.timestamp ?? Math.floor(Date.now() / 1000);
    const res = await fetch(`${h.baseUrl}/pivotal/webhooks/${d.team ?? TEAM.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'svix-id': id,
        'svix-timestamp': String(timestamp),
        'svix-signature': d.signature ?? signWebhook(d.secret ?? SECRET, id, timestamp, body),
      },
      body,
    });
    await h.idle();
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  function phaseChanged(
    onboarding: { id: string; customer_id: string; display_id: number; phase: string; state: string },
    to: string,
    eventId = `evt_${randomBytes(6).toString('hex')}`,
  ) {
    return {
      id: eventId,
      type: 'onboarding.phase_changed',
      created_at: new Date().toISOString(),
      org_id: h.orgId,
      livemode: true,
      api_version: 'v1',
      data: {
        object: {
          id: onboarding.id,
          customer_id: onboarding.customer_id,
          display_id: onboarding.display_id,
          phase: to,
          state: onboarding.state,
          target_launch_date: '2030-07-15',
          owner_email: 'csm@example.com',
        },
        previous_attributes: { phase: onboarding.phase },
      },
    };
  }

  /** The event Pivotal sends for a change to this record: the documented onboarding payload (no csm_id, date-only target), built from the record as it now is. */
  function eventFor(type: string, record: OnboardingRecord, previous: Record<string, unknown>) {
    return {
      id: `evt_${randomBytes(6).toString('hex')}`,
      type,
      created_at: new Date().toISOString(),
      org_id: h.orgId,
      livemode: true,
      api_version: 'v1',
      data: {
        object: {
          id: record.id,
          customer_id: record.customer_id,
          display_id: record.display_id,
          name: record.name,
          phase: record.phase,
          state: record.state,
          target_launch_date: record.target_launch_date?.slice(0, 10) ?? null,
          owner_email: 'csm@example.com',
        },
        previous_attributes: previous,
      },
    };
  }

  /** Waits until every outbox row about this onboarding has been accepted by (the fake) Slack. */
  async function deliveredAbout(onboardingId: string): Promise<void> {
    await waitFor(
      async () => {
        const rows = await db()
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

  beforeAll(async () => {
    h = await startHarness({
      simulator: { rateLimit: { live: 100_000 } },
      sync: { tickMs: 20, intervalMs: 60_000, homeRefreshMs: 0, webhookSlowdown: 10 },
      seed: (pivotal, orgId) => pivotal.seedDemo(orgId),
    });
    // Channel posts go out in milliseconds rather than one a second (same delivery logic).
    fastOutbox(h);
    await openHome(h, ADMIN);
    await waitForFullSync(h);
    await h.idle();
  });
  afterAll(() => h.close());

  it('is off by default, an opt-in on Home: deliveries are refused until an admin turns it on with the signing secret, checked next to the field', async () => {
    const onboarding = h.pivotal.state.list(h.orgId, 'onboardings')[0]!;
    expect((await deliver(phaseChanged(onboarding, 'launch'))).status).toBe(401);
    expect(
      (
        await db()
          .selectFrom('rm_onboardings')
          .select('phase')
          .where('id', '=', onboarding.id)
          .executeTakeFirstOrThrow()
      ).phase,
    ).toBe(onboarding.phase);

    // Polling is the way (Pivotal's webhooks are a preview): Home offers the receiver as an opt-in and
    // never sends the admin to a Pivotal settings page its documents do not describe.
    const home = await openHome(h, ADMIN);
    const section = homeBlocks(home).find((b) => b.block_id === 'home_settings_webhooks')!;
    expect(visibleText([section])).toMatch(
      /Webhooks \(preview\)[\s\S]*Off\* \(nothing to set up\): the app keeps current by polling Pivotal/,
    );
    expect(section.accessory).toMatchObject({ action_id: 'home_webhook_open', text: { text: 'Turn on' } });
    expect(homeText(home)).not.toMatch(/Developer|Admin →/);
    await pressOnHome(h, ADMIN, { action_id: 'home_webhook_open', value: '' });
    const modal = latestView(h.slack, 'home_webhook_secret');
    expect(JSON.stringify(modal.view)).toContain('/pivotal/webhooks/T0TEAM01');
    expect(JSON.stringify(modal.view)).not.toMatch(/Developer|Admin →/);
    expect(modal.view.submit).toMatchObject({ text: 'Turn on' });
    const submit = (secret: string, user = ADMIN) =>
      h.submit(echoViewWithState(modal, { webhook_secret: { secret: { type: 'plain_text_input', value: secret } } }), {
        user,
      });
    expect((await submit('not-a-secret')).json).toMatchObject({
      response_action: 'errors',
      errors: { webhook_secret: expect.stringContaining('starts with whsec_') },
    });
    expect((await submit('whsec_abc')).json).toMatchObject({
      response_action: 'errors',
      errors: { webhook_secret: expect.stringContaining('complete signing secret') },
    });
    expect((await submit(SECRET, CSM)).json).toMatchObject({
      response_action: 'errors',
      errors: { webhook_secret: 'Only a workspace admin can set up Pivotal webhooks.' },
    });
    const saved = await submit(SECRET);
    expect(saved.status).toBe(200);
    await h.idle();

    const state = await db()
      .selectFrom('sync_state')
      .select('webhook_secret_ciphertext')
      .where('workspace_id', '=', TEAM.id)
      .executeTakeFirstOrThrow();
    expect(state.webhook_secret_ciphertext).toBeTruthy();
    expect(state.webhook_secret_ciphertext).not.toContain(SECRET.slice(6, 20));
    const on = homeBlocks(h.slack.homeViews.get(ADMIN.id)!).find((b) => b.block_id === 'home_settings_webhooks')!;
    expect(visibleText([on])).toContain('On.* Signed deliveries to `/pivotal/webhooks/T0TEAM01`');
    expect(on.accessory).toMatchObject({ text: { text: 'Change or turn off' } });
  });

  it('applies a signed phase change made in Pivotal: read model, one event, Home, one thread reply — keeping what the payload leaves out', async () => {
    const current = h.pivotal.state.list(h.orgId, 'onboardings').find((o) => o.phase === 'review')!;
    const customer = h.pivotal.state.get(h.orgId, 'customers', current.customer_id)!;
    const before = await db()
      .selectFrom('rm_onboardings')
      .selectAll()
      .where('id', '=', current.id)
      .executeTakeFirstOrThrow();
    expect(listedUnder(await openHome(h, ADMIN), current.id)).toBe('review');

    // The change is made in Pivotal; Pivotal then signs and sends the event for it.
    const requestsBefore = h.pivotal.requests.length;
    const changed = h.pivotal.state.updateOnboarding(h.orgId, current.id, { phase: 'program_buildout' });
    const event = eventFor('onboarding.phase_changed', changed, { phase: current.phase });
    const res = await deliver(event);
    expect(res).toEqual({ status: 200, body: { received: true, outcome: 'applied' } });
    // The webhook brought the change: the app read no onboarding from Pivotal meanwhile.
    expect(h.pivotal.requests.slice(requestsBefore).filter((r) => r.path.includes('/onboardings'))).toEqual([]);

    const after = await db()
      .selectFrom('rm_onboardings')
      .selectAll()
      .where('id', '=', current.id)
      .executeTakeFirstOrThrow();
    expect(after.phase).toBe('program_buildout');
    expect(after.target_launch_date).toBe(before.target_launch_date);
    expect(after.csm_id).toBe(before.csm_id);
    expect(before.csm_id).toBeTruthy();
    const events = await outbox(current.id);
    expect(events.map((e) => JSON.parse(e.payload))).toEqual([
      {
        kind: 'onboarding.phase_changed',
        onboardingId: current.id,
        from: 'review',
        to: 'program_buildout',
        direction: 'external',
        actor: { type: 'pivotal' },
      },
    ]);

    // Home (the admin looked recently) is published again with the row under its new phase.
    const home = await waitFor(
      () => {
        const view = h.slack.homeViews.get(ADMIN.id)!;
        return listedUnder(view, current.id) === 'program_buildout' ? view : undefined;
      },
      { what: 'Home listing the onboarding under Program buildout' },
    );
    const row = homeBlocks(home).find((b) => b.block_id === `row:${current.id}`)!;
    expect(visibleText([row])).toContain(customer.name);
    expect(visibleText([row])).toContain(`#${current.display_id}`);
    expect(homeText(home)).toContain('webhook updates');

    // In the channel: the onboarding's parent post and exactly one reply in its thread for this change.
    await deliveredAbout(current.id);
    const posts = postsAbout(h, current.id);
    expect(posts.tops).toHaveLength(1);
    expect(posts.tops[0]!.channel).toBe(NOTIFY_CHANNEL);
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

    // Svix retries and dashboard replays resend the same event id: applied once.
    expect(await deliver(event)).toEqual({ status: 200, body: { received: true, outcome: 'duplicate' } });
    expect(await outbox(current.id)).toHaveLength(1);

    // The next poll reads the same record from Pivotal: nothing new to announce, so webhook + poll post it once.
    const polledAfter = new Date().toISOString();
    const cycles = cyclesOf(h);
    await h.app.sync.worker.kick(TEAM.id);
    await waitFor(
      async () => {
        const row = await db()
          .selectFrom('rm_onboardings')
          .select('synced_at')
          .where('id', '=', current.id)
          .executeTakeFirstOrThrow();
        return cyclesOf(h) > cycles && row.synced_at >= polledAfter;
      },
      { what: 'a sync cycle that read the onboarding again', timeoutMs: 15_000 },
    );
    expect(await outbox(current.id)).toHaveLength(1);
    await outboxDrained(h);
    const again = postsAbout(h, current.id);
    expect(again.tops).toHaveLength(1);
    expect(again.replies).toHaveLength(1);
  });

  it('announces an onboarding created in Pivotal once, and ignores a dashboard test event on a live workspace', async () => {
    const customer = h.pivotal.state.list(h.orgId, 'customers')[0]!;
    const created = {
      id: `onb_${randomBytes(4).toString('hex')}`,
      customer_id: customer.id,
      display_id: 900,
      phase: 'before_getting_started',
      state: 'active',
    };
    const res = await deliver({
      id: `evt_${randomBytes(6).toString('hex')}`,
      type: 'onboarding.created',
      created_at: new Date().toISOString(),
      livemode: true,
      data: { object: created },
    });
    expect(res.body.outcome).toBe('applied');
    expect((await outbox(created.id)).map((e) => e.kind)).toEqual(['onboarding.opened']);

    const fake = { ...created, id: 'onb_test_123', display_id: 901 };
    const test = await deliver({
      id: `evt_${randomBytes(6).toString('hex')}`,
      type: 'onboarding.created',
      livemode: false,
      data: { object: fake },
    });
    expect(test.body.outcome).toBe('ignored');
    expect(
      await db().selectFrom('rm_onboardings').select('id').where('id', '=', fake.id).executeTakeFirst(),
    ).toBeUndefined();
  });

  it.each([
    ['signed with another secret', { secret: OTHER_SECRET }, 401],
    ['with a garbled signature', { signature: 'v1,AAAA' }, 401],
    ['five minutes and more old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }, 401],
    ['stamped in the future', { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }, 401],
    ['for a workspace without a secret', { team: 'T0OTHER99' }, 401],
  ] as const)('refuses a delivery %s and changes nothing', async (_what, delivery, status) => {
    const onboarding = h.pivotal.state.list(h.orgId, 'onboardings').find((o) => o.phase === 'launch')!;
    const res = await deliver(phaseChanged(onboarding, 'completed'), delivery);
    expect(res.status).toBe(status);
    const row = await db()
      .selectFrom('rm_onboardings')
      .select('phase')
      .where('id', '=', onboarding.id)
      .executeTakeFirstOrThrow();
    expect(row.phase).toBe('launch');
  });

  it('refuses a delivery without the Svix headers, and a signed body that is not JSON', async () => {
    const res = await fetch(`${h.baseUrl}/pivotal/webhooks/${TEAM.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect((await deliver({}, { rawBody: 'not json' })).status).toBe(400);
  });

  it('accepts a delivery signed during a secret rotation (two signatures, one of them ours)', async () => {
    const onboarding = h.pivotal.state.list(h.orgId, 'onboardings').find((o) => o.phase === 'internal_qa')!;
    const event = phaseChanged(onboarding, 'launch');
    const body = JSON.stringify(event);
    const ts = Math.floor(Date.now() / 1000);
    const id = 'msg_rotation';
    const both = `${signWebhook(OTHER_SECRET, id, ts, body)} ${signWebhook(SECRET, id, ts, body)}`;
    expect(
      verifyWebhook(SECRET, { id, timestamp: String(ts), signature: both }, Buffer.from(body), Date.now()),
    ).toEqual({ ok: true });
    const res = await fetch(`${h.baseUrl}/pivotal/webhooks/${TEAM.id}`, {
      method: 'POST',
      headers: { 'svix-id': id, 'svix-timestamp': String(ts), 'svix-signature': both },
      body,
    });
    expect(res.status).toBe(200);
  });

  it('slows polling down while webhooks arrive', async () => {
    await h.app.sync.worker.kick(TEAM.id);
    const state = await waitFor(
      async () => {
        const s = await db()
          .selectFrom('sync_state')
          .selectAll()
          .where('workspace_id', '=', TEAM.id)
          .executeTakeFirstOrThrow();
        return s.last_sync_at && Date.parse(s.next_sync_at) - Date.parse(s.last_sync_at) > 60_000 ? s : undefined;
      },
      { what: 'a cycle after the webhooks' },
    );
    expect(Date.parse(state.next_sync_at) - Date.parse(state.last_sync_at!)).toBe(600_000);
  });
});

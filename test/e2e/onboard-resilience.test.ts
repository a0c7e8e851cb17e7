import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { createJob, getJob } from '../../src/features/onboard/jobs.js';
import type { OnboardInput } from '../../src/features/onboard/validation.js';
import { createDatabase } from '../../src/store/database.js';
import { CSM, TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { FILLED, openOnboard, submitView } from '../harness/onboard-flow.js';
import { currentView, echoView, visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

describe('/pivotal onboard under latency, failures, rate limits and repeats', () => {
  let h: Harness;
  let simulator: PivotalSimulator | undefined;
  let failContactPosts = 0;
  // Fails the next contact POSTs through the simulator's own fault, queued just as that request goes out.
  const fetchWithContactFaults: typeof fetch = (input, init) => {
    if (failContactPosts > 0 && init?.method === 'POST' && String(input).endsWith('/contacts')) {
      failContactPosts -= 1;
      simulator!.faults.failNext(1, 500);
    }
    return fetch(input, init);
  };

  beforeAll(async () => {
    // A 429 asking for more than 100 ms is handed back by the client, so the job is queued.
    h = await startHarness({
      // A paid-plan bucket (600/min): this file makes more requests a minute than the default 60, and only its injected 429s should slow it.
      simulator: { rateLimit: { live: 600 } },
      pivotalClientOptions: { fetch: fetchWithContactFaults, maxRetryAfterMs: 100 },
      // Channel posts (paced at one a second) are not what this file is about; onboard.test.ts checks them.
      env: { PIVOTAL_NOTIFY_CHANNEL: '' },
    });
    simulator = h.pivotal;
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.pivotal.faults.clear();
    failContactPosts = 0;
  });

  const mine = (name: string) => {
    const customers = h.pivotal.state.list(h.orgId, 'customers').filter((c) => c.name === name);
    const ids = new Set(customers.map((c) => c.id));
    return {
      customers: customers.length,
      contacts: h.pivotal.state.list(h.orgId, 'contacts').filter((c) => ids.has(c.customer_id)).length,
      onboardings: h.pivotal.state.list(h.orgId, 'onboardings').filter((o) => ids.has(o.customer_id)).length,
    };
  };
  const ONE_EACH = { customers: 1, contacts: 1, onboardings: 1 };

  it('records views.open before any Pivotal request, also with 2 s of Pivotal latency', async () => {
    h.pivotal.faults.latencyMs = 2_000;
    const requestsBefore = h.pivotal.requests.length;
    const viewId = await openOnboard(h, 'Latency Labs');
    const open = h.slack.callsTo('views.open').at(-1)!;
    await h.idle();
    const made = h.pivotal.requests.slice(requestsBefore);
    expect(made.length).toBeGreaterThan(0);
    for (const request of made) expect(request.at.getTime()).toBeGreaterThanOrEqual(open.at);
    expect(currentView(h.slack, viewId).view.callback_id).toBe('onboard');
  });

  it('acks the submission at once however slow Pivotal is; the steps run after the ack', async () => {
    const viewId = await openOnboard(h, 'Slowpoke');
    await h.idle();
    h.pivotal.faults.latencyMs = 1_000;
    const before = h.pivotal.requests.length;
    const ack = await submitView(h, viewId, { ...FILLED, contact_email: 'jane@slowpoke.example' });
    expect(ack.response_action).toBe('update');
    // Judged by order, not by a stopwatch: no Pivotal request had been answered when Slack got its ack.
    expect(h.pivotal.requests.slice(before).map((r) => r.status)).toEqual(
      h.pivotal.requests.slice(before).map(() => null),
    );
    expect(mine('Slowpoke').customers).toBe(0);
    await h.idle();
    expect(mine('Slowpoke')).toEqual(ONE_EACH);
  });

  it('partial failure: shows what was done and why the rest failed; Retry finishes without creating twice', async () => {
    const viewId = await openOnboard(h, 'Partial Inc');
    failContactPosts = 3; // every attempt the client makes
    await submitView(h, viewId, { ...FILLED, contact_email: 'jane@partial.example' });
    await h.idle();
    expect(mine('Partial Inc')).toEqual({ customers: 1, contacts: 0, onboardings: 0 });
    const failed = currentView(h.slack, viewId).view;
    expect(failed.callback_id).toBe('onboard_retry');
    expect(failed.submit).toMatchObject({ text: 'Retry' });
    const lines = visibleText(failed.blocks);
    expect(lines).toMatch(/:white_check_mark: Customer .*Partial Inc.* — created/);
    expect(lines).toContain(':x: Primary contact *Jane Doe* — not done: Pivotal had an internal error');
    expect(lines).toContain(':white_circle: Onboarding in *Program design* — not done yet');

    // Retry, clicked twice at once: one run, one of each record.
    const retry = echoView(currentView(h.slack, viewId));
    const acks = await Promise.all([h.submit(retry), h.submit(retry)]);
    for (const a of acks) expect((a.json as { response_action: string }).response_action).toBe('update');
    await h.idle();
    expect(mine('Partial Inc')).toEqual(ONE_EACH);
    expect(
      h.pivotal.requests.filter(
        (r) => r.method === 'POST' && r.idempotencyKey?.startsWith(`onboard:${viewId}:customer`),
      ),
    ).toHaveLength(1);
    expect(currentView(h.slack, viewId).view.title).toMatchObject({ text: 'Onboarding opened' });
  });

  it('a create whose answer was lost is replayed by its idempotency key, not made twice', async () => {
    const viewId = await openOnboard(h, 'Lost Answer');
    await h.idle();
    // Pivotal creates the customer, then the answer is lost (500); the client's retry gets the stored answer.
    h.pivotal.faults.failNext(1, 500, { afterHandler: true });
    await submitView(h, viewId, { ...FILLED, contact_email: 'jane@lost.example' });
    await h.idle();
    expect(mine('Lost Answer')).toEqual(ONE_EACH);
    const customerPosts = h.pivotal.requests.filter(
      (r) => r.method === 'POST' && r.idempotencyKey?.startsWith(`onboard:${viewId}:customer`),
    );
    expect(customerPosts.map((r) => r.status)).toEqual([500, 201]);
    expect(new Set(customerPosts.map((r) => r.idempotencyKey)).size).toBe(1);
  });

  it('a double submission of the same view creates one of each; a later repeat shows the result', async () => {
    const viewId = await openOnboard(h, 'Double Click Co');
    await h.idle();
    const echoed = echoView(currentView(h.slack, viewId), { ...FILLED, contact_email: 'jane@double.example' });
    const acks = await Promise.all([h.submit(echoed), h.submit(echoed)]);
    for (const a of acks) expect((a.json as { response_action: string }).response_action).toBe('update');
    await h.idle();
    expect(mine('Double Click Co')).toEqual(ONE_EACH);

    const posts = h.pivotal.requests.filter((r) => r.method === 'POST').length;
    const late = await h.submit(echoed);
    expect((late.json as { view: { title: { text: string } } }).view.title.text).toBe('Onboarding opened');
    await h.idle();
    expect(h.pivotal.requests.filter((r) => r.method === 'POST').length).toBe(posts);
    expect(mine('Double Click Co')).toEqual(ONE_EACH);
  });

  it('a 429 burst: the modal says queued, the job finishes by itself, one of each, and a DM says so', async () => {
    const viewId = await openOnboard(h, 'Rate Limited Ltd');
    await h.idle();
    const dmsBefore = h.slack.messages.filter((m) => m.channel === CSM.id).length;
    h.pivotal.faults.failNext(2, 429, { retryAfterSec: 1 });
    await submitView(h, viewId, { ...FILLED, contact_email: 'jane@ratelimited.example' });
    await waitFor(() => visibleText(currentView(h.slack, viewId).view.blocks).includes('queued'), {
      what: 'the queued view',
    });
    expect(visibleText(currentView(h.slack, viewId).view.blocks)).toMatch(/goes on by itself in about \d+ s/);
    await waitFor(() => h.slack.messages.filter((m) => m.channel === CSM.id).length > dmsBefore, {
      what: 'the DM',
      timeoutMs: 10_000,
    });
    await h.idle();
    expect(mine('Rate Limited Ltd')).toEqual(ONE_EACH);
    expect(currentView(h.slack, viewId).view.title).toMatchObject({ text: 'Onboarding opened' });
    expect(h.slack.messages.filter((m) => m.channel === CSM.id).at(-1)!.text).toContain('opened for Rate Limited Ltd');
  });

  it('a modal closed while working does not stop the work; the DM still confirms it', async () => {
    const viewId = await openOnboard(h, 'Closed Window');
    await h.idle();
    // Slack answers views.update of a closed modal with an error.
    h.slack.failNext('views.update', { error: 'not_found' });
    await submitView(h, viewId, { ...FILLED, contact_email: 'jane@closed.example' });
    await h.idle();
    expect(mine('Closed Window')).toEqual(ONE_EACH);
    expect(h.slack.messages.filter((m) => m.channel === CSM.id).at(-1)!.text).toContain('opened for Closed Window');
  });

  it('a modal closed before a failure is reported: the DM says what was done and how to finish', async () => {
    const viewId = await openOnboard(h, 'Gone Away');
    await h.idle();
    failContactPosts = 3;
    h.slack.failNext('views.update', { error: 'not_found' });
    await submitView(h, viewId, { ...FILLED, contact_email: 'jane@gone.example' });
    await h.idle();
    const dm = h.slack.messages.filter((m) => m.channel === CSM.id).at(-1)!;
    expect(dm.text).toContain('did not finish');
    expect(visibleText(dm.blocks)).toMatch(
      /run `\/pivotal onboard` again and pick `Gone Away` \(#\d+\) as the existing customer/,
    );
  });
});

describe('/pivotal onboard resuming a rate-limited job', () => {
  it('resumes when its timer fires a moment before the clock says the wait is over', async () => {
    // Node's timers and the wall clock can disagree by a millisecond or more on a busy machine.
    let lagNextReadingMs = 0;
    const now = () => {
      const lag = lagNextReadingMs;
      lagNextReadingMs = 0;
      return new Date(Date.now() - lag);
    };
    const h = await startHarness({
      now,
      pivotalClientOptions: { maxRetryAfterMs: 100 },
      env: { PIVOTAL_NOTIFY_CHANNEL: '' },
    });
    try {
      const viewId = await openOnboard(h, 'Early Timer');
      await h.idle();
      h.pivotal.faults.failNext(1, 429, { retryAfterSec: 1 });
      await submitView(h, viewId, { ...FILLED, contact_email: 'jane@early.example' });
      await waitFor(() => visibleText(currentView(h.slack, viewId).view.blocks).includes('queued'), {
        what: 'the queued view',
      });
      await h.idle();
      // Nothing else reads the clock while the job waits: the next reading is the resumer's claim.
      lagNextReadingMs = 50;
      await waitFor(() => h.slack.messages.some((m) => m.channel === CSM.id), { what: 'the DM', timeoutMs: 10_000 });
      expect(lagNextReadingMs).toBe(0);
      await h.idle();
      expect(h.pivotal.state.list(h.orgId, 'customers').map((c) => c.name)).toEqual(['Early Timer']);
      expect(currentView(h.slack, viewId).view.title).toMatchObject({ text: 'Onboarding opened' });
    } finally {
      await h.close();
    }
  });
});

describe('/pivotal onboard after a restart', () => {
  const input = (name: string): OnboardInput => ({
    customer: {
      kind: 'new',
      name,
      slug: name.toLowerCase().replace(/\W+/g, '-'),
      slugFromName: true,
      domain: null,
      status: 'active',
    },
    contact: {
      kind: 'new',
      name: 'Rita Restart',
      email: `rita@${name.toLowerCase().replace(/\W+/g, '')}.example`,
      title: null,
    },
    onboarding: { phase: 'review', state: 'active', targetLaunchDate: null, csmUserId: CSM.id },
  });

  it('takes over a job whose process went away, and leaves one that is still held', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-slack-restart-'));
    try {
      const store = await createDatabase({ dataDir });
      const past = new Date(Date.now() - 60_000).toISOString();
      const future = new Date(Date.now() + 10 * 60_000).toISOString();
      const job = { workspace: { teamId: TEAM.id }, userId: CSM.id, mode: 'live' as const };
      await createJob(
        store.db,
        { ...job, key: { workspaceId: TEAM.id, viewId: 'VCRASHED1' }, input: input('Phoenix') },
        { token: 'dead-process', until: past },
        past,
      );
      await createJob(
        store.db,
        { ...job, key: { workspaceId: TEAM.id, viewId: 'VBUSY0001' }, input: input('Still Busy') },
        { token: 'other-replica', until: future },
        past,
      );
      await store.destroy();

      const h = await startHarness({ env: { DATA_DIR: dataDir } });
      try {
        const dm = await waitFor(() => h.slack.messages.find((m) => m.channel === CSM.id), {
          what: 'the DM of the resumed job',
        });
        await h.idle();
        expect(dm.text).toContain('opened for Phoenix');
        const customers = h.pivotal.state.list(h.orgId, 'customers');
        expect(customers.map((c) => c.name)).toEqual(['Phoenix']);
        expect(h.pivotal.state.count(h.orgId, 'contacts')).toBe(1);
        expect(h.pivotal.state.list(h.orgId, 'onboardings').map((o) => o.phase)).toEqual(['review']);
        expect((await getJob(h.app.ctx.store.db, { workspaceId: TEAM.id, viewId: 'VCRASHED1' }))?.status).toBe('done');
        expect((await getJob(h.app.ctx.store.db, { workspaceId: TEAM.id, viewId: 'VBUSY0001' }))?.status).toBe(
          'running',
        );
      } finally {
        await h.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

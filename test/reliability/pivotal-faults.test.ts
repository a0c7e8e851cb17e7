import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { FILLED, openOnboard, submitView as submitOnboard } from '../harness/onboard-flow.js';
import { fastOutbox, openMove, seedOnboarding, select, submitView, typed } from '../harness/phase-moves.js';
import { visibleText, currentView, echoViewWithState } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';
import { getWorkspace } from '../../src/store/workspaces.js';

/**
 * Pivotal misbehaving under the app's writes: latency beyond Slack's 3 s, bursts of 5xx, hangs, 429
 * storms, a key revoked between opening a modal and submitting it. Each time the person is told, a
 * request is retried only where that is safe (reads, PATCH, POST with its idempotency key), and the
 * simulator's records show nothing written twice and nothing half-written silently.
 */

const SLACK_ACK_LIMIT_MS = 3_000;

/** Everything the app changed in Pivotal for one onboarding, and what it recorded about it. */
async function trace(h: Harness, onboardingId: string) {
  const patches = h.pivotal.requests.filter(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/onboardings/${onboardingId}`),
  );
  const events = await h.app.ctx.store.db
    .selectFrom('outbox')
    .select(['kind', 'payload'])
    .where('onboarding_id', '=', onboardingId)
    .execute();
  return {
    phase: h.pivotal.state.get(h.orgId, 'onboardings', onboardingId)!.phase,
    patchesApplied: patches.filter((r) => r.status === 200).length,
    phaseEvents: events.filter((e) => e.kind === 'onboarding.phase_changed').length,
  };
}

async function moveWith(h: Harness, fault: (h: Harness) => void, note = 'fault drill') {
  const { customer, onboarding } = await seedOnboarding(h);
  const form = await openMove(h, customer.name);
  fault(h);
  const sent = performance.now();
  const result = await submitView(h, form, { phase: select('program_buildout'), note: typed(note) });
  return { ...result, ackMs: performance.now() - sent, onboarding, form };
}

describe('Pivotal faults during a phase move', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      simulator: { rateLimit: { live: 100_000 } },
      pivotalClientOptions: { maxRetryAfterMs: 100 },
    });
    fastOutbox(h);
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => h.pivotal.faults.clear());

  it("latency beyond Slack's 3 s: the submission is acked at once and the modal fills in when Pivotal answers", async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    const before = h.pivotal.requests.length;
    h.pivotal.faults.latencyMs = 3_100;
    const sent = performance.now();
    const res = await h.submit(echoViewWithState(form, { phase: select('program_buildout') }));
    const ackMs = performance.now() - sent;
    // Only the first request is slow: the next ones are fast again once it is under way.
    await waitFor(() => h.pivotal.requests.length > before, { what: 'the first Pivotal request of the save' });
    h.pivotal.faults.latencyMs = 0;
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(SLACK_ACK_LIMIT_MS / 2);
    expect(visibleText((res.json as { view: { blocks: unknown[] } }).view.blocks)).toContain(
      'Saving the move in Pivotal',
    );
    await h.idle();
    expect(visibleText(h.slack.views.get(form.id)!.view.blocks)).toContain('Saved in Pivotal');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'program_buildout', patchesApplied: 1, phaseEvents: 1 });
  });

  it('a burst of 5xx shorter than the retries: saved once', async () => {
    const { view, onboarding } = await moveWith(h, (x) => x.pivotal.faults.failNext(2, 503));
    expect(visibleText(view.view.blocks)).toContain('Saved in Pivotal');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'program_buildout', patchesApplied: 1, phaseEvents: 1 });
  });

  it('a burst of 5xx longer than the retries: the person is told, keeps what they typed, and a resubmit saves once', async () => {
    const { view, onboarding, ackMs } = await moveWith(
      h,
      (x) => x.pivotal.faults.failNext(3, 500),
      'typed before the outage',
    );
    expect(ackMs).toBeLessThan(SLACK_ACK_LIMIT_MS);
    expect(visibleText(view.view.blocks)).toContain('Pivotal had an internal error');
    expect(JSON.stringify(view.view.blocks)).toContain('typed before the outage');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'review', patchesApplied: 0, phaseEvents: 0 });

    const again = await submitView(h, view, {
      phase: select('program_buildout'),
      note: typed('typed before the outage'),
    });
    expect(visibleText(again.view.view.blocks)).toContain('Saved in Pivotal');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'program_buildout', patchesApplied: 1, phaseEvents: 1 });
  });

  it('a 429 storm: the person is told Pivotal is busy, nothing is changed, and the move goes through once the storm is over', async () => {
    const { view, onboarding } = await moveWith(h, (x) => x.pivotal.faults.failNext(3, 429, { retryAfterSec: 0 }));
    expect(visibleText(view.view.blocks)).toMatch(/rate limit/i);
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'review', patchesApplied: 0, phaseEvents: 0 });
    const again = await submitView(h, view, { phase: select('program_buildout') });
    expect(visibleText(again.view.view.blocks)).toContain('Saved in Pivotal');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'program_buildout', patchesApplied: 1, phaseEvents: 1 });
  });

  it('a POST whose answer is lost after Pivotal created the records: retried with its idempotency key, one of each', async () => {
    const name = 'Lost Answer Ltd';
    const viewId = await openOnboard(h, name);
    await h.idle();
    h.pivotal.faults.failNext(1, 500, { afterHandler: true });
    await submitOnboard(h, viewId, FILLED);
    await h.idle();
    const customers = h.pivotal.state.list(h.orgId, 'customers').filter((c) => c.name === name);
    expect(customers).toHaveLength(1);
    const ids = new Set(customers.map((c) => c.id));
    expect(h.pivotal.state.list(h.orgId, 'contacts').filter((c) => ids.has(c.customer_id))).toHaveLength(1);
    expect(h.pivotal.state.list(h.orgId, 'onboardings').filter((o) => ids.has(o.customer_id))).toHaveLength(1);
    const replayed = h.pivotal.requests.filter((r) => r.method === 'POST' && r.idempotencyKey !== undefined);
    expect(new Set(replayed.map((r) => r.idempotencyKey)).size).toBeLessThan(replayed.length);
    expect(visibleText(currentView(h.slack, viewId).view.blocks)).not.toMatch(/went wrong|failed/i);
  });

  it('a key revoked between opening the modal and submitting it: told to reconnect, nothing changed, admins flagged', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    h.pivotal.revokeKey(h.apiKey!);
    const { view } = await submitView(h, form, { phase: select('program_buildout') });
    const text = visibleText(view.view.blocks);
    expect(text).toContain('revoked');
    expect(text).toContain('/pivotal connect');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'review', patchesApplied: 0, phaseEvents: 0 });
    await waitFor(async () => (await getWorkspace(h.app.ctx.store.db, TEAM.id))?.needs_attention, {
      what: 'the workspace to be flagged',
    });
    // One 401 is enough to know: the revoked key is not retried.
    expect(h.pivotal.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });
});

describe('Pivotal hanging', () => {
  let h: Harness;
  beforeAll(async () => {
    // Attempts time out quickly so that a hang costs a fraction of a second.
    h = await startHarness({ simulator: { rateLimit: { live: 100_000 } }, pivotalClientOptions: { timeoutMs: 300 } });
    fastOutbox(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('one hung request is timed out and retried (reads and PATCH are safe to repeat): saved once', async () => {
    const { view, onboarding } = await moveWith(h, (x) => x.pivotal.faults.hangNext(1));
    expect(visibleText(view.view.blocks)).toContain('Saved in Pivotal');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'program_buildout', patchesApplied: 1, phaseEvents: 1 });
  });

  it('Pivotal hanging for good: the person is told it did not answer in time, and nothing is recorded as moved', async () => {
    const { view, onboarding, ackMs } = await moveWith(h, (x) => x.pivotal.faults.hangNext(3));
    expect(ackMs).toBeLessThan(SLACK_ACK_LIMIT_MS);
    expect(visibleText(view.view.blocks)).toContain('did not answer in time');
    expect(await trace(h, onboarding.id)).toEqual({ phase: 'review', patchesApplied: 0, phaseEvents: 0 });
  });
});

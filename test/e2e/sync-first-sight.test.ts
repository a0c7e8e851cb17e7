import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { waitFor } from '../harness/wait.js';

/** When the first sync of a single-workspace install (PIVOTAL_API_KEY) runs. */
describe('the first sync of a single-workspace install', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const readModelSize = async (h: Harness) =>
    (await h.app.ctx.store.db.selectFrom('rm_onboardings').select('id').execute()).length;

  it('runs at start-up when Slack named the workspace (auth.test), before any Slack request', async () => {
    const h = await startHarness({ sync: { tickMs: 20, intervalMs: 60_000 } });
    cleanups.push(() => h.close());
    h.pivotal.seedDemo(h.orgId);
    await waitFor(async () => (await readModelSize(h)) > 0, {
      what: 'the read model filled by the start-up sync',
      timeoutMs: 10_000,
    });
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('otherwise starts shortly after the first request, never racing it: views.open comes before any Pivotal call', async () => {
    const pivotal = await startPivotalSimulator();
    const slack = await startFakeSlack({ teamId: TEAM.id });
    cleanups.push(
      () => pivotal.close(),
      () => slack.close(),
    );
    slack.failNext('auth.test', { status: 500 }, 5);
    const h = await startHarness({
      shared: { pivotal, slack },
      sync: { tickMs: 20, intervalMs: 60_000, firstSightDelayMs: 600 },
    });
    cleanups.push(() => h.close());
    // The start-up check of PIVOTAL_API_KEY with /me is done before the app answers anything; the sync is what is watched here.
    pivotal.resetRequests();
    pivotal.seedDemo(h.orgId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pivotal.requests).toEqual([]);

    const res = await h.command('onboard Brand New Co');
    expect(res.status).toBe(200);
    await waitFor(() => slack.callsTo('views.open').length === 1, { what: 'views.open' });
    const opened = slack.callsTo('views.open')[0]!.at;
    const first = await waitFor(() => pivotal.requests[0], { what: 'the first Pivotal request', timeoutMs: 10_000 });
    expect(first.at.getTime()).toBeGreaterThan(opened);
    await waitFor(async () => (await readModelSize(h)) > 0, { what: 'the read model', timeoutMs: 10_000 });
  });
});

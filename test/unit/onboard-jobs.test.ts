import { expect, it } from 'vitest';
import {
  abandonedJobs,
  claimJob,
  createJob,
  getJob,
  recordStep,
  stopJob,
  type JobKey,
  type NewJob,
} from '../../src/features/onboard/jobs.js';
import type { OnboardInput } from '../../src/features/onboard/validation.js';
import { pruneEndedOnboardJobs } from '../../src/store/onboard-jobs.js';
import { describeEachDialect } from '../helpers/databases.js';

const t0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms).toISOString();
const key: JobKey = { workspaceId: 'T1', viewId: 'V1' };
const input: OnboardInput = {
  customer: { kind: 'existing', id: 'c1', label: 'Acme' },
  contact: { kind: 'later' },
  onboarding: { phase: 'review', state: 'active', targetLaunchDate: null, csmUserId: 'U1' },
};
const job: NewJob = { key, workspace: { teamId: 'T1' }, userId: 'U1', mode: 'live', input };
const lease = (token: string, until: number) => ({ token, until: at(until) });

describeEachDialect('onboard jobs', (suite) => {
  const db = () => suite.store().db;

  it('exists once per view: a second submission of the same view creates nothing', async () => {
    expect(await createJob(db(), job, lease('a', 60_000), at(0))).toBe(true);
    expect(await createJob(db(), job, lease('b', 60_000), at(1))).toBe(false);
    expect((await getJob(db(), key))?.leaseToken).toBe('a');
  });

  it('is taken over only once its lease ran out, and by one claimant', async () => {
    await createJob(db(), job, lease('a', 60_000), at(0));
    expect(await claimJob(db(), key, ['running'], lease('b', 120_000), at(30_000))).toBe(false);
    const claims = await Promise.all(
      ['b', 'c'].map((token) => claimJob(db(), key, ['running'], lease(token, 180_000), at(60_000))),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('records steps only for the runner holding the lease, and ends it when done', async () => {
    await createJob(db(), job, lease('a', 60_000), at(0));
    const records = { customer: { id: 'c1', display_id: 1, name: 'Acme', slug: 'acme', created: false } };
    expect(await recordStep(db(), key, lease('stale', 90_000), { customer_id: 'c1' }, records, at(10))).toBe(false);
    expect(await recordStep(db(), key, lease('a', 90_000), { customer_id: 'c1' }, records, at(10))).toBe(true);
    expect(await recordStep(db(), key, lease('a', 90_000), { onboarding_id: 'o1' }, records, at(20), true)).toBe(true);
    const done = await getJob(db(), key);
    expect(done).toMatchObject({ status: 'done', records, leaseToken: null, leaseUntil: at(90_000) });
  });

  it('waits when queued, then is found by the resumer; a job waiting for input is not', async () => {
    await createJob(db(), job, lease('a', 60_000), at(0));
    expect(await stopJob(db(), key, 'a', 'queued', { kind: 'queued', step: 'customer' }, at(5), at(12_000))).toBe(true);
    expect(await abandonedJobs(db(), at(11_999), 10)).toEqual([]);
    expect(await abandonedJobs(db(), at(12_000), 10)).toEqual([key]);
    expect(await claimJob(db(), key, ['running', 'queued'], lease('b', 200_000), at(12_000))).toBe(true);
    expect(
      await stopJob(
        db(),
        key,
        'b',
        'needs_input',
        { kind: 'fields', step: 'customer', fields: { customer_slug: 'taken' } },
        at(13_000),
      ),
    ).toBe(true);
    expect(await abandonedJobs(db(), at(500_000), 10)).toEqual([]);
    // The resubmitted form takes it up again, with the corrected input.
    expect(
      await claimJob(db(), key, ['needs_input'], lease('c', 300_000), at(14_000), {
        ...input,
        contact: { kind: 'later' },
      }),
    ).toBe(true);
    expect(await getJob(db(), key)).toMatchObject({ status: 'running', problem: null, leaseToken: 'c' });
  });

  it('forgets finished jobs after a while, never running ones', async () => {
    await createJob(db(), job, lease('a', 60_000), at(0));
    await createJob(db(), { ...job, key: { workspaceId: 'T1', viewId: 'V2' } }, lease('x', 60_000), at(0));
    await stopJob(
      db(),
      { workspaceId: 'T1', viewId: 'V2' },
      'x',
      'failed',
      { kind: 'failed', step: 'contact', message: 'boom' },
      at(1),
    );
    await pruneEndedOnboardJobs(db(), new Date(at(10)), 100);
    expect(await getJob(db(), key)).toBeDefined();
    expect(await getJob(db(), { workspaceId: 'T1', viewId: 'V2' })).toBeUndefined();
  });
});

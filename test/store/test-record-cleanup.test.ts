import { expect, it } from 'vitest';
import {
  activeCleanupJobs,
  addCleanupTargets,
  cleanupCounts,
  createCleanupJob,
  nextCleanupItem,
  setCleanupItemStatus,
  setCleanupStatus,
  unfinishedCleanupJob,
} from '../../src/store/test-record-cleanup.js';
import { describeEachDialect } from '../helpers/databases.js';

const NOW = '2026-03-01T10:00:00.000Z';

describeEachDialect('test record cleanup jobs', (suite) => {
  const db = () => suite.store().db;
  const newJob = () =>
    createCleanupJob(db(), { workspaceId: 'T1', requestedBy: 'U1', keyPrefix: 'pivotal_test_ab12' }, NOW);

  it('keeps one row per record, however often the count lists it', async () => {
    const job = await newJob();
    const targets = Array.from({ length: 250 }, (_, i) => ({
      kind: 'contact' as const,
      recordId: `c${i}`,
      displayId: i + 1,
    }));
    await addCleanupTargets(db(), job.id, targets);
    await addCleanupTargets(db(), job.id, targets.slice(0, 120));
    expect((await cleanupCounts(db(), job.id)).contact).toEqual({ total: 250, finished: 0 });
  });

  it('hands out onboardings, then contacts, then customers, and each once', async () => {
    const job = await newJob();
    await addCleanupTargets(db(), job.id, [
      { kind: 'customer', recordId: 'cu1', displayId: 1 },
      { kind: 'contact', recordId: 'co1', displayId: 9 },
      { kind: 'onboarding', recordId: 'on2', displayId: 2 },
      { kind: 'onboarding', recordId: 'on1', displayId: 1 },
    ]);
    const order: string[] = [];
    for (let item = await nextCleanupItem(db(), job.id); item; item = await nextCleanupItem(db(), job.id)) {
      order.push(item.record_id);
      await setCleanupItemStatus(db(), item, 'sent', NOW);
      // A `sent` item is handed out again (its DELETE may not have reached Pivotal) until it is finished.
      expect((await nextCleanupItem(db(), job.id))?.record_id).toBe(item.record_id);
      await setCleanupItemStatus(db(), item, item.kind === 'contact' ? 'gone' : 'done', NOW);
    }
    expect(order).toEqual(['on1', 'on2', 'co1', 'cu1']);
    expect(await cleanupCounts(db(), job.id)).toEqual({
      onboarding: { total: 2, finished: 2 },
      contact: { total: 1, finished: 1 },
      customer: { total: 1, finished: 1 },
    });
  });

  it('moves a job on once, and only from the states given', async () => {
    const job = await newJob();
    expect(await activeCleanupJobs(db())).toHaveLength(1);
    expect(await setCleanupStatus(db(), job.id, ['counting'], 'ready', NOW)).toBe(true);
    expect(await activeCleanupJobs(db())).toHaveLength(0);
    expect((await unfinishedCleanupJob(db(), 'T1'))?.status).toBe('ready');
    expect(await setCleanupStatus(db(), job.id, ['ready'], 'deleting', NOW)).toBe(true);
    expect(await setCleanupStatus(db(), job.id, ['ready'], 'deleting', NOW)).toBe(false);
    expect(await setCleanupStatus(db(), job.id, ['deleting'], 'done', NOW)).toBe(true);
    expect(await unfinishedCleanupJob(db(), 'T1')).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type {
  CleanupItemStatus,
  CleanupKind,
  CleanupStatus,
  TestCleanupItemRow,
  TestCleanupJobRow,
} from './schema-test-records.js';

/** Jobs and items of "Remove test records"; the runner's lease (leases.ts) decides who may change them. */

export const CLEANUP_STEPS: Record<CleanupKind, number> = { onboarding: 0, contact: 1, customer: 2 };

export interface CleanupTarget {
  kind: CleanupKind;
  recordId: string;
  displayId: number;
}

export type CleanupCounts = Record<CleanupKind, { total: number; finished: number }>;

const UNFINISHED: CleanupStatus[] = ['counting', 'ready', 'deleting'];

export async function createCleanupJob(
  db: Db,
  job: { workspaceId: string; requestedBy: string; keyPrefix: string },
  now: string,
): Promise<TestCleanupJobRow> {
  const row: TestCleanupJobRow = {
    id: randomUUID(),
    workspace_id: job.workspaceId,
    status: 'counting',
    requested_by: job.requestedBy,
    key_prefix: job.keyPrefix,
    view_id: null,
    problem: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('test_cleanup_jobs').values(row).execute();
  return row;
}

export async function getCleanupJob(db: Db, id: string): Promise<TestCleanupJobRow | undefined> {
  return db.selectFrom('test_cleanup_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The workspace's job still counting, waiting for confirmation or deleting, if any. */
export async function unfinishedCleanupJob(db: Db, workspaceId: string): Promise<TestCleanupJobRow | undefined> {
  return db
    .selectFrom('test_cleanup_jobs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', UNFINISHED)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** Jobs a runner has work in: counting or deleting (a job waiting for confirmation needs nobody). */
export async function activeCleanupJobs(db: Db): Promise<TestCleanupJobRow[]> {
  return db
    .selectFrom('test_cleanup_jobs')
    .selectAll()
    .where('status', 'in', ['counting', 'deleting'])
    .orderBy('created_at')
    .execute();
}

/** Moves a job on, only from one of `from`: a confirmation clicked twice, or racing a failure, changes it once. */
export async function setCleanupStatus(
  db: Db,
  id: string,
  from: readonly CleanupStatus[],
  to: CleanupStatus,
  now: string,
  problem: string | null = null,
): Promise<boolean> {
  const result = await db
    .updateTable('test_cleanup_jobs')
    .set({ status: to, problem, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Notes an error the runner is retrying after, without changing the status. */
export async function setCleanupProblem(db: Db, id: string, problem: string | null, now: string): Promise<void> {
  await db.updateTable('test_cleanup_jobs').set({ problem, updated_at: now }).where('id', '=', id).execute();
}

export async function setCleanupView(db: Db, id: string, viewId: string, now: string): Promise<void> {
  await db.updateTable('test_cleanup_jobs').set({ view_id: viewId, updated_at: now }).where('id', '=', id).execute();
}

/** Adds records to delete; one listed twice (a count started again after a restart) stays one row. */
export async function addCleanupTargets(db: Db, jobId: string, targets: readonly CleanupTarget[]): Promise<void> {
  for (let i = 0; i < targets.length; i += 100) {
    const rows = targets.slice(i, i + 100).map((t) => ({
      job_id: jobId,
      kind: t.kind,
      record_id: t.recordId,
      display_id: t.displayId,
      step: CLEANUP_STEPS[t.kind],
      status: 'pending' as const,
      done_at: null,
    }));
    await db
      .insertInto('test_cleanup_items')
      .values(rows)
      .onConflict((oc) => oc.columns(['job_id', 'kind', 'record_id']).doNothing())
      .execute();
  }
}

/** The next record to delete, in the documented teardown order (onboardings, contacts, customers). */
export async function nextCleanupItem(db: Db, jobId: string): Promise<TestCleanupItemRow | undefined> {
  return db
    .selectFrom('test_cleanup_items')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('status', 'in', ['pending', 'sent'])
    .orderBy('step')
    .orderBy('display_id')
    .orderBy('record_id')
    .limit(1)
    .executeTakeFirst();
}

export async function setCleanupItemStatus(
  db: Db,
  item: Pick<TestCleanupItemRow, 'job_id' | 'kind' | 'record_id'>,
  status: CleanupItemStatus,
  now: string,
): Promise<void> {
  await db
    .updateTable('test_cleanup_items')
    .set({ status, done_at: status === 'done' || status === 'gone' ? now : null })
    .where('job_id', '=', item.job_id)
    .where('kind', '=', item.kind)
    .where('record_id', '=', item.record_id)
    .execute();
}

export async function cleanupCounts(db: Db, jobId: string): Promise<CleanupCounts> {
  const rows = await db
    .selectFrom('test_cleanup_items')
    .select(['kind', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('job_id', '=', jobId)
    .groupBy(['kind', 'status'])
    .execute();
  const counts: CleanupCounts = {
    onboarding: { total: 0, finished: 0 },
    contact: { total: 0, finished: 0 },
    customer: { total: 0, finished: 0 },
  };
  for (const row of rows) {
    const n = Number(row.n);
    counts[row.kind].total += n;
    if (row.status === 'done' || row.status === 'gone') counts[row.kind].finished += n;
  }
  return counts;
}

/** Removes at most `limit` jobs that finished before `olderThan`, with their items; returns how many. */
export async function pruneFinishedCleanupJobs(db: Db, olderThan: Date, limit: number): Promise<number> {
  const finished = db
    .selectFrom('test_cleanup_jobs')
    .select('id')
    .where('status', 'in', ['done', 'cancelled', 'failed'])
    .where('updated_at', '<', olderThan.toISOString())
    .limit(limit);
  const result = await db.deleteFrom('test_cleanup_jobs').where('id', 'in', finished).executeTakeFirst();
  return Number(result.numDeletedRows);
}

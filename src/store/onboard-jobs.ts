import type { Db } from './database.js';
import type { OnboardJobRow, OnboardJobStatus } from './schema-onboard.js';

/** An onboard job is keyed by the modal (view) it was submitted from. */
export interface OnboardJobKey {
  workspaceId: string;
  viewId: string;
}

/** Who holds a running job, and until when. */
export interface OnboardJobLease {
  token: string;
  until: string;
}

/** A new job's own columns; `input` is the submitted form, already serialised by the feature. */
export type NewOnboardJobRow = Pick<
  OnboardJobRow,
  'workspace_id' | 'view_id' | 'team_id' | 'enterprise_id' | 'user_id' | 'mode' | 'input'
>;

export async function getOnboardJobRow(
  db: Db,
  workspaceId: string,
  viewId: string,
): Promise<OnboardJobRow | undefined> {
  return db
    .selectFrom('onboard_jobs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('view_id', '=', viewId)
    .executeTakeFirst();
}

/** Inserts a running job held by `lease`; false when the view already has one. */
export async function insertOnboardJob(
  db: Db,
  row: NewOnboardJobRow,
  lease: OnboardJobLease,
  now: string,
): Promise<boolean> {
  const result = await db
    .insertInto('onboard_jobs')
    .values({
      ...row,
      status: 'running',
      records: '{}',
      problem: null,
      lease_token: lease.token,
      lease_until: lease.until,
      attempts: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'view_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Takes a job in one of `from` over; running and queued jobs only once their lease has run out. */
export async function claimOnboardJob(
  db: Db,
  key: OnboardJobKey,
  from: readonly OnboardJobStatus[],
  lease: OnboardJobLease,
  now: string,
  input?: string,
): Promise<boolean> {
  const result = await db
    .updateTable('onboard_jobs')
    .set((eb) => ({
      status: 'running' as const,
      problem: null,
      lease_token: lease.token,
      lease_until: lease.until,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
      ...(input ? { input } : {}),
    }))
    .where('workspace_id', '=', key.workspaceId)
    .where('view_id', '=', key.viewId)
    .where('status', 'in', from)
    .where((eb) => eb.or([eb('status', 'not in', ['running', 'queued']), eb('lease_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A finished step's record ids and the serialised records; `done` ends the job. */
export interface OnboardJobStep {
  ids: Partial<Record<'customer_id' | 'contact_id' | 'onboarding_id', string>>;
  records: string;
  done: boolean;
}

/** Records a finished step under the holder's lease; false when another runner has taken the job over. */
export async function recordOnboardJobStep(
  db: Db,
  key: OnboardJobKey,
  lease: OnboardJobLease,
  step: OnboardJobStep,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('onboard_jobs')
    .set({
      ...step.ids,
      records: step.records,
      lease_until: lease.until,
      updated_at: now,
      ...(step.done ? { status: 'done' as const, lease_token: null } : {}),
    })
    .where('workspace_id', '=', key.workspaceId)
    .where('view_id', '=', key.viewId)
    .where('lease_token', '=', lease.token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Why a run stopped; `resumeAt` re-times a queued job. */
export interface OnboardJobStop {
  status: 'needs_input' | 'failed' | 'queued';
  problem: string;
  resumeAt?: string | undefined;
}

export async function stopOnboardJob(
  db: Db,
  key: OnboardJobKey,
  token: string,
  stop: OnboardJobStop,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('onboard_jobs')
    .set({
      status: stop.status,
      problem: stop.problem,
      lease_token: null,
      updated_at: now,
      ...(stop.resumeAt ? { lease_until: stop.resumeAt } : {}),
    })
    .where('workspace_id', '=', key.workspaceId)
    .where('view_id', '=', key.viewId)
    .where('lease_token', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Running or queued jobs whose lease ran out, oldest first. */
export async function abandonedOnboardJobs(db: Db, now: string, limit: number): Promise<OnboardJobKey[]> {
  const rows = await db
    .selectFrom('onboard_jobs')
    .select(['workspace_id', 'view_id'])
    .where('status', 'in', ['running', 'queued'])
    .where('lease_until', '<=', now)
    .orderBy('lease_until')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ workspaceId: r.workspace_id, viewId: r.view_id }));
}

/**
 * Removes at most `limit` onboard jobs that ended (or waited for input) before `olderThan`: their modal
 * is gone, so is any use for them. Running and queued jobs are never removed. Returns how many.
 */
export async function pruneEndedOnboardJobs(db: Db, olderThan: Date, limit: number): Promise<number> {
  const ended = db
    .selectFrom('onboard_jobs')
    .select(['workspace_id', 'view_id'])
    .where('status', 'not in', ['running', 'queued'])
    .where('updated_at', '<', olderThan.toISOString())
    .limit(limit)
    .$asTuple('workspace_id', 'view_id');
  const result = await db
    .deleteFrom('onboard_jobs')
    .where(({ eb, refTuple }) => eb(refTuple('workspace_id', 'view_id'), 'in', ended))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

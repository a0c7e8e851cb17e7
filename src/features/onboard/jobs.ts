import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import {
  claimOnboardJob,
  getOnboardJobRow,
  insertOnboardJob,
  recordOnboardJobStep,
  stopOnboardJob,
} from '../../store/onboard-jobs.js';
import type { OnboardJobRow, OnboardJobStatus } from '../../store/schema-onboard.js';
import type { WorkspaceRef } from '../../domain/workspace-ref.js';
import type { FieldErrors } from '../../views/form-values.js';
import type { OnboardInput, Step } from './validation.js';

/** What the result view shows of each record, kept with the job so it never depends on a later sync. */
export interface CustomerSummary {
  id: string;
  display_id: number;
  name: string;
  slug: string | null;
  created: boolean;
}

export interface ContactSummary {
  id: string;
  name: string | null;
  email: string | null;
  title: string | null;
  /** The primary contact this one replaced on an existing customer. */
  replaced: string | null;
}

export interface OnboardingSummary {
  id: string;
  display_id: number;
  phase: string;
  state: string;
  target_launch_date: string | null;
  csm_id: string | null;
}

export interface JobRecords {
  customer?: CustomerSummary;
  contact?: ContactSummary;
  onboarding?: OnboardingSummary;
}

export type JobProblem =
  | { kind: 'fields'; step: Step; fields: FieldErrors; message?: string; slugSuggestion?: string }
  | { kind: 'failed'; step: Step; message: string }
  | { kind: 'queued'; step: Step };

export interface JobKey {
  workspaceId: string;
  viewId: string;
}

export interface OnboardJob {
  key: JobKey;
  workspace: WorkspaceRef;
  userId: string;
  mode: 'live' | 'test';
  input: OnboardInput;
  status: OnboardJobStatus;
  records: JobRecords;
  problem: JobProblem | null;
  leaseToken: string | null;
  leaseUntil: string;
  createdAt: string;
}

function toJob(row: OnboardJobRow): OnboardJob {
  return {
    key: { workspaceId: row.workspace_id, viewId: row.view_id },
    workspace: { teamId: row.team_id, enterpriseId: row.enterprise_id ?? undefined },
    userId: row.user_id,
    mode: row.mode,
    input: JSON.parse(row.input) as OnboardInput,
    status: row.status,
    records: JSON.parse(row.records) as JobRecords,
    problem: row.problem ? (JSON.parse(row.problem) as JobProblem) : null,
    leaseToken: row.lease_token,
    leaseUntil: row.lease_until,
    createdAt: row.created_at,
  };
}

export async function getJob(db: Db, key: JobKey): Promise<OnboardJob | undefined> {
  const row = await getOnboardJobRow(db, key.workspaceId, key.viewId);
  return row && toJob(row);
}

export interface NewJob {
  key: JobKey;
  workspace: WorkspaceRef;
  userId: string;
  mode: 'live' | 'test';
  input: OnboardInput;
}

export interface Lease {
  token: string;
  until: string;
}

/** How long a runner owns a job before another may take it over (a step takes well under a minute). */
export const LEASE_MS = 2 * 60_000;

export function newLease(now: Date): Lease {
  return { token: randomUUID(), until: new Date(now.getTime() + LEASE_MS).toISOString() };
}

/** Inserts a running job held by `lease`; false when the view already has one (a double submission). */
export function createJob(db: Db, job: NewJob, lease: Lease, now: string): Promise<boolean> {
  return insertOnboardJob(
    db,
    {
      workspace_id: job.key.workspaceId,
      view_id: job.key.viewId,
      team_id: job.workspace.teamId,
      enterprise_id: job.workspace.enterpriseId ?? null,
      user_id: job.userId,
      mode: job.mode,
      input: JSON.stringify(job.input),
    },
    lease,
    now,
  );
}

/**
 * Takes a job over, atomically: from one of `from`, and for running/queued jobs only once the
 * previous lease has run out, so two replicas (or a Retry clicked twice) never run it together.
 */
export function claimJob(
  db: Db,
  key: JobKey,
  from: readonly OnboardJobStatus[],
  lease: Lease,
  now: string,
  input?: OnboardInput,
): Promise<boolean> {
  return claimOnboardJob(db, key, from, lease, now, input && JSON.stringify(input));
}

export type StepIds = Partial<Record<'customer_id' | 'contact_id' | 'onboarding_id', string>>;

/** Records a finished step (and extends the lease); false when another runner has taken the job over. */
export function recordStep(
  db: Db,
  key: JobKey,
  lease: Lease,
  ids: StepIds,
  records: JobRecords,
  now: string,
  done = false,
): Promise<boolean> {
  return recordOnboardJobStep(db, key, lease, { ids, records: JSON.stringify(records), done }, now);
}

/** Stops a run: waiting for input, failed, or queued until `resumeAt`. */
export function stopJob(
  db: Db,
  key: JobKey,
  token: string,
  status: 'needs_input' | 'failed' | 'queued',
  problem: JobProblem,
  now: string,
  resumeAt?: string,
): Promise<boolean> {
  return stopOnboardJob(db, key, token, { status, problem: JSON.stringify(problem), resumeAt }, now);
}

/** Running or queued jobs nobody holds any more: the process that ran them stopped, or their wait is over. */
export { abandonedOnboardJobs as abandonedJobs } from '../../store/onboard-jobs.js';

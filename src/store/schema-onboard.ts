import type { Selectable } from 'kysely';
import type { IsoTimestamp, PivotalMode } from './column-types.js';

/** Tables of migration 0004_onboard (see column-types.ts for the portable column conventions). */
export interface OnboardTables {
  onboard_jobs: OnboardJobsTable;
}

/**
 * - running: a runner holds the lease and works through the steps;
 * - queued: Pivotal rate-limited us; `lease_until` is when to go on;
 * - needs_input: Pivotal refused a field (slug taken, …); the form is back in the person's modal;
 * - failed: a step failed for another reason; the modal offers Retry;
 * - done: every step finished.
 */
export type OnboardJobStatus = 'running' | 'queued' | 'needs_input' | 'failed' | 'done';

/**
 * One `/pivotal onboard` submission, keyed by the Slack view it came from. It records what each step
 * created, so a repeated submission, a Retry or a restarted process carries on from there instead of
 * creating anything a second time.
 */
export interface OnboardJobsTable {
  workspace_id: string;
  /** The modal's view id: it stays the same through views.update, so every resubmission finds this row. */
  view_id: string;
  team_id: string;
  enterprise_id: string | null;
  /** Slack user who submitted; gets the confirmation DM. */
  user_id: string;
  mode: PivotalMode;
  /** JSON of the validated form (OnboardInput). */
  input: string;
  status: OnboardJobStatus;
  customer_id: string | null;
  contact_id: string | null;
  onboarding_id: string | null;
  /** JSON of what the steps created or reused, for the result view (JobRecords). */
  records: string;
  /** JSON of why the job stopped (JobProblem), null while running or done. */
  problem: string | null;
  /** Who runs the job now; a runner only writes while its token is the current one. */
  lease_token: string | null;
  /** Until when the current runner owns the job (running) or when to go on (queued). */
  lease_until: IsoTimestamp;
  attempts: number;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export type OnboardJobRow = Selectable<OnboardJobsTable>;

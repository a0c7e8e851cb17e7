import type { Selectable } from 'kysely';
import type { IsoTimestamp } from './column-types.js';

/** Tables of migration 0007_test_record_cleanup (see column-types.ts for the portable column conventions). */
export interface TestRecordTables {
  test_cleanup_jobs: TestCleanupJobsTable;
  test_cleanup_items: TestCleanupItemsTable;
}

/**
 * - counting: the records to remove are being listed from Pivotal;
 * - ready: counted, waiting for the admin to confirm;
 * - deleting: confirmed; the runner works through the items;
 * - done, cancelled (a newer count replaced it), failed (the key changed or was refused).
 */
export type CleanupStatus = 'counting' | 'ready' | 'deleting' | 'done' | 'cancelled' | 'failed';

/** One "Remove test records" request of a workspace admin. */
export interface TestCleanupJobsTable {
  id: string;
  workspace_id: string;
  status: CleanupStatus;
  requested_by: string;
  /** The test key the records were counted with: another key connected since stops the job. */
  key_prefix: string;
  /** The modal that shows the job, kept current with views.update. */
  view_id: string | null;
  /** Why the job failed, or the last error it is retrying after. */
  problem: string | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export type CleanupKind = 'onboarding' | 'contact' | 'customer';

/**
 * - pending: not asked of Pivotal yet;
 * - sent: a DELETE may have gone out (a runner that died here leaves it so, and the next one asks
 *   Pivotal whether the record still exists before sending another);
 * - done: Pivotal soft-deleted it for this job; gone: it no longer existed when its turn came.
 */
export type CleanupItemStatus = 'pending' | 'sent' | 'done' | 'gone';

/** One record a job deletes. */
export interface TestCleanupItemsTable {
  job_id: string;
  kind: CleanupKind;
  record_id: string;
  display_id: number;
  /** Order of deletion: onboardings, then contacts, then the customers they belong to. */
  step: number;
  status: CleanupItemStatus;
  done_at: IsoTimestamp | null;
}

export type TestCleanupJobRow = Selectable<TestCleanupJobsTable>;
export type TestCleanupItemRow = Selectable<TestCleanupItemsTable>;

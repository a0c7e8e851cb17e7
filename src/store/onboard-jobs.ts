import type { Db } from './database.js';

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

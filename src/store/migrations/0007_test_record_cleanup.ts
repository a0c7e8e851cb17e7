import { sql, type Kysely } from 'kysely';

/** "Remove test records": one job per request and one row per record it deletes, see schema-test-records.ts. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('test_cleanup_jobs')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('counting', 'ready', 'deleting', 'done', 'cancelled', 'failed')`),
    )
    .addColumn('requested_by', 'text', (col) => col.notNull())
    .addColumn('key_prefix', 'text', (col) => col.notNull())
    .addColumn('view_id', 'text')
    .addColumn('problem', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  // The runner looks for unfinished jobs; a click looks for the workspace's current one.
  await db.schema
    .createIndex('test_cleanup_jobs_status')
    .on('test_cleanup_jobs')
    .columns(['status', 'workspace_id'])
    .execute();

  await db.schema
    .createTable('test_cleanup_items')
    .addColumn('job_id', 'text', (col) => col.notNull().references('test_cleanup_jobs.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('onboarding', 'contact', 'customer')`))
    .addColumn('record_id', 'text', (col) => col.notNull())
    .addColumn('display_id', 'integer', (col) => col.notNull())
    .addColumn('step', 'integer', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'sent', 'done', 'gone')`))
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('test_cleanup_items_pk', ['job_id', 'kind', 'record_id'])
    .execute();
  await db.schema
    .createIndex('test_cleanup_items_next')
    .on('test_cleanup_items')
    .columns(['job_id', 'status', 'step'])
    .execute();
}

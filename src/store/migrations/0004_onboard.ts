import { sql, type Kysely } from 'kysely';

/** The steps of each `/pivotal onboard` submission, see schema-onboard.ts. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('onboard_jobs')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('view_id', 'text', (col) => col.notNull())
    .addColumn('team_id', 'text', (col) => col.notNull())
    .addColumn('enterprise_id', 'text')
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('mode', 'text', (col) => col.notNull().check(sql`mode in ('live', 'test')`))
    .addColumn('input', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('running', 'queued', 'needs_input', 'failed', 'done')`),
    )
    .addColumn('customer_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('onboarding_id', 'text')
    .addColumn('records', 'text', (col) => col.notNull())
    .addColumn('problem', 'text')
    .addColumn('lease_token', 'text')
    .addColumn('lease_until', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('onboard_jobs_pk', ['workspace_id', 'view_id'])
    .execute();
  // The resumer looks for running or queued jobs whose lease has run out.
  await db.schema.createIndex('onboard_jobs_lease').on('onboard_jobs').columns(['status', 'lease_until']).execute();
}

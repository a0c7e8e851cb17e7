import type { Kysely } from 'kysely';

/**
 * Digests: one schedule per channel (daily or weekly, at a time in a time zone). `last_period` is the
 * scheduled instant last claimed for posting, so each period is posted once across restarts and
 * replicas; `last_counts` are the phase counts it showed, for the change since then.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('digest_schedules')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('cron', 'text', (col) => col.notNull())
    .addColumn('time_zone', 'text', (col) => col.notNull())
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('last_period', 'text')
    .addColumn('last_posted_at', 'text')
    .addColumn('last_counts', 'text')
    .addPrimaryKeyConstraint('digest_schedules_pk', ['workspace_id', 'channel_id'])
    .execute();
}

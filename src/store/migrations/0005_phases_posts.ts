import { sql, type Kysely } from 'kysely';

/** Channel posts (one parent message per onboarding and channel), the audit of moves, per-channel threading. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('onboarding_posts')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('onboarding_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('parent_ts', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('onboarding_posts_pk', ['workspace_id', 'onboarding_id', 'channel_id'])
    .execute();

  await db.schema
    .createTable('phase_transitions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('onboarding_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('advance', 'back', 'skip', 'set', 'state', 'target')`),
    )
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('reason', 'text')
    .addColumn('note', 'text')
    .addColumn('actor_slack_user_id', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('phase_transitions_onboarding')
    .on('phase_transitions')
    .columns(['workspace_id', 'onboarding_id', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('channel_settings')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('threaded', 'integer', (col) => col.notNull().defaultTo(1).check(sql`threaded in (0, 1)`))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('channel_settings_pk', ['workspace_id', 'channel_id'])
    .execute();
}

import type { Kysely } from 'kysely';

/**
 * What each person hears about their own onboardings: their notification settings and Slack time zone,
 * the onboardings they muted, the needs-attention conditions already told (once until they clear),
 * and claims of a Pivotal user id waiting for an admin.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('person_settings')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('slack_user_id', 'text', (col) => col.notNull())
    .addColumn('settings', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('person_settings_pk', ['workspace_id', 'slack_user_id'])
    .execute();
  await db.schema
    .createTable('person_time_zones')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('slack_user_id', 'text', (col) => col.notNull())
    .addColumn('tz', 'text', (col) => col.notNull())
    .addColumn('checked_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('person_time_zones_pk', ['workspace_id', 'slack_user_id'])
    .execute();
  await db.schema
    .createTable('muted_onboardings')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('slack_user_id', 'text', (col) => col.notNull())
    .addColumn('onboarding_id', 'text', (col) => col.notNull())
    .addColumn('muted_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('muted_onboardings_pk', ['workspace_id', 'slack_user_id', 'onboarding_id'])
    .execute();
  await db.schema
    .createTable('attention_flags')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('onboarding_id', 'text', (col) => col.notNull())
    .addColumn('condition', 'text', (col) => col.notNull())
    .addColumn('raised_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('attention_flags_pk', ['workspace_id', 'onboarding_id', 'condition'])
    .execute();
  await db.schema
    .createTable('mapping_claims')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('slack_user_id', 'text', (col) => col.notNull())
    .addColumn('pivotal_user_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('decided_at', 'text')
    .execute();
}

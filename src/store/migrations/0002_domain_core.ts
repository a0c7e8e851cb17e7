import { sql, type Kysely } from 'kysely';

/**
 * The shared core the features stand on: the per-workspace phase sequence, the read model of what
 * Pivotal holds (customers with their primary contact, onboardings), the outbox of channel posts,
 * and the Slack user ↔ Pivotal user mapping.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('phases')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('archived', 'integer', (col) => col.notNull().defaultTo(0).check(sql`archived in (0, 1)`))
    .addPrimaryKeyConstraint('phases_pk', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('rm_customers')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('display_id', 'integer', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('name_lower', 'text', (col) => col.notNull())
    .addColumn('slug', 'text')
    .addColumn('domain', 'text')
    .addColumn('status', 'text')
    .addColumn('slack_channel_id', 'text')
    .addColumn('primary_contact_id', 'text')
    .addColumn('primary_contact_name', 'text')
    .addColumn('primary_contact_email', 'text')
    .addColumn('primary_contact_title', 'text')
    .addColumn('pivotal_created_at', 'text')
    .addColumn('pivotal_updated_at', 'text')
    .addColumn('deleted', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('synced_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('rm_customers_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('rm_customers_name').on('rm_customers').columns(['workspace_id', 'name_lower']).execute();
  await db.schema
    .createIndex('rm_customers_display')
    .on('rm_customers')
    .columns(['workspace_id', 'display_id'])
    .execute();
  await db.schema.createIndex('rm_customers_slug').on('rm_customers').columns(['workspace_id', 'slug']).execute();

  await db.schema
    .createTable('rm_onboardings')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('display_id', 'integer', (col) => col.notNull())
    .addColumn('customer_id', 'text', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('phase', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('waiting_on_customer', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('target_launch_date', 'text')
    .addColumn('csm_id', 'text')
    .addColumn('started_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('phase_entered_at', 'text', (col) => col.notNull())
    .addColumn('metadata', 'text')
    .addColumn('pivotal_created_at', 'text')
    .addColumn('pivotal_updated_at', 'text')
    .addColumn('deleted', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('synced_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('rm_onboardings_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('rm_onboardings_phase')
    .on('rm_onboardings')
    .columns(['workspace_id', 'deleted', 'phase'])
    .execute();
  await db.schema
    .createIndex('rm_onboardings_customer')
    .on('rm_onboardings')
    .columns(['workspace_id', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('rm_onboardings_display')
    .on('rm_onboardings')
    .columns(['workspace_id', 'display_id'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('dedupe_key', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('onboarding_id', 'text')
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'done', 'held')`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (col) => col.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('done_at', 'text')
    .addUniqueConstraint('outbox_dedupe', ['workspace_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('user_mappings')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('slack_user_id', 'text', (col) => col.notNull())
    .addColumn('pivotal_user_id', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('user_mappings_pk', ['workspace_id', 'slack_user_id'])
    .execute();
  await db.schema
    .createIndex('user_mappings_pivotal')
    .on('user_mappings')
    .columns(['workspace_id', 'pivotal_user_id'])
    .execute();
}

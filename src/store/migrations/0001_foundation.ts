import { sql, type Kysely } from 'kysely';

// Migrations are frozen history: they take Kysely<any> rather than today's Database interface, which
// later migrations will change. Column types are limited to text and integer (see schema.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_installations')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('team_id', 'text')
    .addColumn('enterprise_id', 'text')
    .addColumn('is_enterprise_install', 'integer', (col) => col.notNull().check(sql`is_enterprise_install in (0, 1)`))
    .addColumn('bot_user_id', 'text')
    .addColumn('bot_id', 'text')
    .addColumn('installation_ciphertext', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('team_id', 'text', (col) => col.notNull())
    .addColumn('enterprise_id', 'text')
    .addColumn('team_name', 'text')
    .addColumn('pivotal_key_ciphertext', 'text')
    .addColumn('pivotal_key_prefix', 'text')
    .addColumn('pivotal_key_name', 'text')
    .addColumn('pivotal_mode', 'text', (col) => col.check(sql`pivotal_mode in ('live', 'test')`))
    .addColumn('pivotal_org_id', 'text')
    .addColumn('pivotal_org_slug', 'text')
    .addColumn('pivotal_org_name', 'text')
    .addColumn('connected_by', 'text')
    .addColumn('connected_at', 'text')
    .addColumn('needs_attention', 'text')
    .addColumn('attention_since', 'text')
    .addColumn('notify_channel', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('processed_events')
    .addColumn('event_id', 'text', (col) => col.primaryKey())
    .addColumn('received_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('processed_events_received_at').on('processed_events').column('received_at').execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('holder', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();
}

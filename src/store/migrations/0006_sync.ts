import { sql, type Kysely } from 'kysely';

/** The sync worker's progress per workspace, webhook dedupe, and who looked at Home. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sync_state')
    .addColumn('workspace_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text')
    .addColumn('org_name', 'text')
    .addColumn('customers_cursor', 'text')
    .addColumn('onboardings_cursor', 'text')
    .addColumn('walk_kind', 'text', (col) => col.check(sql`walk_kind in ('customers', 'onboardings')`))
    .addColumn('walk_cursor', 'text')
    .addColumn('walk_started_at', 'text')
    .addColumn('last_full_walk_at', 'text')
    .addColumn('lag_ms', 'integer')
    .addColumn('last_sync_at', 'text')
    .addColumn('next_sync_at', 'text', (col) => col.notNull())
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('webhook_secret_ciphertext', 'text')
    .addColumn('webhook_last_seen_at', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('sync_contact_reads')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('customer_id', 'text', (col) => col.notNull())
    .addColumn('read_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('sync_contact_reads_pk', ['workspace_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('webhook_events')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('event_id', 'text', (col) => col.notNull())
    .addColumn('received_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('webhook_events_pk', ['workspace_id', 'event_id'])
    .execute();
  await db.schema.createIndex('webhook_events_received_at').on('webhook_events').column('received_at').execute();

  await db.schema
    .createTable('home_views')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('filters', 'text', (col) => col.notNull())
    .addColumn('opened_at', 'text', (col) => col.notNull())
    .addColumn('published_at', 'text')
    .addColumn('view_hash', 'text')
    .addPrimaryKeyConstraint('home_views_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema.createIndex('home_views_opened').on('home_views').columns(['workspace_id', 'opened_at']).execute();
}

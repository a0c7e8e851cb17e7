import { sql, type Kysely } from 'kysely';

/** Keys waiting for an admin to confirm a switch to another Pivotal organization. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pending_key_switches')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('requested_by', 'text', (col) => col.notNull())
    .addColumn('key_ciphertext', 'text', (col) => col.notNull())
    .addColumn('key_prefix', 'text', (col) => col.notNull())
    .addColumn('key_name', 'text')
    .addColumn('mode', 'text', (col) => col.notNull().check(sql`mode in ('live', 'test')`))
    .addColumn('reported_mode', 'text', (col) => col.check(sql`reported_mode in ('live', 'test')`))
    .addColumn('org_id', 'text')
    .addColumn('org_slug', 'text')
    .addColumn('org_name', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('pending_key_switches_expires_at')
    .on('pending_key_switches')
    .column('expires_at')
    .execute();
}

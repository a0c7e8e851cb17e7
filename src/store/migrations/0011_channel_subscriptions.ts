import type { Kysely } from 'kysely';

/**
 * Channels choose what they hear: each subscription is one channel's events and filters. An outbox
 * row gets the channel it is addressed to (and how to post there) when the dispatcher routes it, so
 * each channel's post is delivered (and retried) on its own and exactly once. Filters match the
 * onboarding as the change left it, kept with the row (`facts`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('channel_subscriptions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('filter_key', 'text', (col) => col.notNull())
    .addColumn('spec', 'text', (col) => col.notNull())
    .addColumn('names', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('channel_subscriptions_filter', ['workspace_id', 'channel_id', 'filter_key'])
    .execute();
  await db.schema.alterTable('outbox').addColumn('channel_id', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('route', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('facts', 'text').execute();
}

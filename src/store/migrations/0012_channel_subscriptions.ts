import { sql, type Kysely } from 'kysely';

/**
 * Channels choose what they hear: each subscription is one channel's events and filters. An outbox
 * row gets the channel it is addressed to (and how to post there) when the dispatcher routes it, so
 * each channel's post is delivered (and retried) on its own and exactly once. Filters match the
 * onboarding as the change left it, kept with the row (`facts`). Whether a channel is shared with
 * another organisation is remembered per channel, with an admin's explicit choice of full posts there.
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
  await db.schema
    .createTable('channel_sharing')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('shared', 'integer', (col) => col.check(sql`shared in (0, 1)`))
    .addColumn('checked_at', 'text')
    .addColumn('full_posts_by', 'text')
    .addColumn('full_posts_at', 'text')
    .addPrimaryKeyConstraint('channel_sharing_pk', ['workspace_id', 'channel_id'])
    .execute();
  await db.schema.alterTable('outbox').addColumn('channel_id', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('route', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('facts', 'text').execute();
}

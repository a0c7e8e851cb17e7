import type { Kysely } from 'kysely';

/**
 * One row per submitted version of a move modal: the primary key lets exactly one copy of a
 * submission (Slack's duplicates, a double click, a replica racing another) reach Pivotal, and the
 * answer it got is kept for the copies that arrive later.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('move_claims')
    .addColumn('workspace_id', 'text', (col) => col.notNull())
    .addColumn('submission', 'text', (col) => col.notNull())
    .addColumn('onboarding_id', 'text', (col) => col.notNull())
    .addColumn('actor_slack_user_id', 'text', (col) => col.notNull())
    .addColumn('answer', 'text')
    .addColumn('claimed_at', 'text', (col) => col.notNull())
    .addColumn('answered_at', 'text')
    .addPrimaryKeyConstraint('move_claims_pk', ['workspace_id', 'submission'])
    .execute();
  await db.schema.createIndex('move_claims_claimed_at').on('move_claims').column('claimed_at').execute();
}

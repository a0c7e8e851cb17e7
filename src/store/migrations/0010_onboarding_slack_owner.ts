import type { Kysely } from 'kysely';

/**
 * The Slack user an onboarding was opened for, kept by the app itself: Pivotal has no users API, and
 * nothing in its documents promises that `metadata` (where the app also writes it) is echoed back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rm_onboardings').addColumn('slack_owner_id', 'text').execute();
}

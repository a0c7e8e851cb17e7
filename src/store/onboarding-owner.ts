import type { Db } from './database.js';

/**
 * Written with the onboarding the app just created, in the same transaction; the rule for reading the
 * owner back is in domain/slack-owner.ts.
 */
export async function setSlackOwner(
  db: Db,
  workspaceId: string,
  onboardingId: string,
  slackUserId: string,
): Promise<void> {
  await db
    .updateTable('rm_onboardings')
    .set({ slack_owner_id: slackUserId })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', onboardingId)
    .execute();
}

import type { ChangeFacts } from '../domain/subscription-filter.js';
import type { Db } from '../store/database.js';
import { getOnboardingRow } from '../store/read-model.js';
import { slackOwnerOf } from '../domain/slack-owner.js';
import type { RmOnboardingRow } from '../store/schema-domain.js';
import { slackUsersFor } from '../store/user-mappings.js';
import type { Owner } from './describe.js';

/** The owner as Slack should show them: a mention when the CSM maps to a Slack user, else Pivotal's id. */
export async function ownerOf(
  db: Db,
  workspaceId: string,
  o: Pick<RmOnboardingRow, 'csm_id' | 'metadata' | 'slack_owner_id'>,
): Promise<Owner> {
  if (o.csm_id) {
    const [slackUser] = await slackUsersFor(db, workspaceId, o.csm_id);
    if (slackUser) return { kind: 'slack', userId: slackUser };
  }
  const slackOwner = slackOwnerOf(o);
  if (slackOwner) return { kind: 'slack', userId: slackOwner };
  return o.csm_id ? { kind: 'pivotal', pivotalUserId: o.csm_id } : { kind: 'none' };
}

/** What subscription filters look at: the onboarding as the change left it. */
export type OnboardingFacts = Omit<ChangeFacts, 'events'>;

/**
 * Taken when the change is recorded (the writer has just updated the read model in the same
 * transaction), so a post routed later is matched against the onboarding as it was then, not as a
 * later change left it. Null when the read model does not hold the onboarding.
 */
export async function factsNow(db: Db, workspaceId: string, onboardingId: string): Promise<OnboardingFacts | null> {
  const row = await getOnboardingRow(db, workspaceId, onboardingId);
  if (!row) return null;
  const owner = await ownerOf(db, workspaceId, row);
  return {
    phase: row.phase,
    state: row.state,
    owner: owner.kind === 'slack' ? owner.userId : null,
    customerId: row.customer_id,
  };
}

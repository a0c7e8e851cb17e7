import type { Db } from './database.js';

/** Claims older than this are only history: no copy of a submission arrives a day later. */
const KEEP_MS = 24 * 60 * 60_000;

export interface MoveClaim {
  workspaceId: string;
  /** The submitted modal version (view id and hash). */
  submission: string;
  onboardingId: string;
  actorSlackUserId: string;
}

/**
 * True only for the first copy of a submission: the primary key decides, so two replicas receiving
 * copies at once cannot both get true. Claims past their day are pruned on the way.
 */
export async function claimMoveSubmission(db: Db, claim: MoveClaim, now: Date): Promise<boolean> {
  await db
    .deleteFrom('move_claims')
    .where('claimed_at', '<', new Date(now.getTime() - KEEP_MS).toISOString())
    .execute();
  const inserted = await db
    .insertInto('move_claims')
    .values({
      workspace_id: claim.workspaceId,
      submission: claim.submission,
      onboarding_id: claim.onboardingId,
      actor_slack_user_id: claim.actorSlackUserId,
      answer: null,
      claimed_at: now.toISOString(),
      answered_at: null,
    })
    .onConflict((conflict) => conflict.columns(['workspace_id', 'submission']).doNothing())
    .returning('submission')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Keeps what the claiming copy answered, for the copies that come after it. */
export async function recordMoveAnswer(
  db: Db,
  workspaceId: string,
  submission: string,
  answer: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('move_claims')
    .set({ answer, answered_at: now.toISOString() })
    .where('workspace_id', '=', workspaceId)
    .where('submission', '=', submission)
    .execute();
}

/** The answer a claimed submission got: undefined when unclaimed, null while its save runs. */
export async function moveAnswer(db: Db, workspaceId: string, submission: string): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('move_claims')
    .select('answer')
    .where('workspace_id', '=', workspaceId)
    .where('submission', '=', submission)
    .executeTakeFirst();
  return row?.answer;
}

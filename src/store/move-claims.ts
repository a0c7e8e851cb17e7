import type { Db } from './database.js';

export interface MoveClaim {
  workspaceId: string;
  /** The submitted modal version (view id and hash). */
  submission: string;
  onboardingId: string;
  actorSlackUserId: string;
}

/**
 * True only for the first copy of a submission: the primary key decides, so two replicas receiving
 * copies at once cannot both get true. Old claims are pruned by
 * the retention job (retention.ts).
 */
export async function claimMoveSubmission(db: Db, claim: MoveClaim, now: Date): Promise<boolean> {
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

/** Removes at most `limit` claims made before `olderThan`; returns how many. */
export async function pruneMoveClaims(db: Db, olderThan: Date, limit: number): Promise<number> {
  const old = db
    .selectFrom('move_claims')
    .select(['workspace_id', 'submission'])
    .where('claimed_at', '<', olderThan.toISOString())
    .limit(limit)
    .$asTuple('workspace_id', 'submission');
  const result = await db
    .deleteFrom('move_claims')
    .where(({ eb, refTuple }) => eb(refTuple('workspace_id', 'submission'), 'in', old))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

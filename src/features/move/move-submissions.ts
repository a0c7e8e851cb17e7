import type { ModalView } from '@slack/types';
import type { AppContext } from '../../context.js';
import { claimMoveSubmission, moveAnswer, recordMoveAnswer } from '../../store/move-claims.js';

/** One submitted version of a move modal: Slack gives every update of a view a new hash. */
export interface MoveSubmission {
  workspaceId: string;
  /** `<view id>:<view hash>`: the same for every copy of one submission, new for each resubmission. */
  id: string;
  onboardingId: string;
  userId: string;
}

export type SubmissionClaim = { kind: 'first' } | { kind: 'in-flight' } | { kind: 'answered'; view: ModalView };

/** Longer than a save can take while waiting for the onboarding's lock and Pivotal's retries. */
const ANSWER_WAIT_MS = 60_000;
const ANSWER_POLL_MS = 150;

export function submissionId(view: { id: string; hash: string }): string {
  return `${view.id}:${view.hash}`;
}

/**
 * Only the first copy of a submission saves. A later copy is given the answer the first one got,
 * or, while that save still runs, told to wait for it.
 */
export async function claimSubmission(ctx: AppContext, submission: MoveSubmission): Promise<SubmissionClaim> {
  const db = ctx.store.db;
  const claimed = await claimMoveSubmission(
    db,
    {
      workspaceId: submission.workspaceId,
      submission: submission.id,
      onboardingId: submission.onboardingId,
      actorSlackUserId: submission.userId,
    },
    ctx.now(),
  );
  if (claimed) return { kind: 'first' };
  const answer = await moveAnswer(db, submission.workspaceId, submission.id);
  return answer ? { kind: 'answered', view: JSON.parse(answer) as ModalView } : { kind: 'in-flight' };
}

export async function rememberAnswer(ctx: AppContext, submission: MoveSubmission, view: ModalView): Promise<void> {
  await recordMoveAnswer(ctx.store.db, submission.workspaceId, submission.id, JSON.stringify(view), ctx.now());
}

/**
 * For a copy that arrived while the first was saving: the first copy's answer once it has one
 * (whichever replica saves), so every copy leaves the modal showing the same outcome.
 */
export async function awaitAnswer(ctx: AppContext, submission: MoveSubmission): Promise<ModalView | undefined> {
  const deadline = Date.now() + ANSWER_WAIT_MS;
  while (Date.now() < deadline) {
    const answer = await moveAnswer(ctx.store.db, submission.workspaceId, submission.id);
    if (answer) return JSON.parse(answer) as ModalView;
    await new Promise((resolve) => setTimeout(resolve, ANSWER_POLL_MS));
  }
  ctx.logger.warn({ submission: submission.id }, 'a repeated move submission never saw the first copy answered');
  return undefined;
}

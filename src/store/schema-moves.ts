import type { IsoTimestamp } from './column-types.js';

/** Tables of migration 0008_move_claims (see column-types.ts for the portable column conventions). */
export interface MoveTables {
  move_claims: MoveClaimsTable;
}

export interface MoveClaimsTable {
  workspace_id: string;
  /** The modal's view id and the hash of the version submitted: Slack changes the hash on every update. */
  submission: string;
  onboarding_id: string;
  actor_slack_user_id: string;
  /** The modal (JSON) the submission was answered with; null while its save is under way. */
  answer: string | null;
  claimed_at: IsoTimestamp;
  answered_at: IsoTimestamp | null;
}

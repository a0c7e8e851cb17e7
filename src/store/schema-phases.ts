import type { Selectable } from 'kysely';
import type { IntegerBoolean, IsoTimestamp } from './column-types.js';

/** Tables of migration 0005_phases_posts (see column-types.ts for the portable column conventions). */
export interface PhasesPostsTables {
  onboarding_posts: OnboardingPostsTable;
  phase_transitions: PhaseTransitionsTable;
  channel_settings: ChannelSettingsTable;
}

/** The living parent message of an onboarding in a channel: posted once, then kept current with chat.update. */
export interface OnboardingPostsTable {
  workspace_id: string;
  onboarding_id: string;
  channel_id: string;
  parent_ts: string;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export type TransitionKind = 'advance' | 'back' | 'skip' | 'set' | 'state' | 'target';

/**
 * The app's own audit of moves made from Slack. Pivotal documents no field for a reason or a note on a
 * PATCH, so they live here and in the channel thread.
 */
export interface PhaseTransitionsTable {
  id: string;
  workspace_id: string;
  onboarding_id: string;
  kind: TransitionKind;
  from_value: string | null;
  to_value: string | null;
  reason: string | null;
  note: string | null;
  actor_slack_user_id: string;
  occurred_at: IsoTimestamp;
}

export interface ChannelSettingsTable {
  workspace_id: string;
  channel_id: string;
  /** 1: one parent per onboarding with changes in its thread; 0: every change is a top-level post. */
  threaded: IntegerBoolean;
  updated_by: string | null;
  updated_at: IsoTimestamp;
}

export type OnboardingPostRow = Selectable<OnboardingPostsTable>;
export type PhaseTransitionRow = Selectable<PhaseTransitionsTable>;

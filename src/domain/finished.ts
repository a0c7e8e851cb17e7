/** Terminal states of Pivotal's three state vocabularies (docs/pivotal-contract.md): such an onboarding is not late. */
export const FINISHED_STATES: readonly string[] = ['done', 'completed'];
/** The last phase of Pivotal's default order: an onboarding there has launched. */
export const FINISHED_PHASE = 'completed';

export interface OnboardingProgress {
  phase: string;
  state: string;
  completed_at?: string | null;
}

/** Done or launched: a completion date, the last phase or a terminal state, whichever Pivotal set. */
export function isFinished(o: OnboardingProgress): boolean {
  return Boolean(o.completed_at) || o.phase === FINISHED_PHASE || FINISHED_STATES.includes(o.state);
}

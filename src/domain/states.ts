import { readablePhase } from './phases.js';

/**
 * The one vocabulary for an onboarding's state and a customer's status, used by every surface
 * (onboard, move, Home, channel posts) so a state reads the same wherever it is shown.
 */
const STATE_NAMES: Record<string, string> = {
  active: 'Active',
  paused: 'Paused',
  at_risk: 'At risk',
  waiting: 'Waiting on customer',
  done: 'Done',
  completed: 'Completed',
  blocked: 'Blocked',
};

/** The states a person can pick when moving an onboarding: the list in Pivotal's API guide. */
export const SETTABLE_STATES = ['active', 'paused', 'at_risk', 'waiting'] as const;

/** State is an open string (the documents give three vocabularies): unknown values show readable, never refused. */
export function stateName(state: string): string {
  return STATE_NAMES[state] ?? readablePhase(state);
}

const CUSTOMER_STATUS_NAMES: Record<string, string> = {
  onboarding: 'Onboarding',
  active: 'Active',
  at_risk: 'At risk',
  churned: 'Churned',
  archived: 'Archived',
};

/** A customer's status (an open string too), named the same way. */
export function customerStatusName(status: string): string {
  return CUSTOMER_STATUS_NAMES[status] ?? readablePhase(status);
}

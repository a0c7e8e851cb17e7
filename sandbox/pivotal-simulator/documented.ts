/**
 * The vocabulary of Pivotal's documents, written down here rather than taken from the app's client:
 * the simulator stands for an independent server, so it must not agree with the client by
 * construction.
 */

/** The API's phase enum, in order (the API guide, reference examples and list filter). */
export const DOCUMENTED_PHASES = [
  'before_getting_started',
  'program_design',
  'review',
  'program_buildout',
  'internal_qa',
  'launch',
  'completed',
] as const;

/**
 * Onboarding states. The documents give three lists (API guide: active, paused, at_risk, waiting;
 * product help: active, paused, done; webhooks: active, paused, blocked, completed); every value any
 * of them names is accepted, anything else is a 400.
 */
export const DOCUMENTED_STATES = ['active', 'paused', 'at_risk', 'waiting', 'done', 'completed', 'blocked'] as const;

/** Customer status: the API examples (active, onboarding) and the product help's list. */
export const DOCUMENTED_CUSTOMER_STATUSES = ['active', 'onboarding', 'at_risk', 'churned', 'archived'] as const;

/** Requests per key per 60 s window: live keys 60, test keys 30 (a bucket of their own). */
export const DOCUMENTED_LIMITS = { live: 60, test: 30 } as const;
export const DOCUMENTED_WINDOW_MS = 60_000;

export const LIVE_KEY_PREFIX = 'pivotal_';
export const TEST_KEY_PREFIX = 'pivotal_test_';

/** The safe-to-log key prefix as the API Keys page lists it: the mode prefix and four characters (`pivotal_K8s9`). */
export function visibleKeyPrefix(secret: string): string {
  const mode = secret.startsWith(TEST_KEY_PREFIX) ? TEST_KEY_PREFIX : LIVE_KEY_PREFIX;
  return secret.slice(0, mode.length + 4);
}

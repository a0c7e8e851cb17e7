/** Whether a workspace works on real records or on Pivotal's flagged test records. */
export type KeyMode = 'live' | 'test';

/** Pivotal's documents define the key prefixes: test keys carry the longer one. */
export const TEST_KEY_PREFIX = 'pivotal_test_';
export const LIVE_KEY_PREFIX = 'pivotal_';

/** The mode comes from the key prefix; `/me` also reports one, checked in mode-check.ts. */
export function keyMode(apiKey: string): KeyMode {
  return apiKey.startsWith(TEST_KEY_PREFIX) ? 'test' : 'live';
}

/** What can be said about a Pivotal API key without revealing it: its mode prefix and the visible prefix. */

const TEST_PREFIX = 'pivotal_test_';
const LIVE_PREFIX = 'pivotal_';
/** Characters of the secret part that are safe to show, as in the docs' `pivotal_K8s9`. */
const VISIBLE_CHARS = 4;

export type KeyMode = 'live' | 'test';

/** The mode comes from the key prefix, which the docs define; `/me` also reports one, checked in mode-check.ts. */
export function keyMode(apiKey: string): KeyMode {
  return apiKey.startsWith(TEST_PREFIX) ? 'test' : 'live';
}

/** e.g. `pivotal_test_Ab12`: safe to log and to show people. A key of unknown shape shows nothing of itself. */
export function keyDisplayPrefix(apiKey: string): string {
  const modePrefix = apiKey.startsWith(TEST_PREFIX) ? TEST_PREFIX : apiKey.startsWith(LIVE_PREFIX) ? LIVE_PREFIX : null;
  if (!modePrefix) return 'unrecognised-key';
  return modePrefix + apiKey.slice(modePrefix.length, modePrefix.length + VISIBLE_CHARS);
}

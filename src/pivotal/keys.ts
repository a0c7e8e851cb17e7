/** What can be said about a Pivotal API key without revealing it: its mode prefix and the visible prefix. */

import { LIVE_KEY_PREFIX, TEST_KEY_PREFIX } from '../domain/key-mode.js';

/** Characters of the secret part that are safe to show, as in the docs' `pivotal_K8s9`. */
const VISIBLE_CHARS = 4;

/** e.g. `pivotal_test_Ab12`: safe to log and to show people. A key of unknown shape shows nothing of itself. */
export function keyDisplayPrefix(apiKey: string): string {
  const modePrefix = apiKey.startsWith(TEST_KEY_PREFIX)
    ? TEST_KEY_PREFIX
    : apiKey.startsWith(LIVE_KEY_PREFIX)
      ? LIVE_KEY_PREFIX
      : null;
  if (!modePrefix) return 'unrecognised-key';
  return modePrefix + apiKey.slice(modePrefix.length, modePrefix.length + VISIBLE_CHARS);
}

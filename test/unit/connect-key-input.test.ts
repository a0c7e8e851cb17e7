import { describe, expect, it } from 'vitest';
import { cleanPastedKey, keyCheckProblem } from '../../src/features/connect/key-input.js';
import {
  PivotalAuthError,
  PivotalNetworkError,
  PivotalPermissionError,
  PivotalProtocolError,
  PivotalRateLimitError,
  PivotalServerError,
  PivotalUpstreamError,
} from '../../src/pivotal/index.js';

const LIVE = 'pivotal_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56';
const TEST = 'pivotal_test_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56';

describe('cleaning a pasted key', () => {
  it.each([
    ['a bare live key', LIVE, LIVE],
    ['a bare test key', TEST, TEST],
    ['surrounding whitespace and a trailing newline', `\t ${LIVE}\n`, LIVE],
    ['double quotes', `"${LIVE}"`, LIVE],
    ['single quotes and backticks', `'\`${TEST}\`'`, TEST],
    ['smart quotes', `“${LIVE}”`, LIVE],
    ['Bearer', `Bearer ${LIVE}`, LIVE],
    ['lower-case bearer', `bearer ${LIVE}`, LIVE],
    ['Bearer with a colon', `Bearer: ${LIVE}`, LIVE],
    ['the whole header', `Authorization: Bearer ${TEST}`, TEST],
    ['the whole header in quotes', `"Authorization: Bearer ${TEST}"`, TEST],
    ['a zero-width space from a rich-text copy', `${LIVE.slice(0, 10)}\u200B${LIVE.slice(10)}`, LIVE],
    // The documents fix only the prefix: length and characters are Pivotal's to judge, through /me.
    ['a key of any length (the listed prefix alone is for /me to refuse)', 'pivotal_K8s9', 'pivotal_K8s9'],
    ['a key with punctuation', `${LIVE}!~.`, `${LIVE}!~.`],
    ['a very long key', `pivotal_${'a'.repeat(300)}`, `pivotal_${'a'.repeat(300)}`],
  ])('accepts %s', (_what, pasted, key) => {
    expect(cleanPastedKey(pasted)).toEqual({ ok: true, key });
  });

  it.each([
    ['nothing', '   ', 'Paste a Pivotal API key here'],
    ['only Bearer', 'Bearer ', 'Paste a Pivotal API key here'],
    ['a key broken over two lines', `${LIVE.slice(0, 20)}\n${LIVE.slice(20)}`, 'space or a line break in the middle'],
    ['a Slack bot token', 'xoxb-1111-2222-abcdefabcdef', 'That is a Slack token'],
    ['a Slack app token', 'xapp-1-A0-123-abcdef', 'That is a Slack token'],
    ['a webhook signing secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'webhook signing secret'],
    ['a Stripe key', 'sk_live_51H8abcdefghijklmnop', 'Stripe key'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'login token (JWT)'],
    ['a link', 'https://my.pivotal.app/admin/api-keys', 'That is a link, not a key'],
    ['a capitalised prefix', 'Pivotal_Ab12Cd34Ef56Gh78Ij90', 'That is not a Pivotal API key'],
    ['the shortened listing', 'pivotal_K8s9…', "shortened key from Pivotal's key list"],
    ['a character no HTTP header carries', `${LIVE}é`, 'cannot be sent to Pivotal'],
  ])('refuses %s and says what is wrong without repeating it', (_what, pasted, message) => {
    const result = cleanPastedKey(pasted);
    expect(result.ok).toBe(false);
    const problem = (result as { problem: string }).problem;
    expect(problem).toContain(message);
    if (pasted.trim().length > 12) expect(problem).not.toContain(pasted.trim());
  });
});

describe('explaining why /me refused a pasted key', () => {
  const auth = (code: string) =>
    new PivotalAuthError({ status: 401, type: 'authentication_error', code, message: 'x' });

  it.each([
    [auth('api_key_revoked'), 'Pivotal says this key has been revoked'],
    [auth('invalid_api_key'), 'the prefix shown in the key list (such as pivotal_K8s9) is only its start'],
    [new PivotalUpstreamError(401), 'a proxy or gateway'],
    [
      new PivotalPermissionError({ status: 403, type: 'permission_error', code: 'forbidden', message: 'x' }),
      'did not allow this key to read its own identity',
    ],
    [
      new PivotalRateLimitError({
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limited',
        message: 'x',
        retryAfterMs: 1000,
      }),
      'rate-limiting this key',
    ],
    [new PivotalNetworkError({ message: 'timeout', timedOut: true }), 'did not answer in time'],
    [new PivotalNetworkError({ message: 'refused', timedOut: false }), 'could not be reached'],
    [new PivotalServerError({ status: 502, type: 'internal_error', code: 'x', message: 'x' }), 'internal error'],
    [new PivotalProtocolError(200, 'odd'), 'does not understand'],
  ])('%#: %s', (err, message) => {
    const text = keyCheckProblem(err);
    expect(text).toContain(message);
    expect(text).toMatch(/saved|Admin › API Keys/);
  });
});

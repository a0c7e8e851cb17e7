import { describe, expect, it } from 'vitest';
import { cleanPastedKey, keyCheckProblem } from '../../src/features/connect/key-input.js';
import {
  PivotalAuthError,
  PivotalNetworkError,
  PivotalProtocolError,
  PivotalRateLimitError,
  PivotalServerError,
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
    ['the listed prefix only', 'pivotal_K8s9', 'only the start of a key'],
    ['the test prefix only', 'pivotal_test_', 'only the start of a key'],
    ['the shortened listing', 'pivotal_K8s9…', "shortened key from Pivotal's key list"],
    ['three dots', 'pivotal_K8s9...', "shortened key from Pivotal's key list"],
    ['a stray character', `${LIVE}!`, 'characters a Pivotal key never has'],
    ['something far too long', `pivotal_${'a'.repeat(300)}`, 'longer than any Pivotal key'],
  ])('refuses %s and says what is wrong without repeating it', (_what, pasted, message) => {
    const result = cleanPastedKey(pasted);
    expect(result.ok).toBe(false);
    const problem = (result as { problem: string }).problem;
    expect(problem).toContain(message);
    if (pasted.trim().length > 12) expect(problem).not.toContain(pasted.trim());
  });
});

describe('explaining why /me refused a pasted key', () => {
  const auth = (code: string) => new PivotalAuthError({ status: 401, type: 'authentication_error', code, message: 'x' });

  it.each([
    [auth('api_key_revoked'), 'Pivotal says this key has been revoked'],
    [auth('invalid_api_key'), 'Pivotal does not recognise this key'],
    [new PivotalRateLimitError({ status: 429, type: 'rate_limit_error', code: 'rate_limited', message: 'x', retryAfterMs: 1000 }), 'rate-limiting this key'],
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

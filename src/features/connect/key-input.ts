import {
  PivotalAuthError,
  PivotalNetworkError,
  PivotalPermissionError,
  PivotalRateLimitError,
  PivotalServerError,
  PivotalUpstreamError,
} from '../../pivotal/index.js';

/**
 * What an admin pastes into the connect modal, turned into a key or into a sentence saying what is
 * wrong with it. The messages never repeat the pasted text: it may be a secret of another system. They
 * are field errors, which Slack shows as plain text: no mrkdwn in them.
 */

export type PastedKey = { ok: true; key: string } | { ok: false; problem: string };

const CREATE_A_KEY = 'Create one in Pivotal under Admin › API Keys and paste the whole key.';
// People copy keys out of docs, chats and password managers: these wrap the key but are never part of it.
const WRAPPING = /^[\s"'`“”‘’«»]+|[\s"'`“”‘’«»]+$/g;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
// The header mistakes Pivotal's authentication page lists: `Authorization:`, `Bearer`, `Bearer:`.
const HEADER_NAME = /^authorization\s*:\s*/i;
const BEARER = /^bearer\b\s*:?\s*/i;
// The documents fix a key's prefix and nothing else about it: no length, no character set. Pivotal's
// /me judges the rest.
const PIVOTAL_PREFIX = /^pivotal_(?:test_)?/;
// An Authorization header carries visible ASCII only: a key with anything else in it cannot be sent.
const HEADER_SAFE = /^[\x21-\x7E]+$/;

const OTHER_SECRETS: Array<[RegExp, string]> = [
  [/^(?:xoxe\.)?xox[abposre]-|^xapp-/, 'That is a Slack token, not a Pivotal API key.'],
  [/^whsec_/, 'That is a webhook signing secret (it starts with whsec_), not an API key.'],
  [/^(?:sk|pk|rk)_(?:live|test)_/, 'That looks like a Stripe key, not a Pivotal API key.'],
  [/^eyJ/, 'That looks like a login token (JWT), not a Pivotal API key.'],
  [/^https?:\/\//i, 'That is a link, not a key.'],
];

export function cleanPastedKey(raw: string): PastedKey {
  let text = raw.replace(INVISIBLE, '');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(WRAPPING, '').replace(HEADER_NAME, '').replace(BEARER, '');
  }

  if (text === '') return { ok: false, problem: `Paste a Pivotal API key here. ${CREATE_A_KEY}` };
  if (/\s/.test(text)) {
    return {
      ok: false,
      problem:
        'The key has a space or a line break in the middle, which an Authorization header cannot carry. Copy it again as one piece.',
    };
  }
  if (!PIVOTAL_PREFIX.test(text)) {
    const known = OTHER_SECRETS.find(([shape]) => shape.test(text));
    const what = known ? known[1] : 'That is not a Pivotal API key.';
    return {
      ok: false,
      problem: `${what} Pivotal keys start with pivotal_ (live) or pivotal_test_ (test). ${CREATE_A_KEY}`,
    };
  }
  if (text.includes('…')) {
    return {
      ok: false,
      problem: `That is the shortened key from Pivotal's key list. The whole key is shown only once, when it is created: ${CREATE_A_KEY}`,
    };
  }
  if (!HEADER_SAFE.test(text)) {
    return {
      ok: false,
      problem:
        'The key contains a character that cannot be sent to Pivotal (an HTTP header carries plain ASCII only). Copy it again from where you saved it.',
    };
  }
  return { ok: true, key: text };
}

/** Why Pivotal's /me did not accept a pasted key, as the field error under the key. Nothing was saved. */
export function keyCheckProblem(err: unknown): string {
  if (err instanceof PivotalAuthError) {
    if (err.revoked) return `Pivotal says this key has been revoked. ${CREATE_A_KEY}`;
    return (
      'Pivotal does not recognise this key. Check that you copied all of it: the prefix shown in the key list (such as pivotal_K8s9) is only its start, ' +
      'and Pivotal shows the whole key only once, when it is created. Or create a new one under Admin › API Keys.'
    );
  }
  if (err instanceof PivotalPermissionError) {
    return `Pivotal did not allow this key to read its own identity (/me, ${err.type}/${err.code}), so it was not saved. Pivotal keys normally carry full access: check the key under Admin › API Keys, or create a new one.`;
  }
  if (err instanceof PivotalUpstreamError) {
    return `Something between this app and Pivotal (a proxy or gateway) answered HTTP ${err.status} instead of Pivotal, so the key could not be checked and nothing was saved. Submit again in a moment.`;
  }
  if (err instanceof PivotalRateLimitError)
    return 'Pivotal is rate-limiting this key right now, so it could not be checked. Submit again in a minute; nothing was saved.';
  if (err instanceof PivotalNetworkError) {
    return err.timedOut
      ? 'Pivotal did not answer in time, so the key could not be checked and nothing was saved. Submit again in a moment.'
      : 'Pivotal could not be reached, so the key could not be checked and nothing was saved. Submit again in a moment.';
  }
  if (err instanceof PivotalServerError)
    return 'Pivotal had an internal error while checking the key; nothing was saved. Submit again in a moment.';
  return 'Pivotal gave an answer to the key check that this app does not understand, so nothing was saved. Submit again, and tell your Pivotal contact if it keeps happening.';
}

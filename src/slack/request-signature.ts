import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack accepts a signed request while its timestamp is within five minutes of now, either way. */
export const MAX_CLOCK_SKEW_SEC = 5 * 60;

/**
 * Exactly what Slack writes: `v0=` and the 64 lowercase hex digits of the HMAC. Bolt splits the
 * header at every `=` and compares only the second piece, so `v0=<digest>=x` passed its check as a
 * new header; and it compares case-sensitively, so an upper-cased digest can never be valid. Both
 * are refused here before anything else, which changes no genuine request's fate.
 */
const SIGNATURE = /^v0=([0-9a-f]{64})$/;

/** Whole seconds, no sign, no leading zero: Bolt signs `Number(header)`, so `0123` would sign as `123`. */
const TIMESTAMP = /^[1-9][0-9]{0,11}$/;

function single(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header : undefined;
}

/** The hex digest of a signature header shaped as Slack writes it, or undefined. */
export function signatureDigest(header: string | string[] | undefined): string | undefined {
  return single(header)?.match(SIGNATURE)?.[1];
}

/** The request's timestamp in seconds when it is well formed and within the window around now. */
export function freshTimestamp(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = single(header);
  if (!value || !TIMESTAMP.test(value)) return undefined;
  const seconds = Number(value);
  return Math.abs(seconds - nowMs / 1000) <= MAX_CLOCK_SKEW_SEC ? seconds : undefined;
}

/** Whether `digest` is Slack's signature of these raw bytes at this timestamp, compared in constant time. */
export function isSignedBy(signingSecret: string, timestampSec: number, rawBody: Buffer, digest: string): boolean {
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(digest, 'hex'));
}

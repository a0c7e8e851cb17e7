import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Pivotal's webhook preview describes delivery through Svix: the signature is base64
 * HMAC-SHA256 over `{svix-id}.{svix-timestamp}.{raw body}`, keyed with the base64-decoded part of the
 * `whsec_…` secret; `svix-signature` lists space-separated `v1,<base64>` pairs (two of them while a
 * secret is being rotated), any of which may match.
 */

export const WEBHOOK_TOLERANCE_SEC = 5 * 60;

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

export interface SvixHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

const SECRET_PREFIX = 'whsec_';

/** The key bytes of a `whsec_…` secret, or undefined when it is not one. */
export function webhookSecretKey(secret: string): Buffer | undefined {
  const body = secret.trim().startsWith(SECRET_PREFIX) ? secret.trim().slice(SECRET_PREFIX.length) : undefined;
  if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined;
  const key = Buffer.from(body, 'base64');
  // Svix secrets carry 24 to 64 random bytes; anything much shorter is a paste gone wrong.
  return key.length >= 16 ? key : undefined;
}

export function signWebhook(secret: string, id: string, timestamp: number, rawBody: Buffer | string): string {
  const key = webhookSecretKey(secret);
  if (!key) throw new Error('not a whsec_ webhook secret');
  return `v1,${hmac(key, id, String(timestamp), rawBody)}`;
}

function hmac(key: Buffer, id: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
}

export function verifyWebhook(secret: string, headers: SvixHeaders, rawBody: Buffer, nowMs: number): SignatureVerdict {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  const ts = Number(timestamp);
  // Old deliveries are replays; ones from the future too (the same rule the Slack side keeps).
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - ts) > WEBHOOK_TOLERANCE_SEC)
    return { ok: false, reason: 'stale_timestamp' };
  const key = webhookSecretKey(secret);
  if (!key) return { ok: false, reason: 'bad_signature' };
  const expected = Buffer.from(hmac(key, id, timestamp, rawBody));
  for (const part of signature.split(' ')) {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'bad_signature' };
}

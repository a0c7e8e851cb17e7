import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  errorFromResponse,
  PivotalNetworkError,
  retryDelayMs,
  type RetryPolicy,
} from '../../src/pivotal/index.js';

const policy = (random: number): RetryPolicy => ({ maxAttempts: 4, maxRetryAfterMs: 30_000, random: () => random });
const rateLimited = (retryAfterMs?: number) =>
  errorFromResponse(429, { error: { type: 'rate_limit_error', code: 'rate_limited', message: 'm' } }, retryAfterMs);

describe('retry policy', () => {
  it('backs off exponentially with full jitter, capped', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, () => 0.999_999))).toEqual([200, 400, 800, 1600]);
    expect(backoffMs(12, () => 0.999_999)).toBe(5_000);
    expect(backoffMs(3, () => 0)).toBe(0);
  });

  it('follows Retry-After, falls back to backoff without it, and stops after the last attempt', () => {
    expect(retryDelayMs(rateLimited(2_000), 1, policy(0.5))).toBe(2_000);
    expect(retryDelayMs(rateLimited(), 2, policy(0.5))).toBe(200);
    expect(retryDelayMs(rateLimited(31_000), 1, policy(0.5))).toBeUndefined();
    expect(retryDelayMs(new PivotalNetworkError({ message: 'm', timedOut: true }), 4, policy(0.5))).toBeUndefined();
  });

  it('never retries client errors, and retries the in-flight idempotency conflict after ~250 ms', () => {
    for (const [status, type, code] of [
      [400, 'invalid_request_error', 'missing_field'],
      [401, 'authentication_error', 'invalid_api_key'],
      [403, 'permission_error', 'forbidden'],
      [404, 'not_found', 'customer_not_found'],
      [409, 'conflict', 'idempotency_key_mismatch'],
    ] as const) {
      expect(
        retryDelayMs(errorFromResponse(status, { error: { type, code, message: 'm' } }), 1, policy(0.5)),
      ).toBeUndefined();
    }
    const inFlight = errorFromResponse(409, {
      error: { type: 'conflict', code: 'idempotency_key_in_use', message: 'm' },
    });
    expect(retryDelayMs(inFlight, 1, policy(0))).toBe(250);
  });
});

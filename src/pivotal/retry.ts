import { PivotalConflictError, PivotalRateLimitError, type PivotalError } from './errors.js';

export interface RetryPolicy {
  maxAttempts: number;
  /** A 429 asking for a longer wait is handed back to the caller, who queues the work. */
  maxRetryAfterMs: number;
  random: () => number;
}

const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5_000;
/** The docs say to retry an in-flight idempotent duplicate "shortly"; its first result is then replayed. */
const IN_FLIGHT_RETRY_MS = 250;

/** Exponential backoff with full jitter: spreads retries of many callers instead of bunching them. */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined when the error must go to the caller:
 * 429 after Retry-After (backoff when absent), 5xx and network failures with backoff, the in-flight
 * idempotency 409 after a short pause; never validation, auth, permission, not-found or other conflicts.
 */
export function retryDelayMs(err: PivotalError, attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.maxAttempts || !err.retryable) return undefined;
  if (err instanceof PivotalRateLimitError) {
    if (err.retryAfterMs === undefined) return backoffMs(attempt, policy.random);
    return err.retryAfterMs <= policy.maxRetryAfterMs ? err.retryAfterMs : undefined;
  }
  if (err instanceof PivotalConflictError) return IN_FLIGHT_RETRY_MS + backoffMs(1, policy.random) / 4;
  return backoffMs(attempt, policy.random);
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix epoch seconds, rounded up: when the oldest request in the window leaves it. */
  resetAtSec: number;
  /** Only when refused. */
  retryAfterSec?: number;
}

/**
 * A sliding-window log per key. Refused requests are not logged, so a 429 does not
 * use up budget. Runs on the real clock even when record timestamps come from an injected one.
 */
export class SlidingWindowLimiter {
  private readonly startsByKey = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  /** Counts the request when there is room. */
  take(keyId: string, limit: number, now = Date.now()): RateDecision {
    const starts = this.window(keyId, now);
    if (starts.length >= limit) {
      const freesAt = starts[0]! + this.windowMs;
      return {
        ...this.describe(starts, limit, now),
        allowed: false,
        retryAfterSec: Math.max(1, Math.ceil((freesAt - now) / 1000)),
      };
    }
    starts.push(now);
    return this.describe(starts, limit, now);
  }

  /** The headers' numbers without counting anything (answers that never reached a handler). */
  peek(keyId: string, limit: number, now = Date.now()): RateDecision {
    return this.describe(this.window(keyId, now), limit, now);
  }

  private window(keyId: string, now: number): number[] {
    let starts = this.startsByKey.get(keyId);
    if (!starts) this.startsByKey.set(keyId, (starts = []));
    while (starts.length > 0 && starts[0]! <= now - this.windowMs) starts.shift();
    return starts;
  }

  private describe(starts: number[], limit: number, now: number): RateDecision {
    const oldest = starts[0] ?? now;
    return {
      allowed: true,
      limit,
      remaining: Math.max(0, limit - starts.length),
      resetAtSec: Math.ceil((oldest + this.windowMs) / 1000),
    };
  }
}

import { createHash } from 'node:crypto';
import { PivotalRateLimitError } from './errors.js';
import type { HeaderReader } from './http-exchange.js';
import { keyMode } from '../domain/key-mode.js';

/**
 * Client-side pacing per API key, so that a burst of calls queues here instead of earning 429s
 * (Pivotal's limits: a sliding window per key, 60/min live, 30/min test, headers on every response).
 *
 * Budget, in order of preference:
 * 1. the last `X-RateLimit-Remaining` (with its `X-RateLimit-Reset`) minus the requests still in
 *    flight: counting them all is slightly pessimistic, but never sends one too many;
 * 2. once that reset time has passed the numbers are stale: one probe request at a time until a
 *    response brings fresh ones (this works whether "reset" means "next slot frees" or "window clears");
 * 3. before any response: the documented limit over an assumed 60 s sliding window.
 * A 429 that happens anyway pauses every caller of the key until its Retry-After.
 */

export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface RateLimitSnapshot {
  limit: number;
  /** Last `X-RateLimit-Remaining` seen; null before the first response. */
  remaining: number | null;
  /** When the last reported numbers stop being current; null when there are none or they are stale. */
  resetAt: Date | null;
  /** Requests that could start right now at full share. */
  available: number;
  inFlight: number;
  queued: number;
  pausedUntil: Date | null;
  basis: 'assumed' | 'reported' | 'probing';
}

export interface AcquireOptions {
  /**
   * Fraction of the bucket this caller may use, e.g. 0.5 for a background sync: it only goes while
   * more than half of the limit is left, so interactive calls always find room. Default 1.
   */
  share?: number;
  /** Fail with PivotalRateLimitError instead of waiting out a 429 pause longer than this. */
  maxPauseMs?: number;
}

export interface PacerPermit {
  /** Report how the request ended; call exactly once, also when it failed. */
  release(outcome?: { rateLimit?: RateLimitInfo | undefined; pauseMs?: number | undefined }): void;
}

export interface RatePacerOptions {
  /** Assumed until the first response reports the real one. */
  limit: number;
  windowMs?: number;
  /** Waited beyond a reported reset: the header has whole-second precision. */
  resetMarginMs?: number;
  now?: () => number;
}

interface Waiter {
  share: number;
  maxPauseMs: number;
  resolve: (permit: PacerPermit) => void;
  reject: (err: Error) => void;
}

interface Reported {
  limit: number;
  remaining: number;
  resetAtMs: number;
}

export const DOCUMENTED_LIMITS = { live: 60, test: 30 } as const;
export const DOCUMENTED_WINDOW_MS = 60_000;

export class RatePacer {
  private readonly assumedLimit: number;
  private readonly windowMs: number;
  private readonly resetMarginMs: number;
  private readonly now: () => number;
  private inFlight = 0;
  /** Start times within the window, for the assumed budget before any response. */
  private readonly startedAt: number[] = [];
  private reported: Reported | undefined;
  private pausedUntilMs = 0;
  private readonly waiters: Waiter[] = [];
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(opts: RatePacerOptions) {
    this.assumedLimit = opts.limit;
    this.windowMs = opts.windowMs ?? DOCUMENTED_WINDOW_MS;
    this.resetMarginMs = opts.resetMarginMs ?? 250;
    this.now = opts.now ?? Date.now;
  }

  acquire(opts: AcquireOptions = {}): Promise<PacerPermit> {
    const share = Math.min(1, Math.max(0, opts.share ?? 1));
    return new Promise((resolve, reject) => {
      this.waiters.push({ share, maxPauseMs: opts.maxPauseMs ?? Number.POSITIVE_INFINITY, resolve, reject });
      this.pump();
    });
  }

  /**
   * Nothing in flight or queued, no pause ahead, no start within the window and no reported numbers
   * still current: a fresh pacer for the key would know no less than this one.
   */
  isIdle(): boolean {
    const now = this.now();
    this.forgetStartsBefore(now - this.windowMs);
    return (
      this.inFlight === 0 &&
      this.waiters.length === 0 &&
      now >= this.pausedUntilMs &&
      this.startedAt.length === 0 &&
      (!this.reported || now >= this.reported.resetAtMs)
    );
  }

  snapshot(): RateLimitSnapshot {
    const now = this.now();
    const fresh = this.reported && now < this.reported.resetAtMs ? this.reported : undefined;
    return {
      limit: this.reported?.limit ?? this.assumedLimit,
      remaining: this.reported?.remaining ?? null,
      resetAt: fresh ? new Date(fresh.resetAtMs) : null,
      available: Math.max(0, this.available(now, 1)),
      inFlight: this.inFlight,
      queued: this.waiters.length,
      pausedUntil: now < this.pausedUntilMs ? new Date(this.pausedUntilMs) : null,
      basis: !this.reported ? 'assumed' : fresh ? 'reported' : 'probing',
    };
  }

  private available(now: number, share: number): number {
    if (now < this.pausedUntilMs) return 0;
    const reported = this.reported;
    if (!reported) {
      this.forgetStartsBefore(now - this.windowMs);
      return this.assumedLimit - this.startedAt.length - reserveFor(this.assumedLimit, share);
    }
    if (now < reported.resetAtMs) return reported.remaining - this.inFlight - reserveFor(reported.limit, share);
    // A probe is allowed whatever the share: otherwise a background-only caller could wait forever.
    return 1 - this.inFlight;
  }

  private pump(): void {
    const now = this.now();
    for (let i = 0; i < this.waiters.length; ) {
      const waiter = this.waiters[i]!;
      const pauseLeft = this.pausedUntilMs - now;
      if (pauseLeft > waiter.maxPauseMs) {
        this.waiters.splice(i, 1);
        waiter.reject(pausedError(pauseLeft));
      } else if (this.available(now, waiter.share) > 0) {
        this.waiters.splice(i, 1);
        waiter.resolve(this.start(now));
      } else {
        i++;
      }
    }
    this.scheduleWake(now);
  }

  private start(now: number): PacerPermit {
    this.inFlight++;
    this.forgetStartsBefore(now - this.windowMs);
    this.startedAt.push(now);
    let released = false;
    return {
      release: (outcome = {}) => {
        if (released) return;
        released = true;
        this.inFlight--;
        if (outcome.rateLimit) this.record(outcome.rateLimit);
        if (outcome.pauseMs !== undefined)
          this.pausedUntilMs = Math.max(this.pausedUntilMs, this.now() + outcome.pauseMs);
        this.pump();
      },
    };
  }

  /**
   * Responses of concurrent requests arrive in any order. The reset time never moves backwards on the
   * server, and for one reset time the remaining count only goes down, so: a later reset replaces, the
   * same reset keeps the smaller remaining, an earlier reset is old news.
   */
  private record(info: RateLimitInfo): void {
    const incoming = { limit: info.limit, remaining: info.remaining, resetAtMs: info.resetAt.getTime() };
    const current = this.reported;
    if (!current || incoming.resetAtMs > current.resetAtMs) this.reported = incoming;
    else if (incoming.resetAtMs === current.resetAtMs)
      this.reported = { ...incoming, remaining: Math.min(current.remaining, incoming.remaining) };
  }

  private scheduleWake(now: number): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (this.waiters.length === 0) return;
    const wakeAt = this.nextChangeAt(now);
    // With no time-based change ahead, the release of a request in flight pumps again.
    if (wakeAt !== undefined) this.wakeTimer = setTimeout(() => this.pump(), Math.max(1, wakeAt - now));
  }

  private nextChangeAt(now: number): number | undefined {
    if (now < this.pausedUntilMs) return this.pausedUntilMs;
    if (!this.reported) return this.startedAt.length > 0 ? this.startedAt[0]! + this.windowMs : undefined;
    if (now < this.reported.resetAtMs) return this.reported.resetAtMs + this.resetMarginMs;
    return undefined;
  }

  private forgetStartsBefore(cutoff: number): void {
    while (this.startedAt.length > 0 && this.startedAt[0]! <= cutoff) this.startedAt.shift();
  }
}

function reserveFor(limit: number, share: number): number {
  return Math.ceil(limit * (1 - share));
}

function pausedError(pauseLeftMs: number): PivotalRateLimitError {
  return new PivotalRateLimitError({
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limited',
    message: 'This Pivotal key is paused after a rate-limit response; queue the work and try later.',
    retryAfterMs: pauseLeftMs,
  });
}

function numberHeader(headers: HeaderReader, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Reads the documented rate-limit headers. `X-RateLimit-Reset` is documented as Unix epoch seconds;
 * epoch milliseconds and small "seconds from now" values are read too, and a missing reset is taken
 * as one window from now.
 */
export function parseRateLimitHeaders(headers: HeaderReader, now = Date.now()): RateLimitInfo | undefined {
  const limit = numberHeader(headers, 'x-ratelimit-limit');
  const remaining = numberHeader(headers, 'x-ratelimit-remaining');
  if (limit === undefined || remaining === undefined) return undefined;
  const reset = numberHeader(headers, 'x-ratelimit-reset');
  let resetAtMs: number;
  if (reset === undefined) resetAtMs = now + DOCUMENTED_WINDOW_MS;
  else if (reset > 1e12) resetAtMs = reset;
  else if (reset > 1e9) resetAtMs = reset * 1000;
  else resetAtMs = now + reset * 1000;
  return { limit, remaining: Math.max(0, remaining), resetAt: new Date(resetAtMs) };
}

/** `Retry-After` as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(headers: HeaderReader, now = Date.now()): number | undefined {
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** One pacer per key for the whole process, found by the key's hash so no map holds the secret. */
const pacersByKeyHash = new Map<string, RatePacer>();

/**
 * Past this many keys, idle pacers are dropped when a new one is made, so the map holds about as many
 * pacers as keys in use within a minute rather than every key the process ever used.
 */
export const PACER_SWEEP_AT = 1_000;

export function sharedPacerForKey(apiKey: string): RatePacer {
  const keyHash = createHash('sha256').update(apiKey).digest('hex');
  let pacer = pacersByKeyHash.get(keyHash);
  if (!pacer) {
    if (pacersByKeyHash.size >= PACER_SWEEP_AT)
      for (const [hash, known] of pacersByKeyHash) if (known.isIdle()) pacersByKeyHash.delete(hash);
    pacer = new RatePacer({ limit: DOCUMENTED_LIMITS[keyMode(apiKey)] });
    pacersByKeyHash.set(keyHash, pacer);
  }
  return pacer;
}

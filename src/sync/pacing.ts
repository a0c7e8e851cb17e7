import { DOCUMENTED_WINDOW_MS, type RateLimitSnapshot } from '../pivotal/index.js';

/** After the reported reset time has passed, give the bucket this long to free the slot. */
const RESET_MARGIN_MS = 50;
/** While someone else's request is in flight with stale numbers, its answer brings fresh ones soon. */
const PROBE_WAIT_MS = 100;

/**
 * How long the sync must wait before its next request so that it uses at most `share` of the key's
 * bucket, judged from the client's own rate-limit snapshot (the X-RateLimit headers). It goes only while
 * more than `(1 - share)` of the limit is left, which leaves that part to people's actions whatever
 * they do, and keeps the sync itself within `share` of any window. 0 means go now.
 */
export function syncWaitMs(s: RateLimitSnapshot, share: number, now: number): number {
  if (s.pausedUntil) return Math.max(1, s.pausedUntil.getTime() - now);
  // The last numbers are stale: one request (ours or anyone's) refreshes them.
  if (s.basis === 'probing') return s.inFlight === 0 && s.queued === 0 ? 0 : PROBE_WAIT_MS;
  const reserve = Math.ceil(s.limit * (1 - share));
  if (s.available - reserve > 0) return 0;
  if (s.resetAt) return Math.max(1, s.resetAt.getTime() - now + RESET_MARGIN_MS);
  // Before any answer the pacer assumes a 60 s window: wait for one slot of it.
  return Math.ceil(DOCUMENTED_WINDOW_MS / Math.max(1, s.limit));
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How a wait is spent; the worker gives its cycle's slot up meanwhile (SyncWorker). */
export type WaitOutside = (wait: () => Promise<void>) => Promise<void>;

export async function waitForSyncTurn(
  rateLimit: () => RateLimitSnapshot,
  share: number,
  signal: AbortSignal,
  now: () => number = Date.now,
  outside: WaitOutside = (wait) => wait(),
): Promise<void> {
  for (;;) {
    if (signal.aborted) return;
    const wait = syncWaitMs(rateLimit(), share, now());
    if (wait === 0) return;
    await outside(() => abortableSleep(wait, signal));
  }
}

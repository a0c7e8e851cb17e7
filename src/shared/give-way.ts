/**
 * better-sqlite3 answers synchronously, so a loop of awaited queries (or of whole transactions) only
 * ever waits on microtasks and keeps the event loop to itself: no request is read, no timer fires,
 * until the loop ends. Awaiting this lets pending I/O and timers run first (setImmediate runs after
 * the poll phase). Long loops over the store call it between their units of work.
 */
export function giveWay(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * For a loop of many small units: gives way once `everyMs` has passed since it last did, so a short
 * loop pays nothing and a long one never holds the event loop for much longer than `everyMs`.
 */
export function givingWayEvery(everyMs: number, now: () => number = () => performance.now()): () => Promise<void> {
  let since = now();
  return async () => {
    if (now() - since < everyMs) return;
    await giveWay();
    since = now();
  };
}

/**
 * Slack signs a request's timestamp and body, and a signature stays valid for five minutes either way
 * of its timestamp: a captured command, click or form submission could be sent again in that window
 * and would run again. Slack itself never repeats these (only Events API deliveries are retried, and
 * those are de-duplicated by event id), so an exact copy of one already let in is a replay.
 */
export class ReplayGuard {
  /** Signature → when it may be forgotten. Insertion order is expiry order, so pruning reads the front. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly keepMs: number) {}

  /** False when this signature was already let in (and not forgotten) within the window. */
  admit(signature: string, nowMs: number): boolean {
    for (const [old, expires] of this.seen) {
      if (expires > nowMs) break;
      this.seen.delete(old);
    }
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, nowMs + this.keepMs);
    return true;
  }

  /** A request that was refused caused nothing, so a copy of it is no replay: it gets the same answer. */
  forget(signature: string): void {
    this.seen.delete(signature);
  }
}

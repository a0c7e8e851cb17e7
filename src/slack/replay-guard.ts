/**
 * Slack signs a request's timestamp and body, and a signature is accepted while its timestamp is
 * within five minutes of now: a captured command, click or form submission could be sent again in
 * that time and would run again. Slack itself never repeats these (only Events API deliveries are
 * retried, and those are de-duplicated by event id), so a second request with a digest already let
 * in is a replay.
 *
 * The caller records only digests it has verified, so no unsigned request can add an entry; each is
 * kept until its timestamp leaves the window, and never more than `capacity` of them: past that the
 * oldest goes first, so the memory it takes has a ceiling whatever the traffic.
 */
/**
 * Slack sends commands, clicks and submissions at human pace: 100,000 in one ten-minute window is
 * ~170 a second, far past any one app's traffic. An entry costs ~150 bytes, so this caps it at ~15 MB.
 */
export const REPLAY_GUARD_CAPACITY = 100_000;

export class ReplayGuard {
  /** Digest → the second after which its signature is refused anyway. Insertion order is roughly expiry order. */
  private readonly seen = new Map<string, number>();
  private shed = false;

  constructor(
    readonly capacity: number,
    /** Told once, the first time an entry is dropped to stay within capacity. */
    private readonly onFirstShed: () => void = () => undefined,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** False when this digest was already let in and its signature is still acceptable. */
  admit(digest: string, expiresAtSec: number, nowSec: number): boolean {
    for (const [old, expires] of this.seen) {
      if (expires >= nowSec) break;
      this.seen.delete(old);
    }
    const known = this.seen.get(digest);
    if (known !== undefined && known >= nowSec) return false;
    this.seen.delete(digest);
    if (this.seen.size >= this.capacity) this.shedOldest();
    this.seen.set(digest, expiresAtSec);
    return true;
  }

  private shedOldest(): void {
    const oldest = this.seen.keys().next();
    if (!oldest.done) this.seen.delete(oldest.value);
    if (!this.shed) {
      this.shed = true;
      this.onFirstShed();
    }
  }
}

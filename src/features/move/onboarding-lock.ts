import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { releaseLease, tryAcquireLease } from '../../store/leases.js';

const LEASE_TTL_MS = 30_000;
/** Renewed well inside the ttl, so a save slowed by Pivotal's retries keeps its lock. */
const RENEW_EVERY_MS = 10_000;
/** About as long as a person watches "Saving…" before being told to try again. */
const WAIT_MS = 25_000;
const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 250;

export type Locked<T> = { ok: true; value: T } | { ok: false };

/**
 * Runs `work` while holding the onboarding's move lock, a lease row in the store, so moves of one
 * onboarding run one after another across every replica: each re-reads Pivotal after the previous
 * one has saved and recorded. Waits for a lock held by another move; `{ ok: false }` when it stays
 * held past the wait. A holder that dies hands the lock over when its lease runs out.
 */
export async function withOnboardingLock<T>(
  ctx: Pick<AppContext, 'store' | 'logger' | 'now'>,
  workspaceId: string,
  onboardingId: string,
  work: () => Promise<T>,
  waitMs = WAIT_MS,
): Promise<Locked<T>> {
  const db = ctx.store.db;
  const name = `move:${workspaceId}:${onboardingId}`;
  const holder = randomUUID();
  const deadline = Date.now() + waitMs;
  let pause = FIRST_PAUSE_MS;
  while (!(await tryAcquireLease(db, name, holder, LEASE_TTL_MS, ctx.now()))) {
    if (Date.now() >= deadline) return { ok: false };
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
  }
  const renewal = setInterval(() => {
    tryAcquireLease(db, name, holder, LEASE_TTL_MS, ctx.now()).catch((err: unknown) =>
      ctx.logger.warn({ err, onboardingId }, 'could not renew a move lock'),
    );
  }, RENEW_EVERY_MS);
  try {
    return { ok: true, value: await work() };
  } finally {
    clearInterval(renewal);
    await releaseLease(db, name, holder).catch((err: unknown) =>
      ctx.logger.warn({ err, onboardingId }, 'could not release a move lock; it expires by itself'),
    );
  }
}

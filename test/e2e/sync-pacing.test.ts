import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitSnapshot } from '../../src/pivotal/index.js';
import { syncWaitMs } from '../../src/sync/pacing.js';
import { ADMIN, startHarness, type Harness } from '../harness/app-harness.js';
import { homeText, openHome } from '../harness/home.js';
import { waitFor } from '../harness/wait.js';

// The documented test-key bucket (30 requests) over a short window, so minutes of pacing take seconds.
const LIMIT = 30;
const WINDOW_MS = 1_000;
/**
 * More than two half-buckets: the sync got there only by waiting for its share to come back and going
 * on, however slowly a busy machine lets it run. The walk of 5,000 records takes over 100 requests.
 */
const KEEPS_GOING = LIMIT + 1;

/** The most requests that started within any window, from the simulator's own log. */
function busiestWindow(times: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= WINDOW_MS) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('sync pacing over a 5,000-onboarding workspace', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      bootstrapKey: 'test',
      simulator: { rateLimit: { test: LIMIT, windowMs: WINDOW_MS } },
      sync: { tickMs: 20, intervalMs: 60_000 },
      seed: (pivotal, orgId) => pivotal.seedBulk(orgId, 5_000),
    });
  });
  afterAll(() => h.close());

  it("uses at most half of the key's bucket in any window, and keeps going", async () => {
    await openHome(h, ADMIN);
    const prefix = h.apiKey!.slice(0, 'pivotal_test_'.length + 4);
    const requests = () => h.pivotal.requests.filter((r) => r.keyPrefix === prefix);
    // Judged by count, not by the clock: a loaded machine slows the sync down, never up.
    await waitFor(() => requests().length >= KEEPS_GOING, { what: `${KEEPS_GOING} sync requests`, timeoutMs: 90_000 });
    const mine = requests();
    const times = mine.map((r) => r.at.getTime()).sort((a, b) => a - b);

    expect(busiestWindow(times)).toBeLessThanOrEqual(LIMIT / 2);
    expect(mine.filter((r) => r.status === 429)).toEqual([]);

    // Meanwhile Home shows how far the first fill got, from the store alone.
    const home = await openHome(h, ADMIN);
    expect(homeText(home)).toMatch(
      /first sync in progress: [\d,]+ onboardings? read so far|waiting for the first sync/,
    );
  }, 120_000);
});

describe("when the sync may send its next request (from the client's rate-limit snapshot)", () => {
  const now = Date.parse('2026-05-20T12:00:00.000Z');
  const snapshot = (over: Partial<RateLimitSnapshot>): RateLimitSnapshot => ({
    limit: 30,
    remaining: 30,
    resetAt: new Date(now + 20_000),
    available: 30,
    inFlight: 0,
    queued: 0,
    pausedUntil: null,
    basis: 'reported',
    ...over,
  });

  it('goes while more than half the bucket is left', () => {
    expect(syncWaitMs(snapshot({ available: 16 }), 0.5, now)).toBe(0);
  });

  it('waits for the reported reset once only half is left, leaving that half to people', () => {
    expect(syncWaitMs(snapshot({ available: 15 }), 0.5, now)).toBe(20_050);
  });

  it('waits out a 429 pause', () => {
    expect(syncWaitMs(snapshot({ pausedUntil: new Date(now + 3_000) }), 0.5, now)).toBe(3_000);
  });

  it('probes once the numbers are stale, but not beside another request in flight', () => {
    expect(syncWaitMs(snapshot({ basis: 'probing', resetAt: null, available: 1 }), 0.5, now)).toBe(0);
    expect(
      syncWaitMs(snapshot({ basis: 'probing', resetAt: null, available: 0, inFlight: 1 }), 0.5, now),
    ).toBeGreaterThan(0);
  });
});

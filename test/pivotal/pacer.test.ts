import { describe, expect, it } from 'vitest';
import { PivotalRateLimitError, RatePacer, parseRateLimitHeaders, type PacerPermit } from '../../src/pivotal/index.js';
import { simulatorFixture } from './support.js';
import { PACER_SWEEP_AT, sharedPacerForKey } from '../../src/pivotal/pacer.js';

/** Starts `n` acquisitions and reports how many were granted once pending work settles. */
async function grantedOf(pacer: RatePacer, n: number, opts: Parameters<RatePacer['acquire']>[0] = {}) {
  const permits: PacerPermit[] = [];
  for (let i = 0; i < n; i++) void pacer.acquire(opts).then((p) => permits.push(p));
  await new Promise((resolve) => setImmediate(resolve));
  return permits;
}

const inSeconds = (ms: number) => new Date(Date.now() + ms);

describe('RatePacer', () => {
  it('queues a burst of 100 calls against a 30-per-window bucket: no 429 reaches the server, all succeed', async () => {
    const { sim, org, client } = await simulatorFixture({ mode: 'test', rateLimit: { test: 30, windowMs: 2_000 } });
    sim.seedDemo(org.id, { customers: 3 });
    const pivotal = client();

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? pivotal.listCustomers({ limit: 1 }) : pivotal.getCustomer('1'))),
    );

    expect(results).toHaveLength(100);
    expect(sim.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(sim.requests).toHaveLength(100);
    expect(sim.requests.every((r) => r.status === 200)).toBe(true);
  }, 30_000);

  it('assumes the documented limit before the first response', async () => {
    const pacer = new RatePacer({ limit: 30 });
    expect(await grantedOf(pacer, 31)).toHaveLength(30);
    expect(pacer.snapshot()).toMatchObject({ basis: 'assumed', inFlight: 30, queued: 1, available: 0 });
  });

  it('follows the reported remaining budget, counting requests in flight', async () => {
    const pacer = new RatePacer({ limit: 30 });
    const [first] = await grantedOf(pacer, 1);
    first!.release({ rateLimit: { limit: 30, remaining: 3, resetAt: inSeconds(10_000) } });

    expect(await grantedOf(pacer, 5)).toHaveLength(3);
    expect(pacer.snapshot()).toMatchObject({ basis: 'reported', remaining: 3, queued: 2, available: 0 });
  });

  it('keeps the lower remaining when responses arrive out of order', async () => {
    const pacer = new RatePacer({ limit: 10 });
    const [a, b] = await grantedOf(pacer, 2);
    const resetAt = inSeconds(10_000);
    b!.release({ rateLimit: { limit: 10, remaining: 4, resetAt } });
    a!.release({ rateLimit: { limit: 10, remaining: 5, resetAt } });

    expect(pacer.snapshot().remaining).toBe(4);
  });

  it('probes with one request at a time once the reported reset has passed', async () => {
    const pacer = new RatePacer({ limit: 30 });
    const [first] = await grantedOf(pacer, 1);
    first!.release({ rateLimit: { limit: 30, remaining: 0, resetAt: inSeconds(-1_000) } });

    expect(await grantedOf(pacer, 3)).toHaveLength(1);
    expect(pacer.snapshot().basis).toBe('probing');
  });

  it('lets a background caller use only its share of the bucket', async () => {
    const pacer = new RatePacer({ limit: 10 });
    const [first] = await grantedOf(pacer, 1);
    first!.release({ rateLimit: { limit: 10, remaining: 8, resetAt: inSeconds(10_000) } });

    // Half of 10 is kept for interactive calls: the background may take 8 − 5 = 3.
    expect(await grantedOf(pacer, 5, { share: 0.5 })).toHaveLength(3);
    expect(await grantedOf(pacer, 5)).toHaveLength(5);
  });

  it('pauses every caller after a 429 and refuses those that cannot wait that long', async () => {
    const pacer = new RatePacer({ limit: 30 });
    const [first] = await grantedOf(pacer, 1);
    first!.release({ pauseMs: 60_000 });

    await expect(pacer.acquire({ maxPauseMs: 30_000 })).rejects.toBeInstanceOf(PivotalRateLimitError);
    expect(await grantedOf(pacer, 1)).toHaveLength(0);
    expect(pacer.snapshot().pausedUntil).not.toBeNull();
  });

  it('reads X-RateLimit-Reset as epoch seconds (and tolerates milliseconds or a delta)', () => {
    const now = Date.UTC(2026, 0, 1);
    const read = (reset: string) =>
      parseRateLimitHeaders(
        new Headers({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59', 'x-ratelimit-reset': reset }),
        now,
      )?.resetAt.getTime();
    expect(read(String(now / 1000 + 30))).toBe(now + 30_000);
    expect(read(String(now + 30_000))).toBe(now + 30_000);
    expect(read('30')).toBe(now + 30_000);
    expect(parseRateLimitHeaders(new Headers(), now)).toBeUndefined();
  });
});

describe('pacers shared per key', () => {
  it('drop idle pacers once PACER_SWEEP_AT keys are known, and keep one with a request in flight', async () => {
    const tag = Math.random().toString(36).slice(2);
    const key = (i: number) => `pivotal_${tag}_${i}`;
    const busy = sharedPacerForKey(key(0));
    const permit = await busy.acquire();
    const idle = sharedPacerForKey(key(1));
    expect(sharedPacerForKey(key(1))).toBe(idle);
    // Enough keys to pass the threshold whatever other tests of this process made before.
    for (let i = 2; i <= PACER_SWEEP_AT + 1; i++) sharedPacerForKey(key(i));
    expect(sharedPacerForKey(key(0))).toBe(busy);
    expect(sharedPacerForKey(key(1))).not.toBe(idle);
    permit.release();
  });
});

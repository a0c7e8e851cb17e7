import autocannon, { type AutocannonRequest } from 'autocannon';
import { percentile, round } from '../lib.js';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  p50Ms: number;
  p99Ms: number;
  reqPerSec: number;
  requests: number;
}

/**
 * Fixed-concurrency load with autocannon. Latencies come from its per-response event (fractions of a
 * millisecond: its own histogram keeps whole milliseconds only, too coarse for a ratio at loopback
 * speed). Anything but a 2xx, an error or a timeout makes the run fail: a bench that measured 401s
 * would be measuring the wrong thing.
 */
export async function runLoad(opts: {
  url: string;
  connections: number;
  durationSec: number;
  /** A fixed request, or a function called for every request (bodies that must differ). */
  request: SignedRequest | (() => SignedRequest);
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const request = opts.request;
  const requests: AutocannonRequest[] =
    typeof request === 'function'
      ? [{ method: 'POST', setupRequest: (req) => ({ ...req, method: 'POST', ...request() }) }]
      : [{ method: 'POST', ...request }];
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: 5,
    requests,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const result = await instance;
  const bad = [...statuses].filter(([status]) => status < 200 || status >= 300);
  if (bad.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `load against ${opts.url} got ${bad.map(([s, n]) => `${n}× HTTP ${s}`).join(', ') || 'no bad status'}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
    reqPerSec: Math.round(latencies.length / result.duration),
    requests: latencies.length,
  };
}

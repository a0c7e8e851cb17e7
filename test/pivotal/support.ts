import { afterEach } from 'vitest';
import { PivotalClient, type PivotalClientOptions } from '../../src/pivotal/index.js';
import {
  startPivotalSimulator,
  type Org,
  type PivotalSimulator,
  type SimulatorOptions,
} from '../../sandbox/pivotal-simulator/index.js';

export interface SimulatorFixture {
  sim: PivotalSimulator;
  org: Org;
  key: string;
  client(overrides?: Partial<PivotalClientOptions>): PivotalClient;
}

const running: PivotalSimulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

/**
 * A simulator with one org and one key, closed after the test. Rate limits are generous unless the test
 * is about them, and backoff jitter is zero so retries are immediate (Retry-After is still honoured).
 */
export async function simulatorFixture(
  opts: SimulatorOptions & { mode?: 'live' | 'test' } = {},
): Promise<SimulatorFixture> {
  const sim = await startPivotalSimulator({ rateLimit: { live: 10_000, test: 10_000 }, ...opts });
  running.push(sim);
  const org = sim.createOrg({ name: 'Acme Corporation', slug: 'acme-corp' });
  const key = sim.createKey(org.id, { mode: opts.mode ?? 'live', name: 'vitest' });
  return {
    sim,
    org,
    key,
    client: (overrides = {}) => new PivotalClient({ baseUrl: sim.url, apiKey: key, random: () => 0, ...overrides }),
  };
}

/** A fetch that answers from a function, for response shapes the simulator does not produce. */
export function stubFetch(
  answer: (url: string, init: RequestInit) => { status?: number; body: unknown; headers?: Record<string, string> },
): {
  fetch: typeof fetch;
  calls: { url: string; init: RequestInit }[];
} {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchStub = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    const { status = 200, body, headers = {} } = answer(url, init);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } });
  };
  return { fetch: fetchStub as typeof fetch, calls };
}

export function requestsTo(sim: PivotalSimulator, method: string, pathSuffix: string) {
  return sim.requests.filter((r) => r.method === method && r.path.endsWith(pathSuffix));
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import {
  PivotalAuthError,
  PivotalClient,
  PivotalNetworkError,
  PivotalRateLimitError,
  PivotalServerError,
  type PivotalError,
} from '../../src/pivotal/index.js';
import { requestsTo, simulatorFixture } from './support.js';

describe('PivotalClient retries', () => {
  it('waits out Retry-After on a 429, then succeeds', async () => {
    const { sim, org, client } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 2 });
    sim.faults.failNext(1, 429, { retryAfterSec: 1 });

    const started = Date.now();
    const page = await client().listCustomers();

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(page.data).toHaveLength(2);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('hands a 429 with a long Retry-After back to the caller instead of waiting', async () => {
    const { sim, client } = await simulatorFixture();
    sim.faults.failNext(1, 429, { retryAfterSec: 120 });

    const err = await client({ maxRetryAfterMs: 30_000 })
      .listCustomers()
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PivotalRateLimitError);
    expect((err as PivotalRateLimitError).retryAfterMs).toBe(120_000);
    expect(sim.requests).toHaveLength(1);
  });

  it('retries a POST whose response was lost with the same Idempotency-Key, creating exactly one record', async () => {
    const { sim, org, client } = await simulatorFixture();
    sim.faults.failNext(1, 500, { afterHandler: true });

    const customer = await client().createCustomer(
      { name: 'Aurora Analytics' },
      { idempotencyKey: 'customer-create-aurora' },
    );

    const posts = requestsTo(sim, 'POST', '/customers');
    expect(posts.map((r) => r.status)).toEqual([500, 201]);
    expect(posts.map((r) => r.idempotencyKey)).toEqual(['customer-create-aurora', 'customer-create-aurora']);
    expect(sim.state.count(org.id, 'customers')).toBe(1);
    expect(sim.state.list(org.id, 'customers')[0]!.id).toBe(customer.id);
  });

  it('gives up on 5xx after maxAttempts', async () => {
    const { sim, client } = await simulatorFixture();
    sim.faults.failNext(3, 503);

    const err = await client({ maxAttempts: 3 })
      .listOnboardings()
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PivotalServerError);
    expect((err as PivotalError).status).toBe(503);
    expect(sim.requests).toHaveLength(3);
  });

  it('retries the in-flight idempotency 409 until the first result is replayed', async () => {
    const { sim, org, key } = await simulatorFixture();
    sim.faults.latencyMs = 300;
    const [a, b] = [0, 1].map(() => new PivotalClient({ baseUrl: sim.url, apiKey: key, random: () => 0 }));

    const body = { name: 'Birchwood Bakery Co.' };
    const [first, second] = await Promise.all([
      a!.createCustomer(body, { idempotencyKey: 'same-click' }),
      b!.createCustomer(body, { idempotencyKey: 'same-click' }),
    ]);

    expect(second.id).toBe(first.id);
    expect(sim.state.count(org.id, 'customers')).toBe(1);
    expect(
      requestsTo(sim, 'POST', '/customers')
        .map((r) => r.status)
        .sort(),
    ).toEqual([201, 201, 409]);
  });

  it('never retries a 401 and reports it as PivotalAuthError', async () => {
    const { sim } = await simulatorFixture();
    const onAuthError = vi.fn();
    const client = new PivotalClient({
      baseUrl: sim.url,
      apiKey: 'pivotal_notARealKeyButWellFormed000000000',
      onAuthError,
    });

    const err = await client.me().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PivotalAuthError);
    expect((err as PivotalAuthError).revoked).toBe(false);
    expect(sim.requests).toHaveLength(1);
    expect(onAuthError).toHaveBeenCalledTimes(1);
  });

  it('flags a revoked key', async () => {
    const { sim, key, client } = await simulatorFixture();
    sim.revokeKey(key);

    const err = await client()
      .listCustomers()
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PivotalAuthError);
    expect((err as PivotalAuthError).revoked).toBe(true);
    expect((err as PivotalAuthError).code).toBe('api_key_revoked');
    expect(sim.requests).toHaveLength(1);
  });

  it('times out each attempt and ends with PivotalNetworkError { timedOut }', async () => {
    const { sim, client } = await simulatorFixture();
    sim.faults.hangNext(3);

    const err = await client({ timeoutMs: 150, maxAttempts: 3 })
      .getCustomer('1')
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PivotalNetworkError);
    expect((err as PivotalNetworkError).timedOut).toBe(true);
    expect(sim.requests).toHaveLength(3);
  });

  it('reports an unreachable server as a network error that did not time out', async () => {
    const { sim, client } = await simulatorFixture();
    const unreachable = client({ maxAttempts: 2 });
    await sim.close();

    const err = await unreachable.listCustomers().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PivotalNetworkError);
    expect((err as PivotalNetworkError).timedOut).toBe(false);
  });

  it('does not follow a redirect, so the key never goes where it points', async () => {
    const { sim, client } = await simulatorFixture();
    const redirector = createServer((_req, res) => {
      res.writeHead(301, { location: `${sim.url}/customers` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const redirected = client({ baseUrl: `http://127.0.0.1:${port}` });

      const err = await redirected.listCustomers().catch((e: unknown) => e);

      expect((err as PivotalError).status).toBe(301);
      expect((err as PivotalError).message).toBe('Pivotal answered HTTP 301');
      expect(sim.requests).toHaveLength(0);
    } finally {
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });
});

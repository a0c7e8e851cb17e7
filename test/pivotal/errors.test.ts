import { describe, expect, it } from 'vitest';
import {
  PivotalAuthError,
  PivotalClient,
  PivotalConflictError,
  PivotalError,
  PivotalNotFoundError,
  PivotalPermissionError,
  PivotalProtocolError,
  PivotalRateLimitError,
  PivotalServerError,
  PivotalValidationError,
  errorFromResponse,
} from '../../src/pivotal/index.js';
import { simulatorFixture, stubFetch } from './support.js';

const DOCUMENTED: [number, string, string, new (...args: never[]) => PivotalError, boolean][] = [
  [400, 'invalid_request_error', 'too_small', PivotalValidationError, false],
  [401, 'authentication_error', 'api_key_revoked', PivotalAuthError, false],
  [403, 'permission_error', 'forbidden', PivotalPermissionError, false],
  [404, 'not_found', 'onboarding_not_found', PivotalNotFoundError, false],
  [409, 'conflict', 'slug_taken', PivotalConflictError, false],
  [429, 'rate_limit_error', 'rate_limited', PivotalRateLimitError, true],
  [500, 'internal_error', 'internal_error', PivotalServerError, true],
];

describe('error mapping', () => {
  it.each(DOCUMENTED)('HTTP %i %s → typed error, over real HTTP', async (status, type, code, ErrorClass, retryable) => {
    const { sim, client } = await simulatorFixture();
    sim.faults.failNext(1, status, { type, code, message: 'simulated' });

    const err = await client({ maxAttempts: 1 })
      .listOnboardings()
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ErrorClass);
    expect(err).toMatchObject({ status, type, code, message: 'simulated', retryable });
  });

  it('maps on type first, then on status when the body has no envelope', () => {
    expect(errorFromResponse(400, { error: { type: 'not_found', code: 'x', message: 'm' } })).toBeInstanceOf(
      PivotalNotFoundError,
    );
    expect(errorFromResponse(502, undefined)).toBeInstanceOf(PivotalServerError);
    expect(errorFromResponse(409, { error: { type: 'brand_new_type', code: 'x', message: 'm' } })).toBeInstanceOf(
      PivotalConflictError,
    );
    const plain = errorFromResponse(418, {});
    expect(plain.constructor).toBe(PivotalError);
    expect(plain.code).toBe('unknown');
  });

  it('recognises the in-flight idempotency conflict by its code, and nothing else', () => {
    const conflictWith = (code: string) =>
      errorFromResponse(409, { error: { type: 'conflict', code, message: 'm' } }) as PivotalConflictError;
    for (const code of [
      'idempotency_key_in_use',
      'request_in_progress',
      'idempotency_inflight',
      'concurrent_request',
      'still_processing',
    ]) {
      expect(conflictWith(code).isIdempotencyInFlight).toBe(true);
      expect(conflictWith(code).retryable).toBe(true);
    }
    for (const code of ['slug_taken', 'email_taken', 'idempotency_key_mismatch']) {
      expect(conflictWith(code).isIdempotencyInFlight).toBe(false);
    }
  });

  it('treats a 5xx HTML page from a proxy as a retryable server error', async () => {
    const { fetch, calls } = stubFetch(() => ({
      status: 502,
      body: '<html>Bad gateway</html>',
      headers: { 'content-type': 'text/html' },
    }));
    const client = new PivotalClient({
      baseUrl: 'https://pivotal.example/api/v1',
      apiKey: 'pivotal_test_stub',
      fetch,
      maxAttempts: 2,
      random: () => 0,
    });

    await expect(client.listCustomers()).rejects.toBeInstanceOf(PivotalServerError);
    expect(calls).toHaveLength(2);
  });

  it('rejects a success body that breaks the schema as a protocol error, without retrying', async () => {
    const { fetch, calls } = stubFetch(() => ({ body: { object: 'customer', name: 'no id' } }));
    const client = new PivotalClient({
      baseUrl: 'https://pivotal.example/api/v1/',
      apiKey: 'pivotal_test_stub',
      fetch,
    });

    const err = await client.getCustomer('245').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PivotalProtocolError);
    expect((err as PivotalProtocolError).message).toContain('id');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://pivotal.example/api/v1/customers/245');
  });

  it('rejects a list whose envelope breaks the schema (no has_more) as a protocol error', async () => {
    const { fetch } = stubFetch(() => ({ body: { object: 'list', data: [] } }));
    const client = new PivotalClient({
      baseUrl: 'https://pivotal.example/api/v1/',
      apiKey: 'pivotal_test_stub',
      fetch,
    });

    await expect(client.listCustomers()).rejects.toBeInstanceOf(PivotalProtocolError);
  });
});

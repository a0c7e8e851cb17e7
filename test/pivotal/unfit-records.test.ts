import { describe, expect, it } from 'vitest';
import {
  type PivotalAuthError,
  PivotalClient,
  PivotalProtocolError,
  PivotalUpstreamError,
  errorFromResponse,
  type UnfitRecord,
} from '../../src/pivotal/index.js';
import { simulatorFixture, stubFetch } from './support.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('records that do not fit the documented shape', () => {
  it('skips such a row in a list page, reports only its kind and id, and walks on to the next page', async () => {
    const { sim, org, client } = await simulatorFixture();
    sim.seedBulk(org.id, 5);
    const [first, second] = sim.state.list(org.id, 'customers');
    sim.faults.misshape((r) => r.id === second!.id, { name: 42, domain: 'private.example' });
    const unfit: UnfitRecord[] = [];
    const pivotal = client({ onUnfitRecord: (r) => unfit.push(r) });

    const page = await pivotal.listCustomers({ limit: 2 });
    const all = await collect(pivotal.customers({ limit: 2 }));

    expect(page.data.map((c) => c.id)).toEqual([first!.id]);
    expect(page.has_more).toBe(true);
    expect(all.map((c) => c.id)).toEqual(
      sim.state
        .list(org.id, 'customers')
        .map((c) => c.id)
        .filter((id) => id !== second!.id),
    );
    expect(unfit).toEqual([
      { kind: 'customer', id: second!.id, handling: 'skipped' },
      { kind: 'customer', id: second!.id, handling: 'skipped' },
    ]);
  });

  it('keeps a created record whose answer does not fit, from its id, display id and what was sent', async () => {
    const { sim, org, client } = await simulatorFixture();
    sim.faults.misshape((r) => r.object === 'customer', { name: null, status: ['not', 'a', 'string'] });
    const unfit: UnfitRecord[] = [];

    const created = await client({ onUnfitRecord: (r) => unfit.push(r) }).createCustomer(
      { name: 'Kept Co', status: 'onboarding' },
      { idempotencyKey: 'kept-1' },
    );

    const [stored] = sim.state.list(org.id, 'customers');
    expect(sim.state.list(org.id, 'customers')).toHaveLength(1);
    expect(created).toMatchObject({
      id: stored!.id,
      display_id: stored!.display_id,
      name: 'Kept Co',
      status: 'onboarding',
      slug: 'kept-co',
    });
    expect(unfit).toEqual([{ kind: 'customer', id: stored!.id, handling: 'kept' }]);
  });

  it('cannot keep a created record without a usable id and display id', async () => {
    const { fetch } = stubFetch(() => ({ status: 201, body: { object: 'customer', name: 'No Id Co' } }));
    const pivotal = new PivotalClient({
      baseUrl: 'https://pivotal.example/api/v1',
      apiKey: 'pivotal_test_stub',
      fetch,
    });

    await expect(pivotal.createCustomer({ name: 'No Id Co' }, { idempotencyKey: 'x' })).rejects.toBeInstanceOf(
      PivotalProtocolError,
    );
  });
});

describe('401 and 403 that are not Pivotal’s', () => {
  it('maps a 401 or 403 without the error envelope (HTML, or JSON of another shape) to a retryable upstream fault', () => {
    for (const [status, body] of [
      [401, undefined],
      [401, { message: 'Unauthorized' }],
      [403, undefined],
    ] as const) {
      const err = errorFromResponse(status, body);
      expect(err).toBeInstanceOf(PivotalUpstreamError);
      expect(err).toMatchObject({ status, type: 'upstream_error', retryable: true });
    }
  });

  it('flags a key only for the documented key errors', () => {
    const auth = (code: string) =>
      errorFromResponse(401, { error: { type: 'authentication_error', code, message: 'm' } }) as PivotalAuthError;
    for (const code of ['api_key_revoked', 'invalid_api_key', 'missing_api_key'])
      expect(auth(code).rejectsKey).toBe(true);
    for (const code of ['invalid_authorization_header', 'session_expired']) expect(auth(code).rejectsKey).toBe(false);
  });

  it('retries an HTML 401 from a proxy and never calls the key-rejection hook for it', async () => {
    const { sim, client } = await simulatorFixture();
    sim.faults.failNext(1, 401, { rawBody: { contentType: 'text/html', text: '<html>401</html>' } });
    const rejected: unknown[] = [];

    const page = await client({ onAuthError: (err) => rejected.push(err) }).listCustomers();

    expect(page.data).toEqual([]);
    expect(sim.requests.map((r) => r.status)).toEqual([401, 200]);
    expect(rejected).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { simulatorFixture } from './support.js';

/** Raw HTTP, to pin the simulator to the documented contract independently of the client. */
function api(base: string, key: string | undefined) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: text ? (JSON.parse(text) as Record<string, any>) : undefined,
    };
  };
}

describe('Pivotal simulator contract', () => {
  it('authenticates with Bearer only, case-insensitively; /health needs no key', async () => {
    const { sim, key } = await simulatorFixture();
    const raw = api(sim.url, undefined);

    expect((await raw('GET', '/me', undefined, { authorization: `bearer ${key}` })).status).toBe(200);
    for (const header of [`Bearer: ${key}`, key, 'Bearer pivotal_unknown000000000000000000000000']) {
      const res = await raw('GET', '/me', undefined, { authorization: header });
      expect(res.status).toBe(401);
      expect(res.json!.error.type).toBe('authentication_error');
    }
    expect((await raw('GET', '/me')).json!.error.code).toBe('missing_api_key');
    expect((await raw('GET', '/health')).json).toMatchObject({ status: 'ok' });
    expect(sim.requests.every((r) => !JSON.stringify(r).includes(key))).toBe(true);
  });

  it('limits each key with a sliding window; a 429 does not use budget and carries Retry-After', async () => {
    const { sim, key } = await simulatorFixture({ rateLimit: { live: 3, windowMs: 1_000 } });
    const call = api(sim.url, key);

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call('GET', '/customers'));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers[3]!.json!.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(answers[0]!.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((await call('GET', '/health')).headers.get('x-ratelimit-remaining')).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await call('GET', '/customers')).headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('pages newest first with a strictly-older cursor and validates paging parameters', async () => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedBulk(org.id, 5);
    const call = api(sim.url, key);

    const first = await call('GET', '/customers?limit=2');
    const second = await call('GET', `/customers?limit=2&cursor=${encodeURIComponent(first.json!.next_cursor)}`);
    const names = [...first.json!.data, ...second.json!.data].map((c: { name: string }) => c.name.split(' ').at(-1));

    expect(names).toEqual(['5', '4', '3', '2']);
    expect((await call('GET', '/customers?cursor=yesterday')).json!.error).toMatchObject({
      code: 'invalid_string',
      field: 'cursor',
      message: 'Invalid datetime',
    });
    expect((await call('GET', '/customers?limit=101')).json!.error).toMatchObject({ code: 'too_big', field: 'limit' });
    expect((await call('GET', '/customers?limit=0')).status).toBe(400);
  });

  it('validates bodies with a field, rejects broken JSON and unknown routes', async () => {
    const { sim, key } = await simulatorFixture();
    const call = api(sim.url, key);

    expect((await call('POST', '/customers', {})).json!.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'missing_field',
      field: 'name',
    });
    expect((await call('POST', '/customers', { name: 'X', status: 'vip' })).json!.error).toMatchObject({
      field: 'status',
    });
    expect((await call('POST', '/customers', '{"name":')).json!.error.type).toBe('invalid_request_error');
    const unknown = await call('GET', '/tasks');
    expect(unknown.status).toBe(404);
    expect(unknown.json!.error.type).toBe('not_found');
  });

  it('accepts the seven API phases, the documented states, and an org’s extra phases', async () => {
    const { sim, key } = await simulatorFixture();
    const call = api(sim.url, key);
    const customer = (await call('POST', '/customers', { name: 'Juniper Health Clinics' })).json!;
    const onboarding = (await call('POST', '/onboardings', { customer_id: String(customer.display_id) })).json!;

    expect(
      (await call('PATCH', `/onboardings/${onboarding.id}`, { phase: 'internal_qa', state: 'blocked' })).json,
    ).toMatchObject({ phase: 'internal_qa', state: 'blocked' });
    expect((await call('PATCH', `/onboardings/${onboarding.id}`, { phase: 'kickoff' })).json!.error).toMatchObject({
      field: 'phase',
    });

    const custom = sim.createOrg({ name: 'Custom', slug: 'custom', extraPhases: ['kickoff'] });
    const customCall = api(sim.url, sim.createKey(custom.id));
    const customCustomer = (await customCall('POST', '/customers', { name: 'Kestrel' })).json!;
    expect(
      (await customCall('POST', '/onboardings', { customer_id: customCustomer.id, phase: 'kickoff' })).json,
    ).toMatchObject({ phase: 'kickoff' });
  });

  it('derives state=waiting from waiting_on_customer, and completes on the terminal phase', async () => {
    const { sim, org, key } = await simulatorFixture();
    const call = api(sim.url, key);
    const customer = (await call('POST', '/customers', { name: 'Lumen Solar' })).json!;
    const onboarding = (await call('POST', '/onboardings', { customer_id: customer.id, waiting_on_customer: true }))
      .json!;

    expect(onboarding).toMatchObject({ state: 'waiting', waiting_on_customer: true, completed_at: null });
    expect((await call('GET', '/onboardings?state=waiting')).json!.data).toHaveLength(1);

    const done = sim.state.updateOnboarding(org.id, onboarding.id, { phase: 'completed', state: 'active' });
    expect(done).toMatchObject({ waiting_on_customer: false, state: 'active' });
    expect(done.completed_at).not.toBeNull();
    expect(done.updated_at >= onboarding.updated_at).toBe(true);
    expect((await call('GET', '/onboardings?state=waiting')).json!.data).toHaveLength(0);
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('soft-deletes: repeated DELETE answers the same, children of a deleted customer leave the lists', async () => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 2 });
    const call = api(sim.url, key);
    const [customer] = sim.state.list(org.id, 'customers');

    const first = await call('DELETE', `/customers/${customer!.display_id}`);
    const again = await call('DELETE', `/customers/${customer!.id}`);

    expect(again.text).toBe(first.text);
    expect(first.json).toEqual({
      object: 'deleted',
      id: customer!.id,
      display_id: customer!.display_id,
      deleted: true,
    });
    expect((await call('GET', `/customers/${customer!.id}`)).json!.error.code).toBe('customer_not_found');
    expect((await call('GET', '/onboardings')).json!.data).toHaveLength(1);
    expect((await call('GET', '/customers')).json!.data).toHaveLength(1);
    expect(sim.state.count(org.id, 'contacts')).toBe(1);
  });

  it('replays an idempotent POST byte for byte within 24 h, and creates anew after', async () => {
    let clock = new Date('2026-05-26T17:21:09.412Z');
    const { sim, org, key } = await simulatorFixture({ now: () => clock });
    const call = api(sim.url, key);
    const post = () =>
      call('POST', '/customers', { name: 'Aurora Analytics', slug: 'aurora' }, { 'idempotency-key': 'k-1' });

    const first = await post();
    const replay = await post();
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000 + 1);
    expect((await post()).json!.error.code).toBe('slug_taken');
    expect(sim.state.count(org.id, 'customers')).toBe(1);
  });

  it('stamps created_at with its clock, so records made together share it (a cursor can tie)', async () => {
    const frozen = new Date('2026-05-26T17:21:09.412Z');
    const { sim, org } = await simulatorFixture({ now: () => frozen });
    const customer = sim.state.createCustomer(org.id, { name: 'Aurora Outfitters', slug: 'aurora' });
    for (let i = 0; i < 3; i++) sim.state.createOnboarding(org.id, { customer_id: customer.id });

    expect(sim.state.list(org.id, 'onboardings').map((o) => o.created_at)).toEqual(
      Array(3).fill('2026-05-26T17:21:09.412Z'),
    );
    expect(customer.id).toMatch(/^c[a-z0-9]{24}$/);
  });
});

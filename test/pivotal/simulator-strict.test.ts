import { describe, expect, it } from 'vitest';
import { simulatorFixture } from './support.js';

/**
 * The simulator held to Pivotal's own documents (quickstart, test mode, authentication), over raw
 * HTTP so that nothing of the app's client is involved.
 */

function api(base: string, key: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      text,
      json: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : undefined,
    };
  };
}

describe('the strict simulator', () => {
  it('answers /me in the documented shape and nothing more', async () => {
    const live = await simulatorFixture({ mode: 'live' });
    const test = await simulatorFixture({ mode: 'test' });

    const me = (await api(live.sim.url, live.key)('GET', '/me')).json!;
    const testMe = (await api(test.sim.url, test.key)('GET', '/me')).json!;

    expect(Object.keys(me).sort()).toEqual(['key_name', 'key_prefix', 'mode', 'object', 'org_id', 'org_slug']);
    expect(me).toEqual({
      object: 'api_key_identity',
      key_name: 'vitest',
      key_prefix: live.key.slice(0, 12),
      org_id: live.org.id,
      org_slug: 'acme-corp',
      mode: 'live',
    });
    expect(Object.keys(testMe).sort()).toEqual(Object.keys(me).sort());
    expect(testMe).toMatchObject({ key_prefix: test.key.slice(0, 17), mode: 'test' });
  });

  it("accepts the documents' own request bodies: the quickstart and the CI smoke pattern", async () => {
    const { sim, key } = await simulatorFixture({ mode: 'test' });
    const call = api(sim.url, key);

    const customer = await call('POST', '/customers', {
      name: 'Aurora Outfitters',
      slug: 'aurora',
      domain: 'aurora.com',
      status: 'onboarding',
    });
    expect(customer.status).toBe(201);
    const smoke = await call('POST', '/customers', {
      name: 'CI abc1234',
      slug: 'ci-abc1234',
      status: 'onboarding',
      metadata: { ci_run_id: 'abc1234', test: true },
    });
    expect(smoke.status).toBe(201);
    const displayId = customer.json!.display_id as number;

    const contact = await call('POST', `/customers/${displayId}/contacts`, {
      name: 'Mira Chen',
      email: 'mira@aurora.com',
      title: 'Head of Ops',
      is_primary: true,
    });
    expect(contact.status).toBe(201);
    const onboarding = await call('POST', '/onboardings', {
      customer_id: String(displayId),
      phase: 'before_getting_started',
      state: 'active',
      target_launch_date: '2026-07-15T00:00:00Z',
    });
    expect(onboarding.status).toBe(201);
    expect(onboarding.json!.customer_id).toBe(customer.json!.id);

    expect(
      (await call('PATCH', `/onboardings/${onboarding.json!.display_id}`, { phase: 'program_design' })).json,
    ).toMatchObject({ phase: 'program_design' });
    expect((await call('DELETE', `/onboardings/${onboarding.json!.display_id}`)).json).toMatchObject({
      object: 'deleted',
      deleted: true,
    });
    expect((await call('DELETE', `/contacts/${contact.json!.display_id}`)).status).toBe(200);
    expect((await call('DELETE', `/customers/${displayId}`)).status).toBe(200);
  });

  it.each([
    ['a customer field no document shows', 'POST', '/customers', { name: 'X', owner: 'someone' }, 'owner'],
    [
      'a contact field no document shows',
      'POST',
      '/customers/1/contacts',
      { name: 'X', email: 'x@example.com', phone: '555' },
      'phone',
    ],
    [
      'an invented onboarding field',
      'POST',
      '/onboardings',
      { customer_id: '1', reminders_enabled: true },
      'reminders_enabled',
    ],
    [
      'the Slack owner as a top-level field',
      'POST',
      '/onboardings',
      { customer_id: '1', slack_csm_user_id: 'U0CSM001' },
      'slack_csm_user_id',
    ],
    ['a reason for a phase move', 'PATCH', '/onboardings/1', { phase: 'review', reason: 'rework' }, 'reason'],
    ['a note on a customer update', 'PATCH', '/customers/1', { note: 'x' }, 'note'],
  ])('refuses %s with a 400 naming the field', async (_what, method, path, body, field) => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 1 });

    const res = await api(sim.url, key)(method, path, body);

    expect(res.status).toBe(400);
    expect(res.json!.error).toMatchObject({ type: 'invalid_request_error', code: 'unrecognized_keys', field });
  });

  it.each([
    ['a customer status outside the documented lists', 'POST', '/customers', { name: 'X', status: 'vip' }, 'status'],
    ['an onboarding state outside the documented lists', 'PATCH', '/onboardings/1', { state: 'sleeping' }, 'state'],
    ['a phase outside the enum', 'PATCH', '/onboardings/1', { phase: 'kickoff' }, 'phase'],
    [
      'customer_id as a number (the documents send a string)',
      'POST',
      '/onboardings',
      { customer_id: 1 },
      'customer_id',
    ],
  ])('refuses %s with a 400 naming the field', async (_what, method, path, body, field) => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 1 });

    const res = await api(sim.url, key)(method, path, body);

    expect(res.status).toBe(400);
    expect(res.json!.error).toMatchObject({ type: 'invalid_request_error', field });
  });

  it('serves no field the documents do not show on an onboarding', async () => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 1 });

    const [row] = (await api(sim.url, key)('GET', '/onboardings')).json!.data as Record<string, unknown>[];

    expect(row).not.toHaveProperty('reminders_enabled');
    expect(row).not.toHaveProperty('reminder_frequency_days');
  });

  it('can answer as a proxy would: an HTML 401 without the error envelope', async () => {
    const { sim, key } = await simulatorFixture();
    sim.faults.failNext(1, 401, {
      rawBody: { contentType: 'text/html', text: '<html><body>401 Authorization Required</body></html>' },
    });

    const res = await api(sim.url, key)('GET', '/customers');

    expect(res.status).toBe(401);
    expect(res.contentType).toBe('text/html');
    expect(res.json).toBeUndefined();
    expect((await api(sim.url, key)('GET', '/customers')).status).toBe(200);
  });

  it('can refuse with 403 permission_error, for one method only', async () => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 1 });
    sim.faults.failNext(1, 403, { code: 'forbidden', method: 'PATCH' });
    const call = api(sim.url, key);

    expect((await call('GET', '/onboardings/1')).status).toBe(200);
    const refused = await call('PATCH', '/onboardings/1', { state: 'paused' });

    expect(refused.status).toBe(403);
    expect(refused.json!.error).toMatchObject({ type: 'permission_error', code: 'forbidden' });
  });

  it('can serve rows that do not fit the documented shape, in lists and reads', async () => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 3 });
    const [victim] = sim.state.list(org.id, 'onboardings');
    sim.faults.misshape((r) => r.id === victim!.id, { display_id: 'not a number', phase: null });
    const call = api(sim.url, key);

    const rows = (await call('GET', '/onboardings')).json!.data as Record<string, unknown>[];

    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.id === victim!.id)).toMatchObject({ display_id: 'not a number', phase: null });
    expect(rows.filter((r) => r.id !== victim!.id).every((r) => typeof r.display_id === 'number')).toBe(true);
    expect((await call('GET', `/onboardings/${victim!.id}`)).json).toMatchObject({ phase: null });
    sim.faults.clear();
    expect((await call('GET', `/onboardings/${victim!.id}`)).json!.phase).toBe(victim!.phase);
  });
});

import { describe, expect, it } from 'vitest';
import {
  PivotalConflictError,
  PivotalNotFoundError,
  PivotalValidationError,
  type Onboarding,
} from '../../src/pivotal/index.js';
import { requestsTo, simulatorFixture } from './support.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('PivotalClient resources against the simulator', () => {
  it('reads /me and /health', async () => {
    const { client, key } = await simulatorFixture({ mode: 'test' });
    const pivotal = client();

    const me = await pivotal.me();

    expect(me).toEqual({
      keyName: 'vitest',
      keyPrefix: key.slice(0, 17),
      organization: { id: expect.any(String), slug: 'acme-corp', name: null },
      mode: 'test',
    });
    expect(pivotal.mode).toBe('test');
    expect(pivotal.keyPrefix).toBe(key.slice(0, 17));
    expect(await pivotal.health()).toMatchObject({ status: 'ok' });
  });

  it('creates, reads (by cuid, display id and #display id), updates and soft-deletes a customer', async () => {
    const { client } = await simulatorFixture();
    const pivotal = client();

    const created = await pivotal.createCustomer(
      { name: 'Cobalt Logistics', status: 'onboarding', metadata: { test: true } },
      { idempotencyKey: 'c-1' },
    );
    expect(created).toMatchObject({
      name: 'Cobalt Logistics',
      slug: 'cobalt-logistics',
      status: 'onboarding',
      metadata: { test: true },
    });

    expect((await pivotal.getCustomer(created.id)).id).toBe(created.id);
    expect((await pivotal.getCustomer(`#${created.display_id}`)).id).toBe(created.id);
    expect((await pivotal.getCustomer(created.display_id)).id).toBe(created.id);

    const updated = await pivotal.updateCustomer(created.id, { domain: 'cobaltlogistics.io' });
    expect(updated).toMatchObject({ domain: 'cobaltlogistics.io', name: 'Cobalt Logistics' });

    const deleted = await pivotal.deleteCustomer(created.id);
    expect(deleted).toMatchObject({ id: created.id, display_id: created.display_id, deleted: true });
    expect(await pivotal.deleteCustomer(created.id)).toEqual(deleted);
    await expect(pivotal.getCustomer(created.id)).rejects.toBeInstanceOf(PivotalNotFoundError);
    expect((await pivotal.listCustomers()).data).toEqual([]);
  });

  it('finds a customer by slug through the list filter', async () => {
    const { sim, org, client } = await simulatorFixture();
    sim.seedDemo(org.id);

    const page = await client().listCustomers({ slug: 'kestrel-robotics' });

    expect(page.data.map((c) => c.name)).toEqual(['Kestrel Robotics']);
  });

  it('replays an idempotent create with the same id, and refuses the same key with another body', async () => {
    const { sim, org, client } = await simulatorFixture();
    const pivotal = client();

    const first = await pivotal.createCustomer(
      { name: 'Driftwood Dental Group' },
      { idempotencyKey: 'slack-view-123' },
    );
    const replay = await pivotal.createCustomer(
      { name: 'Driftwood Dental Group' },
      { idempotencyKey: 'slack-view-123' },
    );
    expect(replay.id).toBe(first.id);
    expect(replay.display_id).toBe(first.display_id);
    expect(sim.state.count(org.id, 'customers')).toBe(1);

    const mismatch = await pivotal
      .createCustomer({ name: 'Evergreen Fitness' }, { idempotencyKey: 'slack-view-123' })
      .catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(PivotalConflictError);
    expect((mismatch as PivotalConflictError).code).toBe('idempotency_key_mismatch');
    expect((mismatch as PivotalConflictError).isIdempotencyInFlight).toBe(false);
    expect(requestsTo(sim, 'POST', '/customers')).toHaveLength(3);
  });

  it('reports slug_taken and email_taken as conflicts without retrying', async () => {
    const { sim, client } = await simulatorFixture();
    const pivotal = client();
    const customer = await pivotal.createCustomer({ name: 'Foxglove Florists' }, { idempotencyKey: 'a' });

    const slugTaken = await pivotal
      .createCustomer({ name: 'Foxglove Florists' }, { idempotencyKey: 'b' })
      .catch((e: unknown) => e);
    expect(slugTaken).toBeInstanceOf(PivotalConflictError);
    expect((slugTaken as PivotalConflictError).isSlugTaken).toBe(true);

    await pivotal.createContact(
      customer.id,
      { name: 'Hannah Okafor', email: 'Hannah@Foxglove.shop' },
      { idempotencyKey: 'c' },
    );
    const emailTaken = await pivotal
      .createContact(customer.id, { name: 'H. Okafor', email: 'hannah@foxglove.shop' }, { idempotencyKey: 'd' })
      .catch((e: unknown) => e);
    expect(emailTaken).toBeInstanceOf(PivotalConflictError);
    expect((emailTaken as PivotalConflictError).isEmailTaken).toBe(true);
    expect(requestsTo(sim, 'POST', '/contacts')).toHaveLength(2);
  });

  it('keeps one primary contact per customer and lower-cases emails', async () => {
    const { client } = await simulatorFixture();
    const pivotal = client();
    const customer = await pivotal.createCustomer({ name: 'Granite Peak Outfitters' }, { idempotencyKey: 'gp' });

    const ethan = await pivotal.createContact(
      customer.id,
      { name: 'Ethan Brooks', email: 'Ethan@GranitePeak.co', is_primary: true },
      { idempotencyKey: 'e' },
    );
    const zoe = await pivotal.createContact(
      `#${customer.display_id}`,
      { name: 'Zoe Park', email: 'zoe@granitepeak.co', is_primary: true },
      { idempotencyKey: 'z' },
    );

    expect(ethan.email).toBe('ethan@granitepeak.co');
    const contacts = await collect(pivotal.contacts(customer.id));
    expect(contacts.map((c) => [c.name, c.is_primary])).toEqual([
      ['Zoe Park', true],
      ['Ethan Brooks', false],
    ]);
    expect((await pivotal.getContact(zoe.id)).customer_id).toBe(customer.id);
  });

  it('creates onboardings with the documented defaults and moves them through phases', async () => {
    const { client } = await simulatorFixture();
    const pivotal = client();
    const customer = await pivotal.createCustomer({ name: 'Harbor Light Insurance' }, { idempotencyKey: 'hl' });

    const onboarding = await pivotal.createOnboarding(
      { customer_id: `#${customer.display_id}`, target_launch_date: '2026-07-15', csm_id: 'user_csm_001' },
      { idempotencyKey: 'hl-onb' },
    );
    expect(onboarding).toMatchObject({
      customer_id: customer.id,
      phase: 'before_getting_started',
      state: 'active',
      target_launch_date: '2026-07-15',
    });

    const moved = await pivotal.updateOnboarding(onboarding.display_id, { phase: 'program_design', state: 'waiting' });
    expect(moved).toMatchObject({
      phase: 'program_design',
      state: 'waiting',
      waiting_on_customer: true,
      target_launch_date: '2026-07-15',
    });

    const cleared = await pivotal.updateOnboarding(onboarding.id, { target_launch_date: null });
    expect(cleared.target_launch_date).toBeNull();

    expect((await pivotal.listOnboardings({ state: 'waiting' })).data.map((o) => o.id)).toEqual([onboarding.id]);
    expect((await pivotal.listCustomerOnboardings(customer.id)).data).toHaveLength(1);

    await pivotal.deleteOnboarding(onboarding.id);
    const patchDeleted = await pivotal.updateOnboarding(onboarding.id, { phase: 'review' }).catch((e: unknown) => e);
    expect(patchDeleted).toBeInstanceOf(PivotalNotFoundError);
    expect((patchDeleted as PivotalNotFoundError).code).toBe('onboarding_not_found');
  });

  it('answers a missing customer on onboarding create with 404, and a bad body with a field', async () => {
    const { client } = await simulatorFixture();
    const pivotal = client();

    await expect(pivotal.createOnboarding({ customer_id: '999' }, { idempotencyKey: 'x' })).rejects.toBeInstanceOf(
      PivotalNotFoundError,
    );
    const invalid = await pivotal.createCustomer({ name: '' }, { idempotencyKey: 'y' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(PivotalValidationError);
    expect((invalid as PivotalValidationError).field).toBe('name');
    await expect(pivotal.getCustomer('#')).rejects.toBeInstanceOf(PivotalNotFoundError);
  });

  it('walks more than 250 records across pages, each exactly once', async () => {
    const { sim, org, client } = await simulatorFixture();
    sim.seedBulk(org.id, 260);
    sim.resetRequests();

    const seen: Onboarding[] = await collect(client().onboardings());

    expect(seen).toHaveLength(260);
    expect(new Set(seen.map((o) => o.id)).size).toBe(260);
    const created = seen.map((o) => o.created_at!);
    expect([...created].sort().reverse()).toEqual(created);
    // Default page size 20: 13 pages.
    expect(sim.requests).toHaveLength(13);
  });
});

import { describe, expect, it } from 'vitest';
import { PivotalNotFoundError, PivotalProtocolError, type PivotalClient } from '../../src/pivotal/index.js';
import type { PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { requestsTo, simulatorFixture } from './support.js';

/**
 * Pivotal's delete is soft: a deleted record leaves the lists and a read of it answers 404. Its DELETE
 * answers `{object: 'deleted', id, display_id, deleted: true}`, and a read may answer that same body
 * instead of the 404. Both readings are "not found" to the client's callers.
 */

/** The next GET of `path` answers `body` with a 200, as a server reading "deleted" that way would. */
function answerNextRead(sim: PivotalSimulator, path: string, body: unknown): void {
  sim.faults.failNext(1, 200, {
    method: 'GET',
    path,
    rawBody: { contentType: 'application/json', text: JSON.stringify(body) },
  });
}

async function notFound(read: Promise<unknown>): Promise<PivotalNotFoundError> {
  const err = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PivotalNotFoundError);
  return err as PivotalNotFoundError;
}

describe('reading a deleted record by id', () => {
  it('is not found both when Pivotal answers 404 and when it answers the deleted object', async () => {
    const { sim, client } = await simulatorFixture();
    const pivotal: PivotalClient = client();
    const customer = await pivotal.createCustomer({ name: 'Gone Co' }, { idempotencyKey: 'gone-co' });
    const onboarding = await pivotal.createOnboarding(
      { customer_id: customer.id, name: 'Gone rollout' },
      { idempotencyKey: 'gone-rollout' },
    );
    const contact = await pivotal.createContact(
      customer.id,
      { name: 'Gone Person', email: 'gone@example.com' },
      { idempotencyKey: 'gone-person' },
    );

    const reads: Array<{ path: string; deleteIt: () => Promise<unknown>; read: () => Promise<unknown> }> = [
      {
        path: `/onboardings/${onboarding.id}`,
        deleteIt: () => pivotal.deleteOnboarding(onboarding.id),
        read: () => pivotal.getOnboarding(onboarding.id),
      },
      {
        path: `/contacts/${contact.id}`,
        deleteIt: () => pivotal.deleteContact(contact.id),
        read: () => pivotal.getContact(contact.id),
      },
      {
        path: `/customers/${customer.id}`,
        deleteIt: () => pivotal.deleteCustomer(customer.id),
        read: () => pivotal.getCustomer(customer.id),
      },
    ];
    for (const { path, deleteIt, read } of reads) {
      const deletedAnswer = await deleteIt();
      expect(deletedAnswer).toMatchObject({ object: 'deleted', deleted: true });

      expect((await notFound(read())).status).toBe(404);

      answerNextRead(sim, path, deletedAnswer);
      const err = await notFound(read());
      expect(err).toMatchObject({ status: 200, code: 'deleted' });
      // The deleted object was really served (a 200), and read once: "not found" is not retried.
      expect(requestsTo(sim, 'GET', path).map((r) => r.status)).toEqual([404, 200]);
    }
  });

  it('reads a deleted object that carries only `deleted: true` as not found too', async () => {
    const { sim, client } = await simulatorFixture();
    const pivotal = client();
    const customer = await pivotal.createCustomer({ name: 'Flagged Co' }, { idempotencyKey: 'flagged' });
    answerNextRead(sim, `/customers/${customer.id}`, {
      id: customer.id,
      display_id: customer.display_id,
      deleted: true,
    });

    expect(await notFound(pivotal.getCustomer(customer.id))).toMatchObject({ code: 'deleted' });
  });

  it('still returns a live record as it is, `deleted: false` included, and still refuses one that fits neither shape', async () => {
    const { sim, client } = await simulatorFixture();
    const pivotal = client();
    const customer = await pivotal.createCustomer(
      { name: 'Live Co', status: 'onboarding' },
      { idempotencyKey: 'live' },
    );

    expect(await pivotal.getCustomer(customer.id)).toEqual(customer);
    expect(await pivotal.getCustomer(`#${customer.display_id}`)).toEqual(customer);

    answerNextRead(sim, `/customers/${customer.id}`, { ...customer, deleted: false });
    expect(await pivotal.getCustomer(customer.id)).toEqual({ ...customer, deleted: false });

    answerNextRead(sim, `/customers/${customer.id}`, { ...customer, name: 42 });
    const err = await pivotal.getCustomer(customer.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PivotalProtocolError);
    expect((err as Error).message).toContain('name');
  });
});

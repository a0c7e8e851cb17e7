import { expect, it } from 'vitest';
import { releaseLease, tryAcquireLease } from '../../src/store/leases.js';
import { describeEachDialect } from '../helpers/databases.js';

const TTL_MS = 30_000;
const t0 = new Date('2026-03-01T10:00:00.000Z');
const after = (ms: number) => new Date(t0.getTime() + ms);

describeEachDialect('leases', (suite) => {
  const db = () => suite.store().db;

  it('is held by one replica at a time', async () => {
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-a', TTL_MS, t0)).toBe(true);
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-b', TTL_MS, after(1_000))).toBe(false);
    // Different work is leased independently.
    expect(await tryAcquireLease(db(), 'poll:T2', 'replica-b', TTL_MS, after(1_000))).toBe(true);
  });

  it('is renewed by its holder, which pushes the expiry out', async () => {
    await tryAcquireLease(db(), 'poll:T1', 'replica-a', TTL_MS, t0);
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-a', TTL_MS, after(20_000))).toBe(true);
    // Past the first expiry but inside the renewed one: still replica-a's.
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-b', TTL_MS, after(40_000))).toBe(false);
    const lease = await db().selectFrom('leases').selectAll().executeTakeFirstOrThrow();
    expect(lease).toEqual({ name: 'poll:T1', holder: 'replica-a', expires_at: after(50_000).toISOString() });
  });

  it('passes to another replica once it expires', async () => {
    await tryAcquireLease(db(), 'poll:T1', 'replica-a', TTL_MS, t0);
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-b', TTL_MS, after(TTL_MS))).toBe(true);
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-a', TTL_MS, after(TTL_MS + 1))).toBe(false);
  });

  it('goes to exactly one of 20 replicas racing for a free lease', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tryAcquireLease(db(), 'poll:T1', `replica-${i}`, TTL_MS, t0)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('goes to exactly one of 20 replicas racing for an expired lease', async () => {
    await tryAcquireLease(db(), 'poll:T1', 'dead-replica', TTL_MS, t0);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tryAcquireLease(db(), 'poll:T1', `replica-${i}`, TTL_MS, after(TTL_MS + 1))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('is released only by its holder', async () => {
    await tryAcquireLease(db(), 'poll:T1', 'replica-a', TTL_MS, t0);
    await releaseLease(db(), 'poll:T1', 'replica-b');
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-b', TTL_MS, after(1_000))).toBe(false);

    await releaseLease(db(), 'poll:T1', 'replica-a');
    expect(await tryAcquireLease(db(), 'poll:T1', 'replica-b', TTL_MS, after(1_000))).toBe(true);
  });
});

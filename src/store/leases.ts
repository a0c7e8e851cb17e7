import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from './database.js';

/**
 * Leases make once-only work (polling a workspace, dispatching its outbox) safe across replicas: the
 * holder must renew before `ttlMs` runs out, and a holder that dies hands the work over by expiring.
 *
 * Acquire, take over an expired lease and renew are one INSERT … ON CONFLICT DO UPDATE … WHERE. The
 * database locks the row and re-checks the WHERE against the latest version, so of two replicas
 * racing for a free or expired lease exactly one sees its row come back.
 *
 * Expiry is judged by the caller's clock, so replicas need synchronised clocks (NTP) and a ttl far
 * above their skew.
 */
export async function tryAcquireLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  now = new Date(),
): Promise<boolean> {
  const acquired = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: new Date(now.getTime() + ttlMs).toISOString() })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at') }))
        .where((eb) =>
          eb.or([
            eb('leases.holder', '=', eb.ref('excluded.holder')),
            eb('leases.expires_at', '<=', now.toISOString()),
          ]),
        ),
    )
    .returning('name')
    .executeTakeFirst();
  return acquired !== undefined;
}

/** Lets another replica take the work at once instead of waiting for expiry; only the holder can. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** Names this replica in a lease: host, process and a random part, so two workers of one process differ. */
export function newLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

import type { Updateable } from 'kysely';
import type { Db } from './database.js';
import type { SyncStateRow, SyncStateTable } from './schema-sync.js';

export async function getSyncState(db: Db, workspaceId: string): Promise<SyncStateRow | undefined> {
  return db.selectFrom('sync_state').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
}

/** The state of a workspace, created on first use with its first sync due at once. */
export async function ensureSyncState(db: Db, workspaceId: string, now: Date): Promise<SyncStateRow> {
  const at = now.toISOString();
  await db
    .insertInto('sync_state')
    .values({ workspace_id: workspaceId, next_sync_at: at, updated_at: at })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  return (await getSyncState(db, workspaceId))!;
}

export async function updateSyncState(
  db: Db,
  workspaceId: string,
  changes: Updateable<SyncStateTable>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('sync_state')
    .set({ ...changes, updated_at: now.toISOString() })
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** Forgets how far the sync got, so the next cycle fills the read model again without announcing it. */
export function restartedSync(org: { id: string; name: string | null }): Updateable<SyncStateTable> {
  return {
    org_id: org.id,
    org_name: org.name,
    customers_cursor: null,
    onboardings_cursor: null,
    walk_kind: null,
    walk_cursor: null,
    walk_started_at: null,
    last_full_walk_at: null,
    lag_ms: null,
  };
}

export async function markContactsRead(
  db: Db,
  workspaceId: string,
  customerIds: readonly string[],
  now: Date,
): Promise<void> {
  if (customerIds.length === 0) return;
  const at = now.toISOString();
  await db
    .insertInto('sync_contact_reads')
    .values(customerIds.map((customer_id) => ({ workspace_id: workspaceId, customer_id, read_at: at })))
    .onConflict((oc) => oc.columns(['workspace_id', 'customer_id']).doUpdateSet({ read_at: at }))
    .execute();
}

/**
 * Customers whose primary contact is still unknown and whose contacts were never read, newest first.
 * Customers the app created itself already carry their primary contact and never get here.
 */
export async function customersAwaitingContacts(db: Db, workspaceId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('rm_customers as c')
    .leftJoin('sync_contact_reads as r', (join) =>
      join.onRef('r.workspace_id', '=', 'c.workspace_id').onRef('r.customer_id', '=', 'c.id'),
    )
    .select('c.id')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.deleted', '=', 0)
    .where('c.primary_contact_id', 'is', null)
    .where('r.customer_id', 'is', null)
    .orderBy('c.pivotal_created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

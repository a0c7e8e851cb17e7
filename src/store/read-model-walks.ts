import type { Db } from './database.js';
import type { WalkKind } from './schema-sync.js';

/**
 * Records of the read model that a complete walk begun at `walkStartedAt` did not touch. Soft-deleted
 * records vanish from the lists, but so may a live one the walk missed, so these are only candidates:
 * Pivotal's answer to a GET by id decides. An onboarding also vanishes from the lists with its
 * customer, so it comes with whether the read model has that customer as deleted.
 */
export async function unseenSince(
  db: Db,
  workspaceId: string,
  kind: WalkKind,
  walkStartedAt: string,
  limit: number,
): Promise<Array<{ id: string; customerDeleted: boolean }>> {
  const rows = await db
    .selectFrom(kind === 'customers' ? 'rm_customers' : 'rm_onboardings')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('deleted', '=', 0)
    .where('synced_at', '<', walkStartedAt)
    .orderBy('id')
    .limit(limit)
    .execute();
  if (kind === 'customers' || rows.length === 0) return rows.map((r) => ({ id: r.id, customerDeleted: false }));
  const orphaned = await db
    .selectFrom('rm_onboardings as o')
    .innerJoin('rm_customers as c', (join) =>
      join.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
    )
    .select('o.id')
    .where('o.workspace_id', '=', workspaceId)
    .where(
      'o.id',
      'in',
      rows.map((r) => r.id),
    )
    .where('c.deleted', '=', 1)
    .execute();
  const gone = new Set(orphaned.map((r) => r.id));
  return rows.map((r) => ({ id: r.id, customerDeleted: gone.has(r.id) }));
}

/** Everything of a workspace counts as gone until read again (the key now points at another org). */
export async function markAllDeleted(db: Db, workspaceId: string): Promise<void> {
  await db.updateTable('rm_customers').set({ deleted: 1 }).where('workspace_id', '=', workspaceId).execute();
  await db.updateTable('rm_onboardings').set({ deleted: 1 }).where('workspace_id', '=', workspaceId).execute();
}

import type { Db } from './database.js';

/** Outbox rows not yet delivered, counted by status (`pending`, `held`). */
export async function undeliveredOutboxCounts(db: Db): Promise<{ status: string; count: number }[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('status', '!=', 'done')
    .groupBy('status')
    .execute();
  return rows.map((row) => ({ status: row.status, count: Number(row.n) }));
}

/** When the oldest pending outbox row was written, if any is pending. */
export async function oldestPendingOutboxAt(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min<string | null>('created_at').as('oldest'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.oldest ?? null;
}

export interface SyncTiming {
  workspaceId: string;
  lastSyncAt: string | null;
  lagMs: number | null;
}

/** Each synced workspace's last completed cycle and how long its last full walk took. */
export async function syncTimings(db: Db): Promise<SyncTiming[]> {
  const rows = await db.selectFrom('sync_state').select(['workspace_id', 'last_sync_at', 'lag_ms']).execute();
  return rows.map((row) => ({ workspaceId: row.workspace_id, lastSyncAt: row.last_sync_at, lagMs: row.lag_ms }));
}

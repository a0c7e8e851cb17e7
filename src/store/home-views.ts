import type { Db } from './database.js';
import type { HomeViewRow } from './schema-sync.js';

/** The filters (JSON) the person last used on Home, if they opened it before. */
export async function storedHomeFilters(db: Db, workspaceId: string, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('home_views')
    .select('filters')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.filters;
}

/** Notes that the person looked now; a first look stores `initialFilters` (JSON). */
export async function recordHomeOpened(
  db: Db,
  workspaceId: string,
  userId: string,
  initialFilters: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('home_views')
    .values({ workspace_id: workspaceId, user_id: userId, filters: initialFilters, opened_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ opened_at: at }))
    .execute();
}

export async function saveHomeFilters(
  db: Db,
  workspaceId: string,
  userId: string,
  filters: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto('home_views')
    .values({ workspace_id: workspaceId, user_id: userId, filters, opened_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ filters, opened_at: now.toISOString() }))
    .execute();
}

export async function markPublished(
  db: Db,
  workspaceId: string,
  userId: string,
  viewHash: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('home_views')
    .set({ published_at: now.toISOString(), view_hash: viewHash })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}

export async function recentViewers(
  db: Db,
  workspaceId: string,
  since: Date,
): Promise<Array<Pick<HomeViewRow, 'user_id' | 'view_hash'>>> {
  return db
    .selectFrom('home_views')
    .select(['user_id', 'view_hash'])
    .where('workspace_id', '=', workspaceId)
    .where('opened_at', '>=', since.toISOString())
    .orderBy('opened_at', 'desc')
    .execute();
}

import { z } from 'zod';
import { FOCUSES } from '../../domain/pipeline-focus.js';
import type { Db } from '../../store/database.js';
import type { HomeViewRow } from '../../store/schema-sync.js';

/** What a person chose to see on Home; kept per person so every refresh keeps it. */
export const HomeFiltersSchema = z.object({
  /**
   * Null until the person picks: then "Mine" for someone who owns open onboardings, else everyone.
   * A key of its own: the `owner` saved before there was such a default was "everyone" for all.
   */
  whose: z.enum(['everyone', 'mine']).nullable().catch(null),
  /** One of the summary's counts, picked with one click. */
  focus: z.enum(FOCUSES).nullable().catch(null),
  /** `state:<state>`, or null for any. */
  state: z.string().startsWith('state:').nullable().catch(null),
  phase: z.string().nullable().catch(null),
  /** Finished onboardings are listed only when asked for. */
  finished: z.boolean().catch(false),
  offset: z.number().int().min(0).catch(0),
});

export type HomeFilters = z.infer<typeof HomeFiltersSchema>;

export const DEFAULT_FILTERS: HomeFilters = {
  whose: null,
  focus: null,
  state: null,
  phase: null,
  finished: false,
  offset: 0,
};

function parseFilters(text: string | undefined): HomeFilters {
  if (!text) return DEFAULT_FILTERS;
  try {
    return HomeFiltersSchema.parse(JSON.parse(text));
  } catch {
    return DEFAULT_FILTERS;
  }
}

export async function getFilters(db: Db, workspaceId: string, userId: string): Promise<HomeFilters> {
  const row = await db
    .selectFrom('home_views')
    .select('filters')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return parseFilters(row?.filters);
}

/** Notes that the person looked now (they count as a recent viewer for refreshes). */
export async function recordOpened(db: Db, workspaceId: string, userId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('home_views')
    .values({ workspace_id: workspaceId, user_id: userId, filters: JSON.stringify(DEFAULT_FILTERS), opened_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ opened_at: at }))
    .execute();
}

export async function saveFilters(
  db: Db,
  workspaceId: string,
  userId: string,
  filters: HomeFilters,
  now: Date,
): Promise<void> {
  const text = JSON.stringify(filters);
  await db
    .insertInto('home_views')
    .values({ workspace_id: workspaceId, user_id: userId, filters: text, opened_at: now.toISOString() })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'user_id']).doUpdateSet({ filters: text, opened_at: now.toISOString() }),
    )
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

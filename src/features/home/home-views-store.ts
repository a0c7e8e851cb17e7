import { z } from 'zod';
import type { Db } from '../../store/database.js';
import { recordHomeOpened, saveHomeFilters, storedHomeFilters } from '../../store/home-views.js';

/** What a person chose to see on Home; kept per person so every refresh keeps it. */
export const HomeFiltersSchema = z.object({
  owner: z.enum(['everyone', 'mine']).catch('everyone'),
  /** `state:<state>`, `flag:overdue`, or null for any. */
  state: z.string().nullable().catch(null),
  phase: z.string().nullable().catch(null),
  offset: z.number().int().min(0).catch(0),
});

export type HomeFilters = z.infer<typeof HomeFiltersSchema>;

export const DEFAULT_FILTERS: HomeFilters = { owner: 'everyone', state: null, phase: null, offset: 0 };

function parseFilters(text: string | undefined): HomeFilters {
  if (!text) return DEFAULT_FILTERS;
  try {
    return HomeFiltersSchema.parse(JSON.parse(text));
  } catch {
    return DEFAULT_FILTERS;
  }
}

export async function getFilters(db: Db, workspaceId: string, userId: string): Promise<HomeFilters> {
  return parseFilters(await storedHomeFilters(db, workspaceId, userId));
}

/** Notes that the person looked now (they count as a recent viewer for refreshes). */
export async function recordOpened(db: Db, workspaceId: string, userId: string, now: Date): Promise<void> {
  await recordHomeOpened(db, workspaceId, userId, JSON.stringify(DEFAULT_FILTERS), now);
}

export async function saveFilters(
  db: Db,
  workspaceId: string,
  userId: string,
  filters: HomeFilters,
  now: Date,
): Promise<void> {
  await saveHomeFilters(db, workspaceId, userId, JSON.stringify(filters), now);
}

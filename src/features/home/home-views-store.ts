import { z } from 'zod';
import { FOCUSES } from '../../domain/pipeline-focus.js';
import type { Db } from '../../store/database.js';
import { recordHomeOpened, saveHomeFilters, storedHomeFilters } from '../../store/home-views.js';

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

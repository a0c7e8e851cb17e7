import { DEFAULT_PHASES, PhaseSequence, type Phase } from '../domain/phases.js';
import type { Db } from './database.js';

/** No Pivotal endpoint lists phases, so each workspace's sequence lives here. */
export async function loadPhaseSequence(db: Db, workspaceId: string): Promise<PhaseSequence> {
  const rows = await db
    .selectFrom('phases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .execute();
  if (rows.length === 0) return new PhaseSequence(DEFAULT_PHASES);
  return new PhaseSequence(rows.map((r) => ({ key: r.key, name: r.name, archived: r.archived === 1 })));
}

/** Replaces the whole sequence (rename, reorder, add, archive are all edits of the list). */
export async function savePhaseSequence(db: Db, workspaceId: string, phases: readonly Phase[]): Promise<void> {
  await db.deleteFrom('phases').where('workspace_id', '=', workspaceId).execute();
  if (phases.length === 0) return;
  await db
    .insertInto('phases')
    .values(
      phases.map((p, position) => ({
        workspace_id: workspaceId,
        key: p.key,
        name: p.name,
        position,
        archived: p.archived ? 1 : 0,
      })),
    )
    .execute();
}

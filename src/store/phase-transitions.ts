import type { Insertable } from 'kysely';
import type { Db } from './database.js';
import type { PhaseTransitionsTable } from './schema-phases.js';

export type NewPhaseTransition = Insertable<PhaseTransitionsTable>;

/** Appends to the app's audit of moves made from Slack. */
export async function insertPhaseTransitions(db: Db, rows: readonly NewPhaseTransition[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('phase_transitions').values(rows).execute();
}

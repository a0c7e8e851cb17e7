import { valuesInUse } from '../../store/read-model.js';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { Phase, PhaseSequence } from '../../domain/phases.js';
import { asciiWords } from '../../domain/slug.js';
import { type AdminRefusal, refuseUnlessAdmin } from '../../security/admin-guard.js';
import { loadPhaseSequence, savePhaseSequence } from '../../store/phases.js';
import type { Session } from '../shared/session.js';

/**
 * `/pivotal phases`: admins edit the workspace's phase sequence as text, one phase
 * per line in order, `key = Name`. The key is the string Pivotal stores in `phase`, so renaming
 * changes the name only; a line with a name alone adds a phase whose key is made from the name;
 * moving a line to "Archived" archives it. Phases are never deleted: onboardings may still be in
 * them, and the app must keep their names.
 */

export const PHASE_LIMITS = { phases: 50, name: 75, key: 64, boxChars: 3000 } as const;
const KEY = /^[a-z0-9][a-z0-9_-]*$/;

export function sequenceText(phases: readonly Phase[]): string {
  return phases.map((p) => `${p.key} = ${p.name}`).join('\n');
}

export function keyFromName(name: string): string {
  return asciiWords(name, '_').slice(0, PHASE_LIMITS.key);
}

export type SequenceBlock = 'active' | 'archived';
export type SequenceCheck =
  | { ok: true; phases: Phase[] }
  | { ok: false; errors: Partial<Record<SequenceBlock, string>> };

function parseLines(text: string, archived: boolean): { phases: Phase[]; problems: string[]; keys: string[] } {
  const phases: Phase[] = [];
  const problems: string[] = [];
  // Keys of refused lines too: a line with a bad name still names its phase, which is not missing.
  const keys: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const eq = line.indexOf('=');
    const name = (eq >= 0 ? line.slice(eq + 1) : line).trim();
    const key = eq >= 0 ? line.slice(0, eq).trim() : keyFromName(name);
    keys.push(key);
    if (!name) problems.push(`line ${i + 1} has no name after "="`);
    else if ([...name].length > PHASE_LIMITS.name)
      problems.push(`line ${i + 1}: names can be at most ${PHASE_LIMITS.name} characters`);
    else if (!KEY.test(key) || key.length > PHASE_LIMITS.key)
      problems.push(
        `line ${i + 1}: "${key || '(empty)'}" is not a usable key (lower-case letters, digits, _ and -, up to ${PHASE_LIMITS.key})`,
      );
    else phases.push({ key, name, archived });
  });
  return { phases, problems, keys };
}

/** Checks an edit against the saved sequence; each problem is reported under the box it is in. */
export function checkSequence(activeText: string, archivedText: string, saved: PhaseSequence): SequenceCheck {
  const active = parseLines(activeText, false);
  const archived = parseLines(archivedText, true);
  const errors: Partial<Record<SequenceBlock, string>> = {};
  const all = [...active.phases, ...archived.phases];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const p of all) (seen.has(p.key) ? duplicates : seen).add(p.key);
  const mentioned = new Set([...active.keys, ...archived.keys]);
  const missing = saved.all.filter((p) => !mentioned.has(p.key));

  const activeProblems = [...active.problems];
  if (active.phases.length === 0 && active.problems.length === 0)
    activeProblems.push('keep at least one phase that is not archived');
  if (duplicates.size > 0)
    activeProblems.push(
      `${[...duplicates].map((k) => `"${k}"`).join(', ')} appear${duplicates.size === 1 ? 's' : ''} more than once`,
    );
  if (missing.length > 0) {
    activeProblems.push(
      `${missing.map((p) => `"${p.key}" (${p.name})`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: phases can't be deleted, move the line to Archived instead`,
    );
  }
  if (all.length > PHASE_LIMITS.phases) activeProblems.push(`at most ${PHASE_LIMITS.phases} phases`);
  // The editor shows each list in a text box, which Slack caps at 3000 characters.
  const tooLong = (phases: Phase[]) => sequenceText(phases).length > PHASE_LIMITS.boxChars;
  const boxFull = `the list would not fit the editor (${PHASE_LIMITS.boxChars} characters): shorten names`;
  if (tooLong(active.phases)) activeProblems.push(boxFull);
  const archivedProblems = [...archived.problems, ...(tooLong(archived.phases) ? [boxFull] : [])];
  if (activeProblems.length > 0) errors.active = capitalise(activeProblems.join('; ')) + '.';
  if (archivedProblems.length > 0) errors.archived = capitalise(archivedProblems.join('; ')) + '.';
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, phases: all };
}

const capitalise = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export interface EditorData {
  phases: PhaseSequence;
  /** Phase strings onboardings carry that the sequence does not list, for the admin to place. */
  unlisted: string[];
}

export type EditorAccess = { ok: true; data: EditorData } | { ok: false; refusal: AdminRefusal };

const EDIT_PHASES = 'edit the phase list';

export async function openSequenceEditor(
  ctx: AppContext,
  session: Session,
  actor: { userId: string; slack: WebClient },
): Promise<EditorAccess> {
  const refusal = await refuseUnlessAdmin(ctx, session, actor, EDIT_PHASES);
  if (refusal) return { ok: false, refusal };
  return { ok: true, data: await editorData(ctx, session.workspaceId) };
}

async function editorData(ctx: AppContext, workspaceId: string): Promise<EditorData> {
  const phases = await loadPhaseSequence(ctx.store.db, workspaceId);
  const inUse = await valuesInUse(ctx.store.db, workspaceId, 'phase');
  const known = new Set(phases.all.map((p) => p.key));
  return { phases, unlisted: inUse.filter((p) => !known.has(p)) };
}

/** Checks and saves a submitted edit; admin rights are checked again, the modal may be old. */
export async function saveSequenceEdit(
  ctx: AppContext,
  session: Session,
  actor: { userId: string; slack: WebClient },
  edit: { active: string; archived: string },
): Promise<SequenceCheck> {
  const refusal = await refuseUnlessAdmin(ctx, session, actor, EDIT_PHASES);
  if (refusal) return { ok: false, errors: { active: refusal.fieldText } };
  const saved = await loadPhaseSequence(ctx.store.db, session.workspaceId);
  const check = checkSequence(edit.active, edit.archived, saved);
  if (check.ok)
    await ctx.store.db.transaction().execute((trx) => savePhaseSequence(trx, session.workspaceId, check.phases));
  return check;
}

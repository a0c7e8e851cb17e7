import type { Db } from './database.js';

/**
 * The needs-attention conditions already told per onboarding. Raising inserts a row (a replica
 * racing another inserts nothing), clearing deletes it, so a condition that returns is told again.
 */

export async function raisedConditions(db: Db, workspaceId: string): Promise<Map<string, Set<string>>> {
  const rows = await db
    .selectFrom('attention_flags')
    .select(['onboarding_id', 'condition'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.onboarding_id) ?? new Set<string>();
    set.add(r.condition);
    out.set(r.onboarding_id, set);
  }
  return out;
}

/** True when this call raised it (it was not raised before). */
export async function raiseCondition(
  db: Db,
  workspaceId: string,
  onboardingId: string,
  condition: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .insertInto('attention_flags')
    .values({ workspace_id: workspaceId, onboarding_id: onboardingId, condition, raised_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'onboarding_id', 'condition']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function clearCondition(
  db: Db,
  workspaceId: string,
  onboardingId: string,
  condition: string,
): Promise<void> {
  await db
    .deleteFrom('attention_flags')
    .where('workspace_id', '=', workspaceId)
    .where('onboarding_id', '=', onboardingId)
    .where('condition', '=', condition)
    .execute();
}

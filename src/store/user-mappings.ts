import { owningSlackUser } from '../domain/slack-owner.js';
import type { Db } from './database.js';

/**
 * Pivotal has no users endpoint, so which Slack user is which Pivotal user
 * (`csm_id`) is a mapping admins keep here.
 */
export async function pivotalUserFor(db: Db, workspaceId: string, slackUserId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_mappings')
    .select('pivotal_user_id')
    .where('workspace_id', '=', workspaceId)
    .where('slack_user_id', '=', slackUserId)
    .executeTakeFirst();
  return row?.pivotal_user_id;
}

export async function slackUsersFor(db: Db, workspaceId: string, pivotalUserId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_mappings')
    .select('slack_user_id')
    .where('workspace_id', '=', workspaceId)
    .where('pivotal_user_id', '=', pivotalUserId)
    .execute();
  return rows.map((r) => r.slack_user_id);
}

export async function listUserMappings(
  db: Db,
  workspaceId: string,
): Promise<Array<{ slack_user_id: string; pivotal_user_id: string }>> {
  return db
    .selectFrom('user_mappings')
    .select(['slack_user_id', 'pivotal_user_id'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('slack_user_id')
    .execute();
}

export async function setUserMapping(
  db: Db,
  workspaceId: string,
  slackUserId: string,
  pivotalUserId: string | null,
  now: string,
): Promise<void> {
  if (!pivotalUserId) {
    await db
      .deleteFrom('user_mappings')
      .where('workspace_id', '=', workspaceId)
      .where('slack_user_id', '=', slackUserId)
      .execute();
    return;
  }
  await db
    .insertInto('user_mappings')
    .values({ workspace_id: workspaceId, slack_user_id: slackUserId, pivotal_user_id: pivotalUserId, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'slack_user_id']).doUpdateSet({ pivotal_user_id: pivotalUserId, updated_at: now }),
    )
    .execute();
}

/** The Slack user who owns an onboarding (domain/slack-owner.ts). */
export async function owningSlackUserOf(
  db: Db,
  workspaceId: string,
  o: { csm_id: string | null; slack_owner_id: string | null; metadata: unknown },
): Promise<string | null> {
  const [mapped] = o.csm_id ? await slackUsersFor(db, workspaceId, o.csm_id) : [];
  return owningSlackUser(o, mapped);
}

/** Pivotal user id → the Slack user mapped to it (the first, should old data hold two). */
export async function slackUserByPivotalId(db: Db, workspaceId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of await listUserMappings(db, workspaceId))
    if (!out.has(m.pivotal_user_id)) out.set(m.pivotal_user_id, m.slack_user_id);
  return out;
}

/** Hands a Pivotal user id to one person: whoever held it before loses it, in one transaction. */
export async function assignPivotalUser(
  db: Db,
  workspaceId: string,
  slackUserId: string,
  pivotalUserId: string,
  now: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('user_mappings')
      .where('workspace_id', '=', workspaceId)
      .where('pivotal_user_id', '=', pivotalUserId)
      .where('slack_user_id', '!=', slackUserId)
      .execute();
    await setUserMapping(trx, workspaceId, slackUserId, pivotalUserId, now);
  });
}

/** Slack users mapped to each of these Pivotal user ids. */
export async function slackUsersMappedTo(
  db: Db,
  workspaceId: string,
  pivotalIds: readonly string[],
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (pivotalIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_mappings')
    .select(['slack_user_id', 'pivotal_user_id'])
    .where('workspace_id', '=', workspaceId)
    .where('pivotal_user_id', 'in', [...new Set(pivotalIds)])
    .orderBy('slack_user_id')
    .execute();
  for (const r of rows) map.set(r.pivotal_user_id, [...(map.get(r.pivotal_user_id) ?? []), r.slack_user_id]);
  return map;
}

import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { MappingClaimStatus } from './schema-owner-notifications.js';

/** The Pivotal user ids the read model has seen as owners, and the claims people make on them. */

export interface SeenPivotalUser {
  pivotalUserId: string;
  onboardings: number;
  /** Up to two customers whose onboardings this id owns, to recognise who it is. */
  exampleCustomers: string[];
}

export async function seenPivotalUsers(db: Db, workspaceId: string): Promise<SeenPivotalUser[]> {
  const rows = await db
    .selectFrom('rm_onboardings as o')
    .leftJoin('rm_customers as c', (join) =>
      join.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
    )
    .select(['o.csm_id', 'c.name'])
    .where('o.workspace_id', '=', workspaceId)
    .where('o.deleted', '=', 0)
    .where('o.csm_id', 'is not', null)
    .orderBy('o.csm_id')
    .orderBy('o.display_id')
    .execute();
  const out = new Map<string, SeenPivotalUser>();
  for (const r of rows) {
    const id = r.csm_id!;
    const seen = out.get(id) ?? { pivotalUserId: id, onboardings: 0, exampleCustomers: [] };
    seen.onboardings += 1;
    if (r.name && seen.exampleCustomers.length < 2 && !seen.exampleCustomers.includes(r.name))
      seen.exampleCustomers.push(r.name);
    out.set(id, seen);
  }
  return [...out.values()];
}

export async function isSeenPivotalUser(db: Db, workspaceId: string, pivotalUserId: string): Promise<boolean> {
  const row = await db
    .selectFrom('rm_onboardings')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('csm_id', '=', pivotalUserId)
    .executeTakeFirst();
  return row !== undefined;
}

export interface MappingClaim {
  id: string;
  workspace_id: string;
  slack_user_id: string;
  pivotal_user_id: string;
  status: MappingClaimStatus;
}

export async function createClaim(
  db: Db,
  workspaceId: string,
  slackUserId: string,
  pivotalUserId: string,
  now: string,
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('mapping_claims')
    .values({
      id,
      workspace_id: workspaceId,
      slack_user_id: slackUserId,
      pivotal_user_id: pivotalUserId,
      status: 'pending',
      decided_by: null,
      created_at: now,
      decided_at: null,
    })
    .execute();
  return id;
}

export async function getClaim(db: Db, workspaceId: string, id: string): Promise<MappingClaim | undefined> {
  return db
    .selectFrom('mapping_claims')
    .select(['id', 'workspace_id', 'slack_user_id', 'pivotal_user_id', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** True when this call decided it: a second click, or another admin's, finds it decided. */
export async function decideClaim(
  db: Db,
  id: string,
  status: Exclude<MappingClaimStatus, 'pending'>,
  by: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('mapping_claims')
    .set({ status, decided_by: by, decided_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

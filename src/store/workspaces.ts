import type { EncryptedText } from '../security/key-encryption.js';
import { workspaceId, type WorkspaceRef } from '../domain/workspace-ref.js';
import type { Db } from './database.js';
import type { PivotalMode } from './column-types.js';
import type { WorkspaceRow } from './schema.js';

export interface PivotalConnection {
  keyCiphertext: EncryptedText;
  /** The key's public prefix, the only part ever shown to people. */
  keyPrefix: string;
  keyName: string | null;
  mode: PivotalMode;
  /** Null when /me does not report it (the guides' shape and the OpenAPI spec's differ; see pivotal/identity.ts). */
  orgId: string | null;
  orgSlug: string | null;
  orgName: string | null;
  /** Slack user id of the admin connecting the key. */
  connectedBy: string;
}

export async function getWorkspace(db: Db, id: string): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates the workspace on first sight; afterwards only a changed team name is written. */
export async function ensureWorkspace(db: Db, ref: WorkspaceRef, teamName?: string): Promise<WorkspaceRow> {
  const id = workspaceId(ref);
  const now = new Date().toISOString();
  await db
    .insertInto('workspaces')
    .values({
      id,
      team_id: ref.teamId,
      enterprise_id: ref.enterpriseId ?? null,
      team_name: teamName ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) =>
      teamName === undefined
        ? conflict.column('id').doNothing()
        : conflict
            .column('id')
            .doUpdateSet({ team_name: teamName, updated_at: now })
            .where('workspaces.team_name', 'is distinct from', teamName),
    )
    .execute();
  const row = await getWorkspace(db, id);
  // Nothing in the app deletes workspace rows; only a row removed by hand in between gets here.
  if (!row) throw new Error(`Workspace ${id} was deleted while it was being created`);
  return row;
}

/** Stores a verified Pivotal connection; a fresh key also settles any earlier "needs attention". */
export async function saveConnection(db: Db, id: string, connection: PivotalConnection): Promise<void> {
  const now = new Date().toISOString();
  const result = await db
    .updateTable('workspaces')
    .set({
      pivotal_key_ciphertext: connection.keyCiphertext,
      pivotal_key_prefix: connection.keyPrefix,
      pivotal_key_name: connection.keyName,
      pivotal_mode: connection.mode,
      pivotal_org_id: connection.orgId,
      pivotal_org_slug: connection.orgSlug,
      pivotal_org_name: connection.orgName,
      connected_by: connection.connectedBy,
      connected_at: now,
      needs_attention: null,
      attention_since: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  // An admin is about to be told "connected"; a key saved nowhere must not pass silently.
  if (result.numUpdatedRows === 0n)
    throw new Error(`Cannot save the Pivotal connection: workspace ${id} does not exist`);
}

/** Forgets the key and everything learned through it; the workspace's own settings stay. */
export async function clearConnection(db: Db, id: string): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({
      pivotal_key_ciphertext: null,
      pivotal_key_prefix: null,
      pivotal_key_name: null,
      pivotal_mode: null,
      pivotal_org_id: null,
      pivotal_org_slug: null,
      pivotal_org_name: null,
      connected_by: null,
      connected_at: null,
      needs_attention: null,
      attention_since: null,
      last_success_at: null,
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Records why the connection needs an admin. Returns true only for the one call that moved the
 * workspace from healthy to needing attention, so admins are told once however many requests fail
 * at the same moment: the condition and the write are one UPDATE, which the database serialises.
 * With `forKey` (a stored key's ciphertext, or null for "no stored key": the bootstrap key) nothing
 * is marked once that key is no longer the workspace's, so a late failure of a replaced key is moot.
 */
export async function markNeedsAttention(
  db: Db,
  id: string,
  reason: string,
  now = new Date(),
  forKey?: string | null,
): Promise<boolean> {
  let update = db
    .updateTable('workspaces')
    .set({ needs_attention: reason, attention_since: now.toISOString(), updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('needs_attention', 'is', null);
  if (forKey !== undefined)
    update =
      forKey === null
        ? update.where('pivotal_key_ciphertext', 'is', null)
        : update.where('pivotal_key_ciphertext', '=', forKey);
  const result = await update.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setNotifyChannel(db: Db, id: string, channelId: string | null): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ notify_channel: channelId, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

// Written on every successful sync, so it leaves updated_at alone: that tracks changes people made.
export async function touchLastSuccess(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('workspaces').set({ last_success_at: at.toISOString() }).where('id', '=', id).execute();
}

export async function listConnectedWorkspaces(db: Db): Promise<WorkspaceRow[]> {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .where('pivotal_key_ciphertext', 'is not', null)
    .orderBy('id')
    .execute();
}

/** Every workspace the app has seen, connected or not, in id order. */
export async function listWorkspaces(db: Db): Promise<WorkspaceRow[]> {
  return db.selectFrom('workspaces').selectAll().orderBy('id').execute();
}

/** The workspaces of an Enterprise Grid org, e.g. when its org-wide install is removed. */
export async function listWorkspacesOfEnterprise(db: Db, enterpriseId: string): Promise<WorkspaceRow[]> {
  return db.selectFrom('workspaces').selectAll().where('enterprise_id', '=', enterpriseId).orderBy('id').execute();
}

import { randomBytes } from 'node:crypto';
import type { EncryptedText } from '../security/key-encryption.js';
import type { Db } from './database.js';
import type { PendingKeySwitchRow } from './schema-connect.js';
import type { PivotalMode } from './column-types.js';

/** Long enough to read the confirmation, short enough that a forgotten one does not keep a key around. */
export const PENDING_SWITCH_TTL_MS = 15 * 60_000;

export interface NewPendingSwitch {
  workspaceId: string;
  requestedBy: string;
  keyCiphertext: EncryptedText;
  keyPrefix: string;
  keyName: string | null;
  mode: PivotalMode;
  reportedMode: PivotalMode | null;
  orgId: string | null;
  orgSlug: string | null;
  orgName: string | null;
}

export async function createPendingSwitch(db: Db, pending: NewPendingSwitch, now: Date): Promise<string> {
  const id = randomBytes(16).toString('hex');
  await db
    .insertInto('pending_key_switches')
    .values({
      id,
      workspace_id: pending.workspaceId,
      requested_by: pending.requestedBy,
      key_ciphertext: pending.keyCiphertext,
      key_prefix: pending.keyPrefix,
      key_name: pending.keyName,
      mode: pending.mode,
      reported_mode: pending.reportedMode,
      org_id: pending.orgId,
      org_slug: pending.orgSlug,
      org_name: pending.orgName,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + PENDING_SWITCH_TTL_MS).toISOString(),
    })
    .execute();
  return id;
}

/**
 * Removes and returns the pending switch, if it is still valid for this workspace and this admin. One
 * DELETE … RETURNING, so a double click confirms once.
 */
export async function takePendingSwitch(
  db: Db,
  q: { id: string; workspaceId: string; requestedBy: string; now: Date },
): Promise<PendingKeySwitchRow | undefined> {
  return db
    .deleteFrom('pending_key_switches')
    .where('id', '=', q.id)
    .where('workspace_id', '=', q.workspaceId)
    .where('requested_by', '=', q.requestedBy)
    .where('expires_at', '>', q.now.toISOString())
    .returningAll()
    .executeTakeFirst();
}

export async function discardPendingSwitches(db: Db, workspaceId: string, id?: string): Promise<void> {
  let query = db.deleteFrom('pending_key_switches').where('workspace_id', '=', workspaceId);
  if (id !== undefined) query = query.where('id', '=', id);
  await query.execute();
}

/** Expired switches (never confirmed) hold an encrypted key for nothing; removes at most `limit`. */
export async function pruneExpiredSwitches(db: Db, now: Date, limit: number): Promise<number> {
  const expired = db
    .selectFrom('pending_key_switches')
    .select('id')
    .where('expires_at', '<=', now.toISOString())
    .limit(limit);
  const result = await db.deleteFrom('pending_key_switches').where('id', 'in', expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}

import type { Selectable } from 'kysely';
import type { IsoTimestamp, PivotalMode } from './column-types.js';

/** Tables of migration 0003_connect (see column-types.ts for the portable column conventions). */
export interface ConnectTables {
  pending_key_switches: PendingKeySwitchesTable;
}

/**
 * A key that passed /me but belongs to another Pivotal organization than the connected one: it waits
 * here, encrypted, until the admin who pasted it confirms the switch. Slack's
 * private_metadata only carries the row id, never the key.
 */
export interface PendingKeySwitchesTable {
  id: string;
  workspace_id: string;
  /** Slack user id of the admin who pasted the key; only they can confirm. */
  requested_by: string;
  key_ciphertext: string;
  key_prefix: string;
  key_name: string | null;
  mode: PivotalMode;
  /** The mode /me stated, when it did; shown beside the prefix's mode if they disagree. */
  reported_mode: PivotalMode | null;
  org_id: string | null;
  org_slug: string | null;
  org_name: string | null;
  created_at: IsoTimestamp;
  expires_at: IsoTimestamp;
}

export type PendingKeySwitchRow = Selectable<PendingKeySwitchesTable>;

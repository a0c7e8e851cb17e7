import type { Selectable } from 'kysely';
import type { IsoTimestamp } from './column-types.js';

/** Tables of migration 0006_sync (see column-types.ts for the portable column conventions). */
export interface SyncTables {
  sync_state: SyncStateTable;
  sync_contact_reads: SyncContactReadsTable;
  webhook_events: WebhookEventsTable;
  home_views: HomeViewsTable;
}

export type WalkKind = 'customers' | 'onboardings';

/** Where the sync of one workspace stands; shared by every replica, so whoever holds the lease resumes it. */
export interface SyncStateTable {
  workspace_id: string;
  /** The Pivotal org the read model was filled from; another org means starting again. */
  org_id: string | null;
  org_name: string | null;
  /** Newest created_at known per list: the head walks stop there. */
  customers_cursor: IsoTimestamp | null;
  onboardings_cursor: IsoTimestamp | null;
  /** The full walk in progress (which list, the page cursor to resume from, when it began). */
  walk_kind: WalkKind | null;
  walk_cursor: IsoTimestamp | null;
  walk_started_at: IsoTimestamp | null;
  /** The last full walk that reached the end of both lists; null until the initial fill is done. */
  last_full_walk_at: IsoTimestamp | null;
  /** How long that walk took: how far behind Pivotal the oldest row of the read model can be. */
  lag_ms: number | null;
  last_sync_at: IsoTimestamp | null;
  next_sync_at: IsoTimestamp;
  last_error: string | null;
  last_error_at: IsoTimestamp | null;
  webhook_secret_ciphertext: string | null;
  webhook_last_seen_at: IsoTimestamp | null;
  updated_at: IsoTimestamp;
}

/** Customers whose contacts the sync has read once (the primary contact is not in the customer list). */
export interface SyncContactReadsTable {
  workspace_id: string;
  customer_id: string;
  read_at: IsoTimestamp;
}

/** Webhook event ids already applied (Pivotal asks receivers to keep them at least 7 days). */
export interface WebhookEventsTable {
  workspace_id: string;
  event_id: string;
  received_at: IsoTimestamp;
}

/** Who looked at Home when, with their filters, and what was last published to them. */
export interface HomeViewsTable {
  workspace_id: string;
  user_id: string;
  /** JSON of the HomeFilters. */
  filters: string;
  opened_at: IsoTimestamp;
  published_at: IsoTimestamp | null;
  /** Hash of the last published view: an unchanged view is not published again. */
  view_hash: string | null;
}

export type SyncStateRow = Selectable<SyncStateTable>;
export type HomeViewRow = Selectable<HomeViewsTable>;

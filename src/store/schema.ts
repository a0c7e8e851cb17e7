import type { Selectable } from 'kysely';
import type { IntegerBoolean, IsoTimestamp, PivotalMode } from './column-types.js';
import type { DomainTables } from './schema-domain.js';
import type { ConnectTables } from './schema-connect.js';
import type { OnboardTables } from './schema-onboard.js';
import type { SyncTables } from './schema-sync.js';
import type { PhasesPostsTables } from './schema-phases.js';
import type { TestRecordTables } from './schema-test-records.js';
import type { MoveTables } from './schema-moves.js';
import type { OwnerNotificationTables } from './schema-owner-notifications.js';
import type { SubscriptionTables } from './schema-subscriptions.js';

/**
 * The typed view of the database that repositories query through (column conventions in
 * column-types.ts).
 */
export interface Database
  extends DomainTables,
    OnboardTables,
    PhasesPostsTables,
    SyncTables,
    ConnectTables,
    TestRecordTables,
    MoveTables,
    OwnerNotificationTables,
    SubscriptionTables {
  slack_installations: SlackInstallationsTable;
  workspaces: WorkspacesTable;
  processed_events: ProcessedEventsTable;
  leases: LeasesTable;
}

export interface SlackInstallationsTable {
  /** Enterprise id for org-wide installs, otherwise workspaceId() of the team. */
  id: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: IntegerBoolean;
  bot_user_id: string | null;
  bot_id: string | null;
  /** The whole Bolt Installation as JSON, encrypted: it holds the tokens. */
  installation_ciphertext: string;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export interface WorkspacesTable {
  /** workspaceId() of the workspace's WorkspaceRef. */
  id: string;
  team_id: string;
  enterprise_id: string | null;
  team_name: string | null;
  pivotal_key_ciphertext: string | null;
  pivotal_key_prefix: string | null;
  pivotal_key_name: string | null;
  pivotal_mode: PivotalMode | null;
  pivotal_org_id: string | null;
  pivotal_org_slug: string | null;
  pivotal_org_name: string | null;
  /** Slack user id of the admin who connected the key. */
  connected_by: string | null;
  connected_at: IsoTimestamp | null;
  /** Why the connection stopped working (e.g. key revoked); null while healthy. */
  needs_attention: string | null;
  attention_since: IsoTimestamp | null;
  notify_channel: string | null;
  last_success_at: IsoTimestamp | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export interface ProcessedEventsTable {
  event_id: string;
  received_at: IsoTimestamp;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: IsoTimestamp;
}

export type WorkspaceRow = Selectable<WorkspacesTable>;

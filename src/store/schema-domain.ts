import type { Selectable } from 'kysely';
import type { IntegerBoolean, IsoTimestamp } from './column-types.js';

/** Tables of migration 0002_domain_core (see column-types.ts for the portable column conventions). */
export interface DomainTables {
  phases: PhasesTable;
  rm_customers: RmCustomersTable;
  rm_onboardings: RmOnboardingsTable;
  outbox: OutboxTable;
  user_mappings: UserMappingsTable;
}

export interface PhasesTable {
  workspace_id: string;
  /** The phase string Pivotal's REST API carries. */
  key: string;
  name: string;
  position: number;
  archived: IntegerBoolean;
}

export interface RmCustomersTable {
  workspace_id: string;
  id: string;
  display_id: number;
  name: string;
  name_lower: string;
  slug: string | null;
  domain: string | null;
  status: string | null;
  slack_channel_id: string | null;
  primary_contact_id: string | null;
  primary_contact_name: string | null;
  primary_contact_email: string | null;
  primary_contact_title: string | null;
  pivotal_created_at: IsoTimestamp | null;
  pivotal_updated_at: IsoTimestamp | null;
  deleted: IntegerBoolean;
  synced_at: IsoTimestamp;
}

export interface RmOnboardingsTable {
  workspace_id: string;
  id: string;
  display_id: number;
  customer_id: string;
  name: string | null;
  phase: string;
  state: string;
  waiting_on_customer: IntegerBoolean;
  /** YYYY-MM-DD or null ("No target"). */
  target_launch_date: string | null;
  csm_id: string | null;
  started_at: IsoTimestamp | null;
  completed_at: IsoTimestamp | null;
  /** When the read model first saw the onboarding in its current phase (Pivotal exposes no such field). */
  phase_entered_at: IsoTimestamp;
  /** JSON of the record's metadata, as Pivotal served it. */
  metadata: string | null;
  /** The Slack user the onboarding was opened for in Slack (see domain/slack-owner.ts); added by 0007. */
  slack_owner_id: string | null;
  pivotal_created_at: IsoTimestamp | null;
  pivotal_updated_at: IsoTimestamp | null;
  deleted: IntegerBoolean;
  synced_at: IsoTimestamp;
}

export type OutboxStatus = 'pending' | 'done' | 'held';

export interface OutboxTable {
  id: string;
  workspace_id: string;
  /** Same key twice → one row: this is what keeps a change from being announced twice. */
  dedupe_key: string;
  kind: string;
  onboarding_id: string | null;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: IsoTimestamp;
  last_error: string | null;
  created_at: IsoTimestamp;
  done_at: IsoTimestamp | null;
  /** Null until the dispatcher routes the row; then the one channel it posts to (added by 0011). */
  channel_id: string | null;
  /** JSON of how the routed row posts there: the changes of its save the channel hears, placement (added by 0011). */
  route: string | null;
  /** JSON of the onboarding's phase, state, owner and customer when the change was recorded (added by 0011). */
  facts: string | null;
}

export interface UserMappingsTable {
  workspace_id: string;
  slack_user_id: string;
  pivotal_user_id: string;
  updated_at: IsoTimestamp;
}

export type RmCustomerRow = Selectable<RmCustomersTable>;
export type RmOnboardingRow = Selectable<RmOnboardingsTable>;
export type OutboxRow = Selectable<OutboxTable>;

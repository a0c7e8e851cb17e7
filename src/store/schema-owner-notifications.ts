/** ISO-8601 UTC text, as in schema.ts (not imported from there: schema.ts imports this file). */
type IsoTimestamp = string;

/** Tables of migration 0011_owner_notifications (see schema.ts for the portable column conventions). */
export interface OwnerNotificationTables {
  person_settings: PersonSettingsTable;
  person_time_zones: PersonTimeZonesTable;
  muted_onboardings: MutedOnboardingsTable;
  attention_flags: AttentionFlagsTable;
  mapping_claims: MappingClaimsTable;
}

export interface PersonSettingsTable {
  workspace_id: string;
  slack_user_id: string;
  /** JSON of the person's choices; what is missing takes the default (domain/notification-settings.ts). */
  settings: string;
  updated_at: IsoTimestamp;
}

export interface PersonTimeZonesTable {
  workspace_id: string;
  slack_user_id: string;
  /** IANA zone from Slack's users.info, e.g. America/Los_Angeles. */
  tz: string;
  checked_at: IsoTimestamp;
}

export interface MutedOnboardingsTable {
  workspace_id: string;
  slack_user_id: string;
  onboarding_id: string;
  muted_at: IsoTimestamp;
}

export interface AttentionFlagsTable {
  workspace_id: string;
  onboarding_id: string;
  /** One of domain/attention.ts's conditions; the row stays while the condition holds. */
  condition: string;
  raised_at: IsoTimestamp;
}

export type MappingClaimStatus = 'pending' | 'approved' | 'declined';

export interface MappingClaimsTable {
  id: string;
  workspace_id: string;
  slack_user_id: string;
  pivotal_user_id: string;
  status: MappingClaimStatus;
  decided_by: string | null;
  created_at: IsoTimestamp;
  decided_at: IsoTimestamp | null;
}

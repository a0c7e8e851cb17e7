import type { Selectable } from 'kysely';

/** Tables of migration 0011_channel_subscriptions (see schema.ts for the portable column conventions). */
export interface SubscriptionTables {
  channel_subscriptions: ChannelSubscriptionsTable;
  channel_sharing: ChannelSharingTable;
  digest_schedules: DigestSchedulesTable;
}

/** A channel's digest (migration 0012_digests). */
export interface DigestSchedulesTable {
  workspace_id: string;
  channel_id: string;
  /** Five-field cron, read in `time_zone`. */
  cron: string;
  time_zone: string;
  /** How people said it, e.g. "weekly on Monday at 09:00 (Europe/Berlin)". */
  label: string;
  created_by: string;
  created_at: string;
  /** The scheduled instant (ISO) last claimed for posting, in the transaction that queued its post. */
  last_period: string | null;
  /** When the last digest's figures were taken (a scheduled one's at its claim, before the outbox posts it). */
  last_posted_at: string | null;
  /** JSON map of phase → count the last digest showed. */
  last_counts: string | null;
}

/** Whether Slack says a channel is shared with another organisation, and an admin's choice of full posts there. */
export interface ChannelSharingTable {
  workspace_id: string;
  channel_id: string;
  /** 1: shared (or pending); 0: internal; null: not known yet. */
  shared: 0 | 1 | null;
  checked_at: string | null;
  /** The admin who confirmed full posts in this shared channel, and when; null: the customer-safe card. */
  full_posts_by: string | null;
  full_posts_at: string | null;
}

export interface ChannelSubscriptionsTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  /** The events and filters in canonical form: one channel cannot hold the same filter twice. */
  filter_key: string;
  /** JSON of the subscription (domain/subscription-filter.ts). */
  spec: string;
  /** JSON map of customer ids to the names they had when subscribed, for describing the filter. */
  names: string;
  created_by: string;
  /** ISO-8601 UTC, like every timestamp of the store. */
  created_at: string;
}

export type ChannelSubscriptionRow = Selectable<ChannelSubscriptionsTable>;
export type ChannelSharingRow = Selectable<ChannelSharingTable>;
export type DigestScheduleRow = Selectable<DigestSchedulesTable>;

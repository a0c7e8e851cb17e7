import type { Selectable } from 'kysely';

/** Tables of migration 0011_channel_subscriptions (see schema.ts for the portable column conventions). */
export interface SubscriptionTables {
  channel_subscriptions: ChannelSubscriptionsTable;
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

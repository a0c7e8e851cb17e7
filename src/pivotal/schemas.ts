import { z } from 'zod';

/**
 * Response schemas. They are deliberately loose: the app must work against any faithful
 * implementation of Pivotal's v1, which may add fields and enum values at any time. So every
 * object keeps unknown fields, only what the docs guarantee is required, and `phase`, `state` and
 * `status` are open strings; the known values are exported for display and ordering only.
 */

/** Union of the three state vocabularies the documents give (API guide, product help, webhooks). */
export const KNOWN_STATES = ['active', 'paused', 'at_risk', 'waiting', 'done', 'completed', 'blocked'] as const;

/** Union of the API examples (`active`, `onboarding`) and the product docs' list. */
export const KNOWN_CUSTOMER_STATUSES = ['active', 'onboarding', 'at_risk', 'churned', 'archived'] as const;

export type KnownState = (typeof KNOWN_STATES)[number];
export type KnownCustomerStatus = (typeof KNOWN_CUSTOMER_STATUSES)[number];

const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/;

/**
 * `target_launch_date` is a date-time in REST examples and a bare date in webhooks. Both become
 * `YYYY-MM-DD`, taking the calendar date as written (`2026-07-15T23:00:00-05:00` → `2026-07-15`)
 * rather than converting to UTC, which would move a late-evening date to the next day. Anything
 * unreadable becomes null ("No target") instead of failing the whole record.
 */
export function normalizeLaunchDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const literal = DATE_PREFIX.exec(value.trim());
  if (literal) return literal[1]!;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString().slice(0, 10);
}

const displayId = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const optionalText = z.string().nullish();
const metadata = z.record(z.string(), z.unknown()).nullish();
const launchDate = z.unknown().optional().transform(normalizeLaunchDate);

const recordBase = {
  object: z.string().optional(),
  id: z.string(),
  display_id: displayId,
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
};

export const CustomerSchema = z.looseObject({
  ...recordBase,
  name: z.string(),
  slug: optionalText,
  domain: optionalText,
  status: optionalText,
  plan: optionalText,
  mrr: z.number().nullish(),
  monthly_orders: z.number().nullish(),
  hubspot_company_id: optionalText,
  hubspot_deal_id: optionalText,
  stripe_customer_id: optionalText,
  intercom_company_id: optionalText,
  slack_channel_id: optionalText,
  metadata,
});

export const ContactSchema = z.looseObject({
  ...recordBase,
  customer_id: optionalText,
  name: optionalText,
  email: optionalText,
  title: optionalText,
  is_primary: z.boolean().nullish(),
  labels: z.array(z.string()).nullish(),
  metadata,
});

export const OnboardingSchema = z.looseObject({
  ...recordBase,
  customer_id: z.string(),
  name: optionalText,
  template_id: optionalText,
  // Both have documented create defaults, so every onboarding carries them.
  phase: z.string(),
  state: z.string(),
  waiting_on_customer: z.boolean().nullish(),
  started_at: optionalText,
  completed_at: optionalText,
  target_launch_date: launchDate,
  csm_id: optionalText,
  se_id: optionalText,
  designer_id: optionalText,
  product_ops_id: optionalText,
  notes: optionalText,
  metadata,
});

export const DeletedSchema = z.looseObject({
  object: z.string().optional(),
  id: z.string(),
  display_id: displayId.optional(),
  deleted: z.boolean(),
});

export const HealthSchema = z.looseObject({ status: z.string(), timestamp: z.string().optional() });

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    object: z.string().optional(),
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z
      .string()
      .nullish()
      .transform((cursor) => cursor ?? null),
  });
}

export type Customer = z.infer<typeof CustomerSchema>;
export type Contact = z.infer<typeof ContactSchema>;
export type Onboarding = z.infer<typeof OnboardingSchema>;
export type Deleted = z.infer<typeof DeletedSchema>;
export type Health = z.infer<typeof HealthSchema>;

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

type JsonObject = Record<string, unknown>;

/** Request bodies: the fields the docs show in examples, all optional except what create requires. */
export interface CustomerCreate {
  name: string;
  slug?: string;
  domain?: string | null;
  status?: string;
  plan?: string | null;
  mrr?: number | null;
  monthly_orders?: number | null;
  hubspot_company_id?: string | null;
  hubspot_deal_id?: string | null;
  stripe_customer_id?: string | null;
  intercom_company_id?: string | null;
  slack_channel_id?: string | null;
  metadata?: JsonObject | null;
}
export type CustomerPatch = Partial<CustomerCreate>;

export interface ContactCreate {
  name: string;
  email: string;
  title?: string | null;
  is_primary?: boolean;
  labels?: string[];
  metadata?: JsonObject | null;
}
export type ContactPatch = Partial<ContactCreate>;

export interface OnboardingCreate {
  /** display_id digits or cuid */
  customer_id: string;
  name?: string | null;
  phase?: string;
  state?: string;
  waiting_on_customer?: boolean;
  /** `YYYY-MM-DD` (sent as a date-time, see PivotalClient) or a full date-time; null clears it. */
  target_launch_date?: string | null;
  csm_id?: string | null;
  se_id?: string | null;
  designer_id?: string | null;
  product_ops_id?: string | null;
  template_id?: string | null;
  notes?: string | null;
  metadata?: JsonObject | null;
}
export type OnboardingPatch = Partial<Omit<OnboardingCreate, 'customer_id'>>;

export interface CustomerListQuery {
  limit?: number;
  cursor?: string;
  status?: string;
  /** The docs imply a slug filter without naming it; `slug` is the natural name. */
  slug?: string;
}
export interface PageQuery {
  limit?: number;
  cursor?: string;
}
export interface OnboardingListQuery {
  limit?: number;
  cursor?: string;
  customer_id?: string;
  state?: string;
  phase?: string;
}

import { z } from 'zod';
import { DOCUMENTED_CUSTOMER_STATUSES, DOCUMENTED_STATES } from './documented.js';
import { badRequest, type ApiError } from './api-error.js';

/**
 * Request validation the way Pivotal's error documentation describes it: zod, the issue code plus the
 * field path, zod's English message. The documents quote zod 3 code names (`invalid_string`), so zod
 * 4's renamed codes are translated back; a missing required field is `missing_field`. Bodies are
 * strict: a field the documents do not show on the resource is refused (`unrecognized_keys`), as
 * "bad payloads still get 4xx" in test mode as in live.
 */

const ZOD3_CODE_NAMES: Record<string, string> = {
  invalid_format: 'invalid_string',
  invalid_value: 'invalid_enum_value',
  invalid_union: 'invalid_string',
};

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function validationError(error: z.ZodError, input: unknown): ApiError {
  const issue = error.issues[0]!;
  // An unknown field is named in the issue's keys; its path is the object that holds it.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
  const field = path.map(String).join('.') || undefined;
  if (issue.code === 'invalid_type' && field && valueAt(input, issue.path) === undefined) {
    return badRequest('missing_field', `${field} is required`, field);
  }
  return badRequest(ZOD3_CODE_NAMES[issue.code] ?? issue.code, issue.message, field);
}

export function validate<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, input);
  return result.data;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const text = z.string().trim().min(1);
const optionalText = z.string().nullable().optional();
const metadata = z.record(z.string(), z.unknown()).nullable().optional();
const count = z.number().int().nonnegative().nullable().optional();

/**
 * Writable fields are those the documents show on each resource, less what the server assigns (ids,
 * timestamps, `object`); `metadata` is the documented free object (`metadata.test: true` on test-mode
 * records).
 */
export const CustomerCreateBody = z.strictObject({
  name: text,
  slug: z.string().regex(SLUG).optional(),
  domain: optionalText,
  status: z.enum(DOCUMENTED_CUSTOMER_STATUSES).optional(),
  plan: optionalText,
  mrr: count,
  monthly_orders: count,
  hubspot_company_id: optionalText,
  hubspot_deal_id: optionalText,
  stripe_customer_id: optionalText,
  intercom_company_id: optionalText,
  slack_channel_id: optionalText,
  metadata,
});
export const CustomerPatchBody = CustomerCreateBody.partial();

export const ContactCreateBody = z.strictObject({
  name: text,
  email: z.email(),
  title: optionalText,
  is_primary: z.boolean().optional(),
  labels: z.array(z.string()).optional(),
  metadata,
});
export const ContactPatchBody = ContactCreateBody.partial();

/**
 * Accepted as a date-time (the quickstart's example) or a date (the webhook example's form); stored and
 * served as a date-time like the REST examples.
 */
const launchDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => (value.length === 10 ? `${value}T00:00:00.000Z` : new Date(value).toISOString()))
  .nullable()
  .optional();

const onboardingFields = {
  name: optionalText,
  template_id: optionalText,
  // Checked against the org's phases after parsing (SimulatorState.allowsPhase).
  phase: text.optional(),
  state: z.enum(DOCUMENTED_STATES).optional(),
  waiting_on_customer: z.boolean().optional(),
  target_launch_date: launchDate,
  csm_id: optionalText,
  se_id: optionalText,
  designer_id: optionalText,
  product_ops_id: optionalText,
  notes: optionalText,
  metadata,
};

/** `customer_id` is a string, the customer's cuid or its display id digits (`"245"`), as the quickstart sends it. */
export const OnboardingCreateBody = z.strictObject({
  customer_id: text,
  ...onboardingFields,
});
export const OnboardingPatchBody = z.strictObject(onboardingFields).partial();

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.iso.datetime({ offset: true, message: 'Invalid datetime' }).optional(),
});

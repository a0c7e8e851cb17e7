import { isBefore } from 'date-fns/isBefore';
import { isValid } from 'date-fns/isValid';
import { parseISO } from 'date-fns/parseISO';
import { z } from 'zod';
import type { PhaseSequence } from '../../domain/phases.js';
import {
  CONTACT_BLOCKS,
  contactBlockForField,
  contactFieldValues,
  hasContactInput,
  readContactFields,
  validateContactFields,
  type ContactData,
  type ContactFieldValues,
} from '../customer/contact-fields.js';
import type { Choice, FieldErrors, FormState } from '../../views/form-values.js';
import { MAX_SLUG_LENGTH, SLUG_PATTERN, slugify } from '../../domain/slug.js';
import { SourceMessageSchema, type SourceMessage } from './source-message.js';
import { customerStatusName, stateName } from '../../domain/states.js';

/** Block ids of the onboard modal; each input's action id is its block id. */
export const BLOCKS = {
  customerMode: 'onboard_customer_mode',
  customerName: 'customer_name',
  slug: 'customer_slug',
  domain: 'customer_domain',
  status: 'customer_status',
  pick: 'customer_existing',
  contactLater: 'contact_later',
  replacePrimary: 'contact_replace_primary',
  openAnother: 'onboard_open_another',
  phase: 'onboarding_phase',
  state: 'onboarding_state',
  target: 'onboarding_target',
  csm: 'onboarding_csm',
  notes: 'onboarding_notes',
  ...CONTACT_BLOCKS,
} as const;

export const LATER_VALUE = 'later';
export const REPLACE_VALUE = 'replace';
export const ANOTHER_VALUE = 'another';

/**
 * Statuses that make sense for a customer being onboarded, from Pivotal's API examples and product
 * help; the first is the default, `onboarding` as in the documents' own example of a new customer.
 */
export const CUSTOMER_STATUSES: readonly Choice[] = ['onboarding', 'active', 'at_risk'].map((value) => ({
  value,
  label: customerStatusName(value),
}));

/** States a new onboarding can start in; done/completed would make no sense. */
export const START_STATES: readonly Choice[] = ['active', 'waiting', 'paused', 'at_risk'].map((value) => ({
  value,
  label: stateName(value),
}));

const MAX_NAME = 200;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export type CustomerMode = 'new' | 'existing';

/** What the form shows: exactly what was entered, before any checking. */
export interface OnboardFormValues {
  customerMode: CustomerMode;
  customerName: string;
  slug: string;
  /** The slug the form filled in from the name; while the field still holds it, it follows the name. */
  derivedSlug: string;
  domain: string;
  status: string | null;
  picked: Choice | null;
  contact: ContactFieldValues;
  contactLater: boolean;
  /** The picked customer has a primary contact, and the person chose to replace it. */
  replacePrimary: boolean;
  /** The picked customer has an open onboarding, and the person chose to open another. */
  openAnother: boolean;
  phase: string | null;
  state: string | null;
  targetDate: string | null;
  csmUserId: string | null;
  /** Started from a Slack message: the form also asks for the onboarding's notes. */
  source?: SourceMessage;
  notes?: string;
}

const CustomerFactsSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  displayId: z.number(),
  open: z.object({ id: z.string(), displayId: z.number(), count: z.number() }).nullable(),
  primary: z.object({ name: z.string().nullable(), email: z.string().nullable() }).nullable(),
});

/** What the form knows about a picked existing customer: its open onboarding and its primary contact. */
export type CustomerFacts = z.infer<typeof CustomerFactsSchema>;

const OnboardMetaSchema = z.object({
  mode: z.enum(['new', 'existing']),
  derivedSlug: z.string(),
  /** The customer fields the current layout hides, so switching new ⇄ existing loses nothing typed. */
  hidden: z.object({
    customerName: z.string(),
    slug: z.string(),
    domain: z.string(),
    status: z.string().nullable(),
    picked: z.object({ value: z.string(), label: z.string() }).nullable(),
  }),
  source: SourceMessageSchema.optional(),
  /** The facts the form showed, so a submission can tell whether the person saw what is true now. */
  facts: CustomerFactsSchema.nullable().default(null),
});

/** Carried in private_metadata: which layout the modal has, the slug it derived, what it hides. */
export type OnboardMeta = z.infer<typeof OnboardMetaSchema>;

export function metaOf(v: OnboardFormValues, facts: CustomerFacts | null): OnboardMeta {
  const { customerName, slug, domain, status, picked } = v;
  return {
    mode: v.customerMode,
    derivedSlug: v.derivedSlug,
    hidden: { customerName, slug, domain, status, picked },
    ...(v.source ? { source: v.source } : {}),
    facts,
  };
}

/** A modal of ours always carries it; anything else reads as a fresh new-customer layout. */
export function parseMeta(privateMetadata: string | undefined): OnboardMeta {
  let json: unknown;
  try {
    json = JSON.parse(privateMetadata ?? '');
  } catch {
    json = undefined;
  }
  const parsed = OnboardMetaSchema.safeParse(json);
  return parsed.success
    ? parsed.data
    : {
        mode: 'new',
        derivedSlug: '',
        hidden: { customerName: '', slug: '', domain: '', status: null, picked: null },
        facts: null,
      };
}

export type CustomerInput =
  | { kind: 'new'; name: string; slug: string; slugFromName: boolean; domain: string | null; status: string }
  | { kind: 'existing'; id: string; label: string };

/** The checked submission the steps run from; stored with the job. */
export interface OnboardInput {
  customer: CustomerInput;
  /** `kept`: the existing customer's primary contact, left as it is. */
  contact:
    | { kind: 'later' }
    | { kind: 'kept'; name: string | null; email: string | null }
    | ({ kind: 'new' } & ContactData);
  onboarding: { phase: string; state: string; targetLaunchDate: string | null; csmUserId: string; notes?: string };
  source?: SourceMessage;
}

export function readOnboardForm(state: FormState, meta: OnboardMeta): OnboardFormValues {
  const shown = meta.mode === 'new';
  return {
    customerMode: meta.mode,
    customerName: shown ? state.text(BLOCKS.customerName) : meta.hidden.customerName,
    slug: shown ? state.text(BLOCKS.slug) : meta.hidden.slug,
    derivedSlug: meta.derivedSlug,
    domain: shown ? state.text(BLOCKS.domain) : meta.hidden.domain,
    status: shown ? (state.option(BLOCKS.status)?.value ?? null) : meta.hidden.status,
    picked: shown ? meta.hidden.picked : state.option(BLOCKS.pick),
    contact: readContactFields(state),
    contactLater: state.checked(BLOCKS.contactLater, LATER_VALUE),
    replacePrimary: state.checked(BLOCKS.replacePrimary, REPLACE_VALUE),
    openAnother: state.checked(BLOCKS.openAnother, ANOTHER_VALUE),
    phase: state.option(BLOCKS.phase)?.value ?? null,
    state: state.option(BLOCKS.state)?.value ?? null,
    targetDate: state.date(BLOCKS.target),
    csmUserId: state.user(BLOCKS.csm),
    ...(meta.source ? { source: meta.source, notes: state.rawText(BLOCKS.notes) } : {}),
  };
}

/**
 * The earliest target date accepted. Slack's date picker gives a calendar date without a time zone and
 * the person's zone is unknown at ack time, so "today" is taken where it is earliest on Earth (UTC−12):
 * nobody is refused their own today; a date that is yesterday everywhere is refused.
 */
export function earliestTargetDate(now: Date): string {
  return new Date(now.getTime() - 12 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The slug a new customer gets: what was typed, unless the field still holds the one derived from the name. */
export function effectiveSlug(v: Pick<OnboardFormValues, 'slug' | 'derivedSlug' | 'customerName'>): {
  slug: string;
  fromName: boolean;
} {
  const fromName = v.slug === '' || v.slug === v.derivedSlug;
  return { slug: fromName ? slugify(v.customerName) : v.slug, fromName };
}

/** `https://Acme.com/` → `acme.com`; a pasted URL is the commonest way to give a hostname. */
export function normalizeDomain(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/$/, '');
}

export interface ValidationContext {
  phases: PhaseSequence;
  /** YYYY-MM-DD, see earliestTargetDate. */
  earliestTarget: string;
  /** Steps that already ran (a resubmission after a later step was refused): their fields are not in the form. */
  customerLocked: boolean;
  contactLocked: boolean;
  /** The picked existing customer as it is now (null for a new one). */
  facts: CustomerFacts | null;
}

/** A checked form; a locked step's part is null, the job keeps what that step created. */
export interface CheckedForm {
  customer: CustomerInput | null;
  contact: OnboardInput['contact'] | null;
  onboarding: OnboardInput['onboarding'];
}

/** Field-level checks answered at once with `response_action: errors`, one message per block. */
export function validateOnboardForm(
  v: OnboardFormValues,
  c: ValidationContext,
): { input: CheckedForm } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const customer = c.customerLocked ? null : checkCustomer(v, errors);

  const contact = c.contactLocked ? null : checkContact(v, c.facts, errors);
  const open = c.facts?.open;
  if (!c.customerLocked && open && !v.openAnother)
    errors[BLOCKS.openAnother] =
      `${c.facts!.name} already has open onboarding #${open.displayId}. Tick "Open another onboarding" to start a second one, or move #${open.displayId} instead.`;

  if (!v.phase) errors[BLOCKS.phase] = 'Pick the phase the onboarding starts in.';
  else if (c.phases.indexOf(v.phase) < 0)
    errors[BLOCKS.phase] = "That phase is no longer in this workspace's sequence; pick another.";
  if (!v.state || !START_STATES.some((s) => s.value === v.state))
    errors[BLOCKS.state] = 'Pick the state the onboarding starts in.';
  if (v.targetDate !== null) {
    const date = parseISO(v.targetDate);
    if (!isValid(date)) errors[BLOCKS.target] = 'That is not a date; pick one from the calendar.';
    else if (isBefore(date, parseISO(c.earliestTarget)))
      errors[BLOCKS.target] = 'The target launch date is in the past; pick today or a later date.';
  }
  if (!v.csmUserId) errors[BLOCKS.csm] = 'Pick the CSM who owns this onboarding.';

  if (Object.keys(errors).length > 0) return { errors };
  return {
    input: {
      customer,
      contact,
      onboarding: {
        phase: v.phase!,
        state: v.state!,
        targetLaunchDate: v.targetDate,
        csmUserId: v.csmUserId!,
        ...(v.notes?.trim() ? { notes: v.notes.trim() } : {}),
      },
    },
  };
}

/** A primary contact the customer already has is kept unless the person chose to replace it. */
function checkContact(
  v: OnboardFormValues,
  facts: CustomerFacts | null,
  errors: FieldErrors,
): OnboardInput['contact'] | null {
  if (facts?.primary && !v.replacePrimary) {
    if (!hasContactInput(v.contact)) return { kind: 'kept', ...facts.primary };
    errors[BLOCKS.replacePrimary] =
      'The customer already has a primary contact: tick "Replace it" to make this person the primary contact, or clear the contact fields.';
    return null;
  }
  if (!facts?.primary && v.contactLater) {
    if (!hasContactInput(v.contact)) return { kind: 'later' };
    errors[BLOCKS.contactLater] =
      'You ticked "add later" but also entered contact details: clear them, or untick the box.';
    return null;
  }
  const checked = validateContactFields(v.contact, facts?.primary ? '' : ', or tick "Add the primary contact later"');
  if ('errors' in checked) {
    Object.assign(errors, checked.errors);
    return null;
  }
  return { kind: 'new', ...checked.data };
}

function checkCustomer(v: OnboardFormValues, errors: FieldErrors): CustomerInput | null {
  if (v.customerMode === 'existing') {
    if (v.picked) return { kind: 'existing', id: v.picked.value, label: v.picked.label };
    errors[BLOCKS.pick] =
      'Pick the existing customer (type part of its name, its slug or #number), or choose "New customer".';
    return null;
  }
  const before = Object.keys(errors).length;
  if (!v.customerName) errors[BLOCKS.customerName] = "Enter the customer's name.";
  else if ([...v.customerName].length > MAX_NAME)
    errors[BLOCKS.customerName] = `Keep the name under ${MAX_NAME} characters.`;

  const { slug, fromName } = effectiveSlug(v);
  if (!slug && v.customerName)
    errors[BLOCKS.slug] =
      'No slug can be made from this name: enter one with lower-case letters, digits and dashes, e.g. acme-corp.';
  else if (slug && (!SLUG_PATTERN.test(slug) || slug.length > MAX_SLUG_LENGTH)) {
    errors[BLOCKS.slug] =
      `Use only lower-case letters, digits and single dashes between them (at most ${MAX_SLUG_LENGTH}), e.g. acme-corp.`;
  }

  const domain = normalizeDomain(v.domain);
  if (domain && !HOSTNAME.test(domain))
    errors[BLOCKS.domain] = 'Enter a hostname such as acme.com (no path, no spaces).';
  const status = CUSTOMER_STATUSES.find((s) => s.value === v.status)?.value;
  if (!status) errors[BLOCKS.status] = "Pick the customer's status.";

  if (Object.keys(errors).length > before) return null;
  return { kind: 'new', name: v.customerName, slug, slugFromName: fromName, domain: domain || null, status: status! };
}

/** The form again, from a checked submission (a refusal by Pivotal brings everything back). */
export function formValuesFromInput(input: OnboardInput): OnboardFormValues {
  const c = input.customer;
  const contact = input.contact;
  return {
    customerMode: c.kind,
    customerName: c.kind === 'new' ? c.name : '',
    slug: c.kind === 'new' ? c.slug : '',
    derivedSlug: c.kind === 'new' && c.slugFromName ? c.slug : '',
    domain: c.kind === 'new' ? (c.domain ?? '') : '',
    status: c.kind === 'new' ? c.status : CUSTOMER_STATUSES[0]!.value,
    picked: c.kind === 'existing' ? { value: c.id, label: c.label } : null,
    contact: contact.kind === 'new' ? contactFieldValues(contact) : { name: '', email: '', title: '' },
    contactLater: contact.kind === 'later',
    replacePrimary: false,
    openAnother: false,
    phase: input.onboarding.phase,
    state: input.onboarding.state,
    targetDate: input.onboarding.targetLaunchDate,
    csmUserId: input.onboarding.csmUserId,
    ...(input.source ? { source: input.source, notes: input.onboarding.notes ?? '' } : {}),
  };
}

export type Step = 'customer' | 'contact' | 'onboarding';

const CUSTOMER_FIELDS: Record<string, string> = {
  name: BLOCKS.customerName,
  slug: BLOCKS.slug,
  domain: BLOCKS.domain,
  status: BLOCKS.status,
};
const ONBOARDING_FIELDS: Record<string, string> = {
  phase: BLOCKS.phase,
  state: BLOCKS.state,
  target_launch_date: BLOCKS.target,
  csm_id: BLOCKS.csm,
};

/** The input a Pivotal validation error belongs to, from the step and the error's `field`. */
export function blockForPivotalField(step: Step, field: string | undefined): string | undefined {
  const key = field?.split('.').at(-1);
  if (!key) return undefined;
  if (step === 'contact') return contactBlockForField(key);
  return (step === 'customer' ? CUSTOMER_FIELDS : ONBOARDING_FIELDS)[key];
}

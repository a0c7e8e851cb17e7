import type { InputBlock } from '@slack/types';
import { z } from 'zod';
import type { ContactCreate } from '../../pivotal/index.js';
import { textInput } from '../../views/inputs.js';
import type { Choice, FieldErrors, FormState } from '../../views/form-values.js';

/** The contact inputs, shared by the onboard modal and the contact modal. */
export const CONTACT_BLOCKS = { name: 'contact_name', email: 'contact_email', title: 'contact_title' } as const;
export const CONTACT_CUSTOMER_BLOCK = 'contact_customer';
export const CONTACT_PRIMARY_BLOCK = 'contact_primary';
export const CONTACT_CALLBACK = 'contact_add';
export const PRIMARY_VALUE = 'primary';

const MAX_NAME = 150;
const MAX_EMAIL = 254;
const MAX_TITLE = 150;

export interface ContactFieldValues {
  name: string;
  email: string;
  title: string;
}

export interface ContactData {
  name: string;
  email: string;
  title: string | null;
}

export function contactFieldBlocks(v: ContactFieldValues, opts: { optional: boolean }): InputBlock[] {
  return [
    textInput({
      blockId: CONTACT_BLOCKS.name,
      label: 'Name',
      initial: v.name,
      optional: opts.optional,
      maxLength: MAX_NAME,
      placeholder: 'Jane Doe',
    }),
    textInput({
      blockId: CONTACT_BLOCKS.email,
      label: 'Email',
      initial: v.email,
      optional: opts.optional,
      email: true,
      placeholder: 'jane@example.com',
    }),
    textInput({
      blockId: CONTACT_BLOCKS.title,
      label: 'Title',
      initial: v.title,
      optional: true,
      maxLength: MAX_TITLE,
      placeholder: 'Head of Operations',
    }),
  ];
}

export function readContactFields(state: FormState): ContactFieldValues {
  return {
    name: state.text(CONTACT_BLOCKS.name),
    email: state.text(CONTACT_BLOCKS.email),
    title: state.text(CONTACT_BLOCKS.title),
  };
}

export function hasContactInput(v: ContactFieldValues): boolean {
  return Boolean(v.name || v.email || v.title);
}

const Email = z.email();

/** `missingHint` finishes "Enter the contact's name…" when a field is empty (the onboard form offers "later"). */
export function validateContactFields(
  v: ContactFieldValues,
  missingHint = '',
): { data: ContactData } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!v.name) errors[CONTACT_BLOCKS.name] = `Enter the contact's name${missingHint}.`;
  else if ([...v.name].length > MAX_NAME) errors[CONTACT_BLOCKS.name] = `Keep the name under ${MAX_NAME} characters.`;
  if (!v.email) errors[CONTACT_BLOCKS.email] = `Enter the contact's email address${missingHint}.`;
  else if (v.email.length > MAX_EMAIL || !Email.safeParse(v.email).success)
    errors[CONTACT_BLOCKS.email] = 'This is not an email address; it should look like jane@example.com.';
  if ([...v.title].length > MAX_TITLE) errors[CONTACT_BLOCKS.title] = `Keep the title under ${MAX_TITLE} characters.`;
  if (Object.keys(errors).length > 0) return { errors };
  // Pivotal lower-cases emails on input; doing it here keeps the idempotency body stable.
  return { data: { name: v.name, email: v.email.toLowerCase(), title: v.title || null } };
}

export function contactFieldValues(c: ContactData): ContactFieldValues {
  return { name: c.name, email: c.email, title: c.title ?? '' };
}

export function contactBody(c: ContactData, primary: boolean, metadata: ContactCreate['metadata']): ContactCreate {
  return { name: c.name, email: c.email, ...(c.title ? { title: c.title } : {}), is_primary: primary, metadata };
}

/** Which input a Pivotal validation error on a contact names (`field` is the request body's key). */
export function contactBlockForField(field: string | undefined): string | undefined {
  const key = field?.split('.').at(-1);
  return key === 'name' || key === 'email' || key === 'title' ? CONTACT_BLOCKS[key] : undefined;
}

// The contact modal (`/pivotal contact` and the customer card's "Add contact").

export interface ContactFormValues {
  customer: Choice | null;
  contact: ContactFieldValues;
  primary: boolean;
}

export function readContactForm(state: FormState): ContactFormValues {
  return {
    customer: state.option(CONTACT_CUSTOMER_BLOCK),
    contact: readContactFields(state),
    primary: state.checked(CONTACT_PRIMARY_BLOCK, PRIMARY_VALUE),
  };
}

export function validateContactForm(
  v: ContactFormValues,
): { customerId: string; contact: ContactData } | { errors: FieldErrors } {
  const checked = validateContactFields(v.contact);
  const errors: FieldErrors = 'errors' in checked ? { ...checked.errors } : {};
  if (!v.customer)
    errors[CONTACT_CUSTOMER_BLOCK] = 'Pick the customer: type part of its name, its slug or its #number.';
  if (Object.keys(errors).length > 0 || 'errors' in checked) return { errors };
  return { customerId: v.customer!.value, contact: checked.data };
}

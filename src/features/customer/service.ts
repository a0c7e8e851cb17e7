import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import {
  PivotalConflictError,
  PivotalNotFoundError,
  PivotalValidationError,
  type Contact,
  type Onboarding,
} from '../../pivotal/index.js';
import { recordMetadata } from '../../pivotal/record-metadata.js';
import type { PhaseSequence } from '../../domain/phases.js';
import { isFinished } from '../../domain/finished.js';
import { loadPhaseSequence } from '../../store/phases.js';
import {
  findCustomers,
  getCustomerRow,
  onboardingsOfCustomer,
  setPrimaryContact,
  upsertCustomer,
} from '../../store/read-model.js';
import type { RmCustomerRow } from '../../store/schema-domain.js';
import { explainToPerson } from '../shared/explain-to-person.js';
import type { Session } from '../shared/session.js';
import { contactBlockForField, contactBody, CONTACT_BLOCKS, type ContactData } from './contact-fields.js';
import type { FieldErrors } from '../../views/form-values.js';
import { searchCustomers } from './search.js';
import { CONTACT_CUSTOMER_BLOCK } from './contact-fields.js';
import {
  PICK_LIST_SIZE,
  type CardContact,
  type CardCustomer,
  type CardOnboarding,
  type ContactAdded,
  type CustomerCard,
  type CustomerLookup,
} from './views.js';
import { contactRecord, customerRecord } from '../../sync/projection.js';

/** `/pivotal customer` answers through response_url after the ack, so Pivotal gets longer than for options. */
const LOOKUP_BUDGET_MS = 8_000;

/**
 * The idempotency key of a write made from a Slack interaction: the interaction (`scope`, e.g. the view
 * id and step) plus a digest of the body. A repeat of the same submission sends the same key and gets
 * Pivotal's stored answer; a body the person corrected after a refusal gets a fresh key, so it never
 * meets Pivotal's "same key, different body" 409. Only a definite refusal (4xx) leads to a changed body.
 * Pivotal keeps keys for 24 h: a repeat later than that is a new create (docs/pivotal-contract.md).
 */
export function writeKey(scope: string, body: unknown): string {
  return `${scope}:${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)}`;
}

/**
 * `/pivotal customer <query>`: from the read model (`localOnly`, fast enough to answer in the ack), or
 * asking Pivotal when the read model knows no such customer. `slack` is the request's client.
 */
export async function lookupCustomer(
  ctx: AppContext,
  session: Session,
  slack: WebClient,
  query: string,
  opts: { localOnly: boolean },
): Promise<CustomerLookup> {
  const limit = PICK_LIST_SIZE + 1;
  const search = opts.localOnly
    ? {
        rows: await findCustomers(ctx.store.db, session.workspaceId, query, limit),
        fromPivotal: false,
        pivotalProblem: undefined,
      }
    : await searchCustomers(ctx, session, query, { budgetMs: LOOKUP_BUDGET_MS, limit });
  if (search.rows.length === 0) {
    const problem =
      search.pivotalProblem === undefined
        ? undefined
        : search.pivotalProblem === 'late'
          ? 'Pivotal did not answer in time.'
          : await explainToPerson(ctx, slack, session.workspaceId, search.pivotalProblem);
    return problem ? { kind: 'none', pivotalProblem: problem } : { kind: 'none' };
  }
  if (search.rows.length > 1) {
    return {
      kind: 'many',
      rows: search.rows.slice(0, PICK_LIST_SIZE).map(cardCustomer),
      more: search.rows.length > PICK_LIST_SIZE,
      fromPivotal: search.fromPivotal,
    };
  }
  return { kind: 'one', card: await customerCard(ctx, session, search.rows[0]!, search.fromPivotal) };
}

/** The card of a customer picked from a list; `fromPivotal` when the list came from Pivotal rather than the read model. */
export async function customerCardById(
  ctx: AppContext,
  session: Session,
  customerId: string,
  fromPivotal: boolean,
): Promise<CustomerCard | null> {
  const row = await getCustomerRow(ctx.store.db, session.workspaceId, customerId);
  return row && !row.deleted ? customerCard(ctx, session, row, fromPivotal) : null;
}

/**
 * A customer the read model already knew is shown from it. One just fetched from Pivotal has no
 * contacts or onboardings there yet, so those are read from Pivotal for the card; the onboardings
 * are not written to the read model, whose sync must still see them as new to announce them.
 */
async function customerCard(
  ctx: AppContext,
  session: Session,
  row: RmCustomerRow,
  fromPivotal: boolean,
): Promise<CustomerCard> {
  const phases = await loadPhaseSequence(ctx.store.db, session.workspaceId);
  const client = session.connection?.client;
  if (fromPivotal && client) {
    try {
      const [contacts, onboardings] = await Promise.all([
        client.listContacts(row.id, { limit: 100 }),
        client.listCustomerOnboardings(row.id, { limit: 100 }),
      ]);
      const primary = contacts.data.find((c) => c.is_primary) ?? null;
      await setPrimaryContact(ctx.store.db, session.workspaceId, row.id, contactRecord(primary));
      return {
        customer: cardCustomer(row),
        primary: primary && cardContact(primary),
        onboardings: openOnboardings(onboardings.data, phases),
      };
    } catch (err) {
      ctx.logger.warn(
        { err, workspace: session.workspaceId },
        'customer card: could not read contacts and onboardings from Pivotal',
      );
    }
  }
  const local = await onboardingsOfCustomer(ctx.store.db, session.workspaceId, row.id);
  const primary = row.primary_contact_id
    ? { name: row.primary_contact_name, email: row.primary_contact_email, title: row.primary_contact_title }
    : null;
  return { customer: cardCustomer(row), primary, onboardings: openOnboardings(local, phases) };
}

type OnboardingLike = Pick<Onboarding, 'id' | 'display_id' | 'phase' | 'state'> & {
  target_launch_date?: string | null;
  completed_at?: string | null;
};

function openOnboardings(list: readonly OnboardingLike[], phases: PhaseSequence): CardOnboarding[] {
  return list
    .filter((o) => !isFinished(o))
    .map((o) => ({
      id: o.id,
      display_id: o.display_id,
      phaseName: phases.name(o.phase),
      progress: phases.progress(o.phase),
      state: o.state,
      target: o.target_launch_date ?? null,
    }));
}

function cardCustomer(row: RmCustomerRow): CardCustomer {
  return {
    id: row.id,
    display_id: row.display_id,
    name: row.name,
    slug: row.slug,
    domain: row.domain,
    status: row.status,
  };
}

function cardContact(c: Pick<Contact, 'name' | 'email' | 'title'>): CardContact {
  return { name: c.name ?? null, email: c.email ?? null, title: c.title ?? null };
}

/** What the contact modal shows about a preselected customer. */
export async function contactFormCustomer(
  ctx: AppContext,
  session: Session,
  reference: string,
): Promise<{ row: RmCustomerRow | null; primary: CardContact | null }> {
  const rows = reference ? await findCustomers(ctx.store.db, session.workspaceId, reference, 2) : [];
  const row = rows.length === 1 ? rows[0]! : null;
  return {
    row,
    primary: row?.primary_contact_id
      ? { name: row.primary_contact_name, email: row.primary_contact_email, title: row.primary_contact_title }
      : null,
  };
}

export interface AddContactRequest {
  viewId: string;
  userId: string;
  customerId: string;
  contact: ContactData;
  primary: boolean;
}

export type AddContactOutcome =
  | { kind: 'added'; result: ContactAdded }
  | { kind: 'refused'; errors: FieldErrors; problem?: string };

/** `/pivotal contact`: one POST, keyed by the modal, then the read model's primary contact. `slack` is the request's client. */
export async function addContact(
  ctx: AppContext,
  session: Session,
  slack: WebClient,
  req: AddContactRequest,
): Promise<AddContactOutcome> {
  const connection = session.connection!;
  const db = ctx.store.db;
  let customer = await getCustomerRow(db, session.workspaceId, req.customerId);
  const before = customer?.primary_contact_id
    ? {
        id: customer.primary_contact_id,
        name: customer.primary_contact_name,
        email: customer.primary_contact_email,
        title: customer.primary_contact_title,
      }
    : null;
  const body = contactBody(
    req.contact,
    req.primary,
    recordMetadata({ workspace: session.workspace, userId: req.userId, mode: connection.mode }),
  );
  let created: Contact;
  try {
    if (!customer) {
      await upsertCustomer(
        db,
        session.workspaceId,
        customerRecord(await connection.client.getCustomer(req.customerId)),
        ctx.now().toISOString(),
      );
      customer = (await getCustomerRow(db, session.workspaceId, req.customerId))!;
    }
    created = await connection.client.createContact(customer.id, body, {
      idempotencyKey: writeKey(`contact:${req.viewId}`, body),
    });
  } catch (err) {
    return refusal(ctx, session, slack, err);
  }
  if (req.primary) await setPrimaryContact(db, session.workspaceId, customer.id, contactRecord(created));
  return {
    kind: 'added',
    result: {
      contact: cardContact(created),
      customer: { display_id: customer.display_id, slug: customer.slug, name: customer.name },
      primary: req.primary,
      replaced: req.primary && before && before.id !== created.id ? before : null,
    },
  };
}

async function refusal(ctx: AppContext, session: Session, slack: WebClient, err: unknown): Promise<AddContactOutcome> {
  if (err instanceof PivotalConflictError && err.isEmailTaken) {
    return {
      kind: 'refused',
      errors: {
        [CONTACT_BLOCKS.email]: 'Another contact in Pivotal already uses this email address. Use another one.',
      },
    };
  }
  if (err instanceof PivotalNotFoundError) {
    return {
      kind: 'refused',
      errors: {
        [CONTACT_CUSTOMER_BLOCK]:
          'This customer no longer exists in Pivotal (it may have been deleted). Pick another one.',
      },
    };
  }
  const block = err instanceof PivotalValidationError ? contactBlockForField(err.field) : undefined;
  if (block) return { kind: 'refused', errors: { [block]: `Pivotal refused this: ${(err as Error).message}` } };
  return {
    kind: 'refused',
    errors: {},
    problem: `${await explainToPerson(ctx, slack, session.workspaceId, err)} Submitting again is safe: the contact is never added twice.`,
  };
}

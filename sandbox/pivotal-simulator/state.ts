import { DOCUMENTED_PHASES } from './documented.js';
import { conflict, type RecordKind } from './api-error.js';
import { newCuid } from './ids.js';
import type {
  ContactInput,
  ContactRecord,
  CustomerInput,
  CustomerRecord,
  OnboardingChanges,
  OnboardingInput,
  OnboardingRecord,
  Org,
  RecordsByKind,
} from './records.js';
import { Table, type Row } from './table.js';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface DeletedBody {
  object: 'deleted';
  id: string;
  display_id: number;
  deleted: true;
}

interface OrgData {
  org: Org;
  customers: Table<CustomerRecord>;
  contacts: Table<ContactRecord>;
  onboardings: Table<OnboardingRecord>;
  /** Live records only: a soft-deleted customer frees its slug, a soft-deleted contact its email. */
  customerIdsBySlug: Map<string, string>;
  contactIdsByEmail: Map<string, string>;
}

type TableDump<T> = { rows: Row<T>[]; lastDisplayId: number };

/** Everything an org holds, soft-deleted rows included: what a restarted simulator must find again. */
export interface OrgDump {
  org: Org;
  customers: TableDump<CustomerRecord>;
  contacts: TableDump<ContactRecord>;
  onboardings: TableDump<OnboardingRecord>;
}

/** For seeding history: a record may be created "in the past". */
export interface CreateOptions {
  createdAt?: Date;
}

const WORKFLOW_DONE_STATES = new Set(['done', 'completed']);

function withoutUndefined<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'customer';
}

/**
 * The data of every org and the product rules that hold whichever way a change arrives (API or the
 * tests' stand-in for the Pivotal UI): unique slugs and emails, one primary contact per customer,
 * onboarding defaults, `state=waiting` ⇔ `waiting_on_customer`, soft delete. created_at is the clock's
 * time, so records made together (a bulk import) share it, as the documents allow: a created_at cursor
 * can tie.
 */
export class SimulatorState {
  private readonly orgs = new Map<string, OrgData>();

  constructor(
    private readonly now: () => Date,
    /** Told of every write (records and orgs). */
    private readonly changed: () => void = () => {},
  ) {}

  createOrg(o: { name: string; slug: string; extraPhases?: string[] }): Org {
    const org: Org = { id: newCuid(), name: o.name, slug: o.slug, extraPhases: [...(o.extraPhases ?? [])] };
    this.addOrg(org);
    this.changed();
    return org;
  }

  orgList(): Org[] {
    return [...this.orgs.values()].map((d) => d.org);
  }

  dump(): OrgDump[] {
    return [...this.orgs.values()].map((d) => ({
      org: d.org,
      customers: d.customers.dump(),
      contacts: d.contacts.dump(),
      onboardings: d.onboardings.dump(),
    }));
  }

  /** Restores orgs saved by dump(), with their slug and email indexes rebuilt from the live rows. */
  load(dump: OrgDump[]): void {
    for (const saved of dump) {
      const data = this.addOrg(saved.org);
      data.customers.load(saved.customers);
      data.contacts.load(saved.contacts);
      data.onboardings.load(saved.onboardings);
      for (const c of data.customers.live()) data.customerIdsBySlug.set(c.slug, c.id);
      for (const c of data.contacts.live()) data.contactIdsByEmail.set(c.email, c.id);
    }
  }

  private addOrg(org: Org): OrgData {
    const data: OrgData = {
      org,
      customers: new Table('customers', this.changed),
      contacts: new Table('contacts', this.changed),
      onboardings: new Table('onboardings', this.changed),
      customerIdsBySlug: new Map(),
      contactIdsByEmail: new Map(),
    };
    this.orgs.set(org.id, data);
    return data;
  }

  org(orgId: string): Org {
    return this.data(orgId).org;
  }

  allowsPhase(orgId: string, phase: string): boolean {
    return (DOCUMENTED_PHASES as readonly string[]).includes(phase) || this.org(orgId).extraPhases.includes(phase);
  }

  // Reads

  /** A live record by cuid or display id, or undefined. */
  get<K extends RecordKind>(orgId: string, kind: K, ref: string): RecordsByKind[K] | undefined {
    const row = this.table(orgId, kind).find(ref);
    return row && !row.deletedAt ? row.record : undefined;
  }

  /** A live record, or the documented 404. */
  require<K extends RecordKind>(orgId: string, kind: K, ref: string): RecordsByKind[K] {
    return this.table(orgId, kind).get(ref);
  }

  /** What the list endpoints see, newest first: no soft-deleted rows, nothing under a deleted customer. */
  list<K extends RecordKind>(
    orgId: string,
    kind: K,
    filter: (record: RecordsByKind[K]) => boolean = () => true,
  ): RecordsByKind[K][] {
    const visible = (record: RecordsByKind[K]) =>
      kind === 'customers' ||
      this.get(orgId, 'customers', (record as ContactRecord | OnboardingRecord).customer_id) !== undefined;
    return this.table(orgId, kind)
      .live()
      .filter((record) => visible(record) && filter(record))
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  }

  /** Records the list endpoints would show (see list). */
  count(orgId: string, kind: RecordKind): number {
    return this.list(orgId, kind).length;
  }

  // Customers

  createCustomer(orgId: string, input: CustomerInput, opts: CreateOptions = {}): CustomerRecord {
    const data = this.data(orgId);
    const slug = input.slug ?? slugify(input.name);
    this.claimSlug(data, slug, undefined);
    const createdAt = this.stampCreatedAt(opts.createdAt);
    const record: CustomerRecord = {
      object: 'customer',
      id: newCuid(),
      display_id: data.customers.nextDisplayId(),
      name: input.name,
      slug,
      domain: null,
      status: 'active',
      plan: null,
      mrr: null,
      monthly_orders: null,
      hubspot_company_id: null,
      hubspot_deal_id: null,
      stripe_customer_id: null,
      intercom_company_id: null,
      slack_channel_id: null,
      metadata: null,
      ...withoutUndefined(input),
      created_at: createdAt,
      updated_at: createdAt,
    };
    data.customerIdsBySlug.set(slug, record.id);
    return data.customers.insert(record);
  }

  updateCustomer(orgId: string, ref: string, changes: Partial<CustomerInput>): CustomerRecord {
    const data = this.data(orgId);
    const current = data.customers.get(ref);
    const next: CustomerRecord = { ...current, ...withoutUndefined(changes), updated_at: this.updatedAt(current) };
    if (next.slug !== current.slug) {
      this.claimSlug(data, next.slug, current.id);
      data.customerIdsBySlug.delete(current.slug);
      data.customerIdsBySlug.set(next.slug, current.id);
    }
    return data.customers.replace(next);
  }

  // Contacts

  createContact(orgId: string, customerRef: string, input: ContactInput, opts: CreateOptions = {}): ContactRecord {
    const data = this.data(orgId);
    const customer = data.customers.get(customerRef);
    const email = input.email.toLowerCase();
    this.claimEmail(data, email, undefined);
    const createdAt = this.stampCreatedAt(opts.createdAt);
    const record: ContactRecord = {
      object: 'contact',
      id: newCuid(),
      display_id: data.contacts.nextDisplayId(),
      customer_id: customer.id,
      title: null,
      is_primary: false,
      labels: [],
      metadata: null,
      ...withoutUndefined(input),
      name: input.name,
      email,
      created_at: createdAt,
      updated_at: createdAt,
    };
    data.contactIdsByEmail.set(email, record.id);
    data.contacts.insert(record);
    if (record.is_primary) this.demoteOtherPrimaries(data, record);
    return record;
  }

  updateContact(orgId: string, ref: string, changes: Partial<ContactInput>): ContactRecord {
    const data = this.data(orgId);
    const current = data.contacts.get(ref);
    const next: ContactRecord = { ...current, ...withoutUndefined(changes), updated_at: this.updatedAt(current) };
    next.email = next.email.toLowerCase();
    if (next.email !== current.email) {
      this.claimEmail(data, next.email, current.id);
      data.contactIdsByEmail.delete(current.email);
      data.contactIdsByEmail.set(next.email, current.id);
    }
    data.contacts.replace(next);
    if (next.is_primary && !current.is_primary) this.demoteOtherPrimaries(data, next);
    return next;
  }

  // Onboardings

  createOnboarding(orgId: string, input: OnboardingInput, opts: CreateOptions = {}): OnboardingRecord {
    const data = this.data(orgId);
    const customer = data.customers.get(input.customer_id);
    const createdAt = this.stampCreatedAt(opts.createdAt);
    const defaults: OnboardingRecord = {
      object: 'onboarding',
      id: newCuid(),
      display_id: data.onboardings.nextDisplayId(),
      customer_id: customer.id,
      name: null,
      template_id: null,
      phase: 'before_getting_started',
      state: 'active',
      waiting_on_customer: false,
      started_at: createdAt,
      completed_at: null,
      target_launch_date: null,
      csm_id: null,
      se_id: null,
      designer_id: null,
      product_ops_id: null,
      notes: null,
      metadata: null,
      created_at: createdAt,
      updated_at: createdAt,
    };
    const { customer_id: _resolvedAbove, ...changes } = input;
    return data.onboardings.insert(applyOnboardingChanges(defaults, changes, createdAt));
  }

  /** Also the tests' way to change an onboarding "in the Pivotal UI": no idempotency, no request log. */
  updateOnboarding(orgId: string, ref: string, changes: OnboardingChanges): OnboardingRecord {
    const data = this.data(orgId);
    const current = data.onboardings.get(ref);
    const updatedAt = this.updatedAt(current);
    return data.onboardings.replace(applyOnboardingChanges({ ...current, updated_at: updatedAt }, changes, updatedAt));
  }

  // Deletion

  /** Soft delete; the idempotency docs say repeating it answers the same body. */
  delete(orgId: string, kind: RecordKind, ref: string): DeletedBody {
    const data = this.data(orgId);
    const record = this.table(orgId, kind).markDeleted(ref, this.now().toISOString());
    if (kind === 'customers') releaseIndex(data.customerIdsBySlug, (record as CustomerRecord).slug, record.id);
    if (kind === 'contacts') releaseIndex(data.contactIdsByEmail, (record as ContactRecord).email, record.id);
    return { object: 'deleted', id: record.id, display_id: record.display_id, deleted: true };
  }

  private data(orgId: string): OrgData {
    const data = this.orgs.get(orgId);
    if (!data) throw new Error(`simulator: no org ${orgId}`);
    return data;
  }

  private table<K extends RecordKind>(orgId: string, kind: K): Table<RecordsByKind[K]> {
    return this.data(orgId)[kind] as unknown as Table<RecordsByKind[K]>;
  }

  private claimSlug(data: OrgData, slug: string, ownerId: string | undefined): void {
    const holder = data.customerIdsBySlug.get(slug);
    if (holder !== undefined && holder !== ownerId)
      throw conflict('slug_taken', `A customer with slug "${slug}" already exists`, 'slug');
  }

  private claimEmail(data: OrgData, email: string, ownerId: string | undefined): void {
    const holder = data.contactIdsByEmail.get(email);
    if (holder !== undefined && holder !== ownerId)
      throw conflict('email_taken', `A contact with email ${email} already exists`, 'email');
  }

  private demoteOtherPrimaries(data: OrgData, primary: ContactRecord): void {
    for (const contact of data.contacts.live()) {
      if (contact.customer_id === primary.customer_id && contact.id !== primary.id && contact.is_primary) {
        data.contacts.replace({ ...contact, is_primary: false, updated_at: this.updatedAt(contact) });
      }
    }
  }

  private stampCreatedAt(requested: Date | undefined): string {
    return (requested ?? this.now()).toISOString();
  }

  private updatedAt(current: { created_at: string; updated_at: string }): string {
    const now = this.now().toISOString();
    // A record seeded with a created_at ahead of the clock must not look edited before it was made.
    return [now, current.created_at, current.updated_at].sort().at(-1)!;
  }
}

function releaseIndex(index: Map<string, string>, value: string, id: string): void {
  if (index.get(value) === id) index.delete(value);
}

/**
 * `state=waiting` is derived from `waiting_on_customer` (the API guide), so each follows the other;
 * an explicit state wins when both are sent. `completed_at` is set on entering a terminal phase or state.
 */
function applyOnboardingChanges(current: OnboardingRecord, changes: OnboardingChanges, at: string): OnboardingRecord {
  const next: OnboardingRecord = { ...current, ...withoutUndefined(changes) };
  if (changes.state !== undefined) next.waiting_on_customer = changes.state === 'waiting';
  else if (changes.waiting_on_customer !== undefined) {
    if (changes.waiting_on_customer) next.state = 'waiting';
    else if (next.state === 'waiting') next.state = 'active';
  }
  const terminal = next.phase === 'completed' || WORKFLOW_DONE_STATES.has(next.state);
  next.completed_at = terminal ? (current.completed_at ?? at) : null;
  return next;
}

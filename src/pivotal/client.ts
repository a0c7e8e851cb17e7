import type { Logger } from 'pino';
import { z } from 'zod';
import { PivotalNotFoundError, PivotalValidationError, type PivotalAuthError } from './errors.js';
import { normalizeIdentity, type Identity } from './identity.js';
import { keyDisplayPrefix, keyMode, type KeyMode } from './keys.js';
import { sharedPacerForKey, type RateLimitSnapshot, type RatePacer } from './pacer.js';
import { paginate } from './pagination.js';
import {
  ContactSchema,
  CustomerSchema,
  DeletedSchema,
  HealthSchema,
  OnboardingSchema,
  pageSchema,
  type Contact,
  type ContactCreate,
  type PageQuery,
  type ContactPatch,
  type Customer,
  type CustomerCreate,
  type CustomerListQuery,
  type CustomerPatch,
  type Deleted,
  type Health,
  type Onboarding,
  type OnboardingCreate,
  type OnboardingListQuery,
  type OnboardingPatch,
  type Page,
} from './schemas.js';
import { PivotalTransport, type ResponseInfo } from './transport.js';

export interface PivotalClientOptions {
  /** e.g. `https://my.pivotal.app/api/v1`; a trailing slash is fine. */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Attempts in all, first one included. Default 4. */
  maxAttempts?: number;
  /** A 429 asking to wait longer than this is thrown as PivotalRateLimitError for the caller to queue. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Default: the process-wide pacer of this key, shared by every client holding it. */
  pacer?: RatePacer;
  /** Fraction of the key's rate bucket this client may use (see AcquireOptions.share). Default 1. */
  budgetShare?: number;
  /** Requests are logged at debug level with the key's display prefix; never the key. */
  logger?: Logger;
  onResponse?: (info: ResponseInfo) => void;
  /** Every 401, e.g. to flag a revoked key for the workspace. */
  onAuthError?: (err: PivotalAuthError) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source, [0, 1). */
  random?: () => number;
}

/** Every POST names its operation, so that retries (ours or the caller's) never create twice. */
export interface IdempotentWrite {
  idempotencyKey: string;
}

/** A record as Slack users type it: cuid, display id digits, or `#245`. */
export type RecordRef = string | number;

const CustomerPageSchema = pageSchema(CustomerSchema);
const ContactPageSchema = pageSchema(ContactSchema);
const OnboardingPageSchema = pageSchema(OnboardingSchema);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The one way out to Pivotal (DESIGN.md rule 3): typed calls over the documented v1 endpoints. */
export class PivotalClient {
  readonly keyPrefix: string;
  readonly mode: KeyMode;
  private readonly pacer: RatePacer;
  private readonly transport: PivotalTransport;

  constructor(opts: PivotalClientOptions) {
    this.keyPrefix = keyDisplayPrefix(opts.apiKey);
    this.mode = keyMode(opts.apiKey);
    this.pacer = opts.pacer ?? sharedPacerForKey(opts.apiKey);
    this.transport = new PivotalTransport({
      baseUrl: opts.baseUrl,
      apiKey: opts.apiKey,
      keyPrefix: this.keyPrefix,
      pacer: this.pacer,
      budgetShare: opts.budgetShare ?? 1,
      fetch: opts.fetch ?? globalThis.fetch,
      timeoutMs: opts.timeoutMs ?? 10_000,
      retry: { maxAttempts: opts.maxAttempts ?? 4, maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000, random: opts.random ?? Math.random },
      sleep: opts.sleep ?? realSleep,
      logger: opts.logger,
      onResponse: opts.onResponse,
      onAuthError: opts.onAuthError,
    });
  }

  /** Where this key stands in its rate bucket, e.g. for a sync worker deciding how much to do now. */
  rateLimit(): RateLimitSnapshot {
    return this.pacer.snapshot();
  }

  async me(): Promise<Identity> {
    return normalizeIdentity(await this.transport.send({ method: 'GET', path: '/me', schema: z.unknown() }));
  }

  health(): Promise<Health> {
    return this.transport.send({ method: 'GET', path: '/health', schema: HealthSchema, anonymous: true });
  }

  // Customers

  listCustomers(q: CustomerListQuery = {}): Promise<Page<Customer>> {
    return this.transport.send({ method: 'GET', path: '/customers', query: q, schema: CustomerPageSchema });
  }

  customers(q: Omit<CustomerListQuery, 'cursor'> = {}): AsyncIterable<Customer> {
    return paginate((cursor) => this.listCustomers({ ...q, cursor }));
  }

  async getCustomer(id: RecordRef): Promise<Customer> {
    return this.transport.send({ method: 'GET', path: `/customers/${pathId(id)}`, schema: CustomerSchema });
  }

  createCustomer(body: CustomerCreate, opts: IdempotentWrite): Promise<Customer> {
    return this.transport.send({ method: 'POST', path: '/customers', body, idempotencyKey: opts.idempotencyKey, schema: CustomerSchema });
  }

  async updateCustomer(id: RecordRef, patch: CustomerPatch): Promise<Customer> {
    return this.transport.send({ method: 'PATCH', path: `/customers/${pathId(id)}`, body: patch, schema: CustomerSchema });
  }

  async deleteCustomer(id: RecordRef): Promise<Deleted> {
    return this.transport.send({ method: 'DELETE', path: `/customers/${pathId(id)}`, schema: DeletedSchema });
  }

  // Contacts

  async listContacts(customerId: RecordRef, q: PageQuery = {}): Promise<Page<Contact>> {
    return this.transport.send({ method: 'GET', path: `/customers/${pathId(customerId)}/contacts`, query: q, schema: ContactPageSchema });
  }

  contacts(customerId: RecordRef, q: Omit<PageQuery, 'cursor'> = {}): AsyncIterable<Contact> {
    return paginate((cursor) => this.listContacts(customerId, { ...q, cursor }));
  }

  async createContact(customerId: RecordRef, body: ContactCreate, opts: IdempotentWrite): Promise<Contact> {
    return this.transport.send({
      method: 'POST',
      path: `/customers/${pathId(customerId)}/contacts`,
      body,
      idempotencyKey: opts.idempotencyKey,
      schema: ContactSchema,
    });
  }

  async getContact(id: RecordRef): Promise<Contact> {
    return this.transport.send({ method: 'GET', path: `/contacts/${pathId(id)}`, schema: ContactSchema });
  }

  async updateContact(id: RecordRef, patch: ContactPatch): Promise<Contact> {
    return this.transport.send({ method: 'PATCH', path: `/contacts/${pathId(id)}`, body: patch, schema: ContactSchema });
  }

  async deleteContact(id: RecordRef): Promise<Deleted> {
    return this.transport.send({ method: 'DELETE', path: `/contacts/${pathId(id)}`, schema: DeletedSchema });
  }

  // Onboardings

  listOnboardings(q: OnboardingListQuery = {}): Promise<Page<Onboarding>> {
    const query = q.customer_id === undefined ? q : { ...q, customer_id: stripHash(q.customer_id) };
    return this.transport.send({ method: 'GET', path: '/onboardings', query, schema: OnboardingPageSchema });
  }

  onboardings(q: Omit<OnboardingListQuery, 'cursor'> = {}): AsyncIterable<Onboarding> {
    return paginate((cursor) => this.listOnboardings({ ...q, cursor }));
  }

  async listCustomerOnboardings(customerId: RecordRef, q: PageQuery = {}): Promise<Page<Onboarding>> {
    return this.transport.send({ method: 'GET', path: `/customers/${pathId(customerId)}/onboardings`, query: q, schema: OnboardingPageSchema });
  }

  createOnboarding(body: OnboardingCreate, opts: IdempotentWrite): Promise<Onboarding> {
    const withCustomer = { ...body, customer_id: stripHash(body.customer_id) };
    return this.withLaunchDate(withCustomer, (wire, variant) =>
      this.transport.send({ method: 'POST', path: '/onboardings', body: wire, idempotencyKey: opts.idempotencyKey + variant, schema: OnboardingSchema }),
    );
  }

  async getOnboarding(id: RecordRef): Promise<Onboarding> {
    return this.transport.send({ method: 'GET', path: `/onboardings/${pathId(id)}`, schema: OnboardingSchema });
  }

  async updateOnboarding(id: RecordRef, patch: OnboardingPatch): Promise<Onboarding> {
    return this.withLaunchDate(patch, (wire) =>
      this.transport.send({ method: 'PATCH', path: `/onboardings/${pathId(id)}`, body: wire, schema: OnboardingSchema }),
    );
  }

  async deleteOnboarding(id: RecordRef): Promise<Deleted> {
    return this.transport.send({ method: 'DELETE', path: `/onboardings/${pathId(id)}`, schema: DeletedSchema });
  }

  /**
   * REST examples carry `target_launch_date` as a date-time, the webhook example as a date (gap 6), so
   * a `YYYY-MM-DD` goes out as midnight UTC of that day first (normalizeLaunchDate reads it back as the
   * same date); if the server rejects that very field, the bare date is sent once more. That second
   * POST uses its own idempotency key (suffix `:date-only`): the docs do not say whether a failed
   * response is stored under the first one (gap 11).
   */
  private async withLaunchDate<B extends { target_launch_date?: string | null | undefined }, T>(
    body: B,
    send: (wire: B, idempotencyVariant: string) => Promise<T>,
  ): Promise<T> {
    const date = body.target_launch_date;
    if (typeof date !== 'string' || !DATE_ONLY.test(date)) return send(body, '');
    try {
      return await send({ ...body, target_launch_date: `${date}T00:00:00.000Z` }, '');
    } catch (err) {
      const rejectedDate = err instanceof PivotalValidationError && err.field?.endsWith('target_launch_date');
      if (!rejectedDate) throw err;
      return send(body, ':date-only');
    }
  }
}

function stripHash(id: RecordRef): string {
  return String(id).trim().replace(/^#/, '');
}

/** Path segment for a record: `#245` → `245`; anything else is escaped and left to the API to resolve. */
function pathId(id: RecordRef): string {
  const bare = stripHash(id);
  // The API would answer 404 for an id that matches nothing; an empty one gets that answer without a request.
  if (bare === '') throw new PivotalNotFoundError({ status: 404, type: 'not_found', code: 'empty_id', message: 'No Pivotal id was given' });
  return encodeURIComponent(bare);
}

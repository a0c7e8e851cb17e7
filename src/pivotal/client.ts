import type { Logger } from 'pino';
import { z } from 'zod';
import { PivotalNotFoundError, PivotalProtocolError, PivotalValidationError, type PivotalAuthError } from './errors.js';
import { normalizeIdentity, type Identity } from './identity.js';
import { keyDisplayPrefix } from './keys.js';
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
import { exchangeThrough, undiciExchange } from './http-exchange.js';
import { PivotalTransport, type RequestSpec, type ResponseInfo } from './transport.js';
import { type KeyMode, keyMode } from '../domain/key-mode.js';

export interface PivotalClientOptions {
  /** e.g. `https://my.pivotal.app/api/v1`; a trailing slash is fine. */
  baseUrl: string;
  apiKey: string;
  /** Instead of the default (undici's `request`), e.g. a proxy's or a test's fault injector. */
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
  /** A 401 that says the key itself is unusable (revoked, unknown, missing), e.g. to flag it for the workspace. */
  onAuthError?: (err: PivotalAuthError) => void;
  /** A record Pivotal served that does not fit its documented shape (see UnfitRecord). */
  onUnfitRecord?: (record: UnfitRecord) => void;
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

export type RecordKind = 'customer' | 'contact' | 'onboarding';

/**
 * A record that does not fit the documented shape. Only its kind and id are passed on (the rest may be
 * anything, personal data included). `skipped`: left out of a list page, whose other rows are used;
 * `kept`: the answer to a create, recorded from its id and display id and what was sent, so that the
 * creation is not lost (and a retry does not create it again).
 */
export interface UnfitRecord {
  kind: RecordKind;
  id: string | null;
  handling: 'skipped' | 'kept';
}

type RecordSchema<T> = z.ZodType<T> & { shape: Record<string, z.ZodType> };

const RawPageSchema = pageSchema(z.unknown());
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The one way out to Pivotal: typed calls over the documented v1 endpoints. */
export class PivotalClient {
  readonly keyPrefix: string;
  readonly mode: KeyMode;
  private readonly pacer: RatePacer;
  private readonly transport: PivotalTransport;
  private readonly logger: Logger | undefined;
  private readonly onUnfitRecord: ((record: UnfitRecord) => void) | undefined;

  constructor(opts: PivotalClientOptions) {
    this.keyPrefix = keyDisplayPrefix(opts.apiKey);
    this.mode = keyMode(opts.apiKey);
    this.pacer = opts.pacer ?? sharedPacerForKey(opts.apiKey);
    this.logger = opts.logger?.child({ component: 'pivotal', keyPrefix: this.keyPrefix });
    this.onUnfitRecord = opts.onUnfitRecord;
    this.transport = new PivotalTransport({
      baseUrl: opts.baseUrl,
      apiKey: opts.apiKey,
      keyPrefix: this.keyPrefix,
      pacer: this.pacer,
      budgetShare: opts.budgetShare ?? 1,
      exchange: opts.fetch ? exchangeThrough(opts.fetch) : undiciExchange,
      timeoutMs: opts.timeoutMs ?? 10_000,
      retry: {
        maxAttempts: opts.maxAttempts ?? 4,
        maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000,
        random: opts.random ?? Math.random,
      },
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
    return this.page('customer', CustomerSchema, { method: 'GET', path: '/customers', query: q });
  }

  customers(q: Omit<CustomerListQuery, 'cursor'> = {}): AsyncIterable<Customer> {
    return paginate((cursor) => this.listCustomers({ ...q, cursor }));
  }

  async getCustomer(id: RecordRef): Promise<Customer> {
    return this.read('customer', CustomerSchema, `/customers/${pathId(id)}`);
  }

  createCustomer(body: CustomerCreate, opts: IdempotentWrite): Promise<Customer> {
    return this.create('customer', CustomerSchema, {
      method: 'POST',
      path: '/customers',
      body,
      idempotencyKey: opts.idempotencyKey,
    });
  }

  async updateCustomer(id: RecordRef, patch: CustomerPatch): Promise<Customer> {
    return this.transport.send({
      method: 'PATCH',
      path: `/customers/${pathId(id)}`,
      body: patch,
      schema: CustomerSchema,
    });
  }

  async deleteCustomer(id: RecordRef): Promise<Deleted> {
    return this.transport.send({ method: 'DELETE', path: `/customers/${pathId(id)}`, schema: DeletedSchema });
  }

  // Contacts

  async listContacts(customerId: RecordRef, q: PageQuery = {}): Promise<Page<Contact>> {
    return this.page('contact', ContactSchema, {
      method: 'GET',
      path: `/customers/${pathId(customerId)}/contacts`,
      query: q,
    });
  }

  contacts(customerId: RecordRef, q: Omit<PageQuery, 'cursor'> = {}): AsyncIterable<Contact> {
    return paginate((cursor) => this.listContacts(customerId, { ...q, cursor }));
  }

  async createContact(customerId: RecordRef, body: ContactCreate, opts: IdempotentWrite): Promise<Contact> {
    return this.create('contact', ContactSchema, {
      method: 'POST',
      path: `/customers/${pathId(customerId)}/contacts`,
      body,
      idempotencyKey: opts.idempotencyKey,
    });
  }

  async getContact(id: RecordRef): Promise<Contact> {
    return this.read('contact', ContactSchema, `/contacts/${pathId(id)}`);
  }

  async updateContact(id: RecordRef, patch: ContactPatch): Promise<Contact> {
    return this.transport.send({
      method: 'PATCH',
      path: `/contacts/${pathId(id)}`,
      body: patch,
      schema: ContactSchema,
    });
  }

  async deleteContact(id: RecordRef): Promise<Deleted> {
    return this.transport.send({ method: 'DELETE', path: `/contacts/${pathId(id)}`, schema: DeletedSchema });
  }

  // Onboardings

  listOnboardings(q: OnboardingListQuery = {}): Promise<Page<Onboarding>> {
    const query = q.customer_id === undefined ? q : { ...q, customer_id: stripHash(q.customer_id) };
    return this.page('onboarding', OnboardingSchema, { method: 'GET', path: '/onboardings', query });
  }

  onboardings(q: Omit<OnboardingListQuery, 'cursor'> = {}): AsyncIterable<Onboarding> {
    return paginate((cursor) => this.listOnboardings({ ...q, cursor }));
  }

  async listCustomerOnboardings(customerId: RecordRef, q: PageQuery = {}): Promise<Page<Onboarding>> {
    return this.page('onboarding', OnboardingSchema, {
      method: 'GET',
      path: `/customers/${pathId(customerId)}/onboardings`,
      query: q,
    });
  }

  createOnboarding(body: OnboardingCreate, opts: IdempotentWrite): Promise<Onboarding> {
    const withCustomer = { ...body, customer_id: stripHash(body.customer_id) };
    return this.withLaunchDate(withCustomer, (wire, variant) =>
      this.create('onboarding', OnboardingSchema, {
        method: 'POST',
        path: '/onboardings',
        body: wire,
        idempotencyKey: opts.idempotencyKey + variant,
      }),
    );
  }

  async getOnboarding(id: RecordRef): Promise<Onboarding> {
    return this.read('onboarding', OnboardingSchema, `/onboardings/${pathId(id)}`);
  }

  async updateOnboarding(id: RecordRef, patch: OnboardingPatch): Promise<Onboarding> {
    return this.withLaunchDate(patch, (wire) =>
      this.transport.send({
        method: 'PATCH',
        path: `/onboardings/${pathId(id)}`,
        body: wire,
        schema: OnboardingSchema,
      }),
    );
  }

  async deleteOnboarding(id: RecordRef): Promise<Deleted> {
    return this.transport.send({ method: 'DELETE', path: `/onboardings/${pathId(id)}`, schema: DeletedSchema });
  }

  /**
   * A record by id. Pivotal's delete is soft: a read of a deleted record answers 404, or the same
   * `{object: 'deleted', deleted: true}` body its DELETE answers. Both are a PivotalNotFoundError
   * (the second with code `deleted`), so every caller treats them alike.
   */
  private async read<T>(kind: RecordKind, schema: z.ZodType<T>, path: string): Promise<T> {
    const answer = await this.transport.send({ method: 'GET', path, schema: deletedOr(schema) });
    if (answer === DELETED)
      throw new PivotalNotFoundError({
        status: 200,
        type: 'not_found',
        code: 'deleted',
        message: `The ${kind} was deleted in Pivotal`,
      });
    return answer;
  }

  /** A list page, validated row by row: a row that does not fit is reported and left out, the rest is used. */
  private async page<T>(
    kind: RecordKind,
    schema: z.ZodType<T>,
    request: Omit<RequestSpec<unknown>, 'schema'>,
  ): Promise<Page<T>> {
    const raw = await this.transport.send({ ...request, schema: RawPageSchema });
    const data: T[] = [];
    for (const row of raw.data) {
      const parsed = schema.safeParse(row);
      if (parsed.success) data.push(parsed.data);
      else this.unfit(kind, row, 'skipped');
    }
    return { data, has_more: raw.has_more, next_cursor: raw.next_cursor };
  }

  /**
   * A create's answer. When it does not fit but names the new record's id and display id, the record
   * is taken from those and the fields that do fit, completed with what was sent: the creation
   * happened, and the caller must be able to record it.
   */
  private async create<T>(
    kind: RecordKind,
    schema: RecordSchema<T>,
    request: Omit<RequestSpec<unknown>, 'schema'> & { body: object },
  ): Promise<T> {
    const answer = await this.transport.send({ ...request, schema: z.unknown() });
    const parsed = schema.safeParse(answer);
    if (parsed.success) return parsed.data;
    const kept = schema.safeParse(salvage(schema.shape, answer, request.body));
    if (!kept.success)
      throw new PivotalProtocolError(
        201,
        `${request.method} ${request.path} answered a ${kind} without a usable id and display id`,
      );
    this.unfit(kind, answer, 'kept');
    return kept.data;
  }

  private unfit(kind: RecordKind, record: unknown, handling: UnfitRecord['handling']): void {
    const rawId = typeof record === 'object' && record !== null ? (record as { id?: unknown }).id : undefined;
    const id = typeof rawId === 'string' ? rawId : null;
    this.logger?.warn(
      { kind, id },
      handling === 'skipped'
        ? 'a Pivotal record does not fit the documented shape; skipped'
        : 'the answer to a create does not fit the documented shape; kept its id',
    );
    this.onUnfitRecord?.({ kind, id, handling });
  }

  /**
   * REST examples carry `target_launch_date` as a date-time, the webhook example as a date, so
   * a `YYYY-MM-DD` goes out as midnight UTC of that day first (normalizeLaunchDate reads it back as the
   * same date); if the server rejects that very field, the bare date is sent once more. That second
   * POST uses its own idempotency key (suffix `:date-only`): the docs do not say whether a failed
   * response is stored under the first one.
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

const DELETED = Symbol('deleted');

/** `schema`, or DELETED for a deleted-object answer; a record that fits neither keeps the schema's own issues. */
function deletedOr<T>(schema: z.ZodType<T>): z.ZodType<T | typeof DELETED> {
  return z.unknown().transform((answer, ctx) => {
    const { object, deleted } =
      typeof answer === 'object' && answer !== null ? (answer as { object?: unknown; deleted?: unknown }) : {};
    if (object === 'deleted' || deleted === true) return DELETED;
    const parsed = schema.safeParse(answer);
    if (parsed.success) return parsed.data;
    for (const { path, message } of parsed.error.issues) ctx.addIssue({ code: 'custom', path, message, input: answer });
    return z.NEVER;
  });
}

/** Each field from the answer where it fits, else from the request body where that fits. */
function salvage(shape: Record<string, z.ZodType>, answer: unknown, sent: object): Record<string, unknown> {
  const fromAnswer = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
  const fromSent = sent as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(shape)) {
    if (field in fromAnswer && fieldSchema.safeParse(fromAnswer[field]).success) out[field] = fromAnswer[field];
    else if (field in fromSent && fieldSchema.safeParse(fromSent[field]).success) out[field] = fromSent[field];
  }
  return out;
}

function stripHash(id: RecordRef): string {
  return String(id).trim().replace(/^#/, '');
}

/** Path segment for a record: `#245` → `245`; anything else is escaped and left to the API to resolve. */
function pathId(id: RecordRef): string {
  const bare = stripHash(id);
  // The API would answer 404 for an id that matches nothing; an empty one gets that answer without a request.
  if (bare === '')
    throw new PivotalNotFoundError({
      status: 404,
      type: 'not_found',
      code: 'empty_id',
      message: 'No Pivotal id was given',
    });
  return encodeURIComponent(bare);
}

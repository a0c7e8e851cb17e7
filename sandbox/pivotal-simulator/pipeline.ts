import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest, conflict, errorTypeForStatus } from './api-error.js';
import type { ApiKeyRecord, ApiKeyRegistry } from './api-keys.js';
import type { Fault, FaultInjector } from './faults.js';
import { hashBody, type IdempotencyStore } from './idempotency.js';
import type { RateDecision, SlidingWindowLimiter } from './rate-limiter.js';
import { findRoute } from './routes.js';
import type { SimulatorState } from './state.js';

export interface RequestRecord {
  at: Date;
  method: string;
  /** Path as sent, `/api/v1` included. */
  path: string;
  query: Record<string, string>;
  /** null while unanswered (and for ever for a hung request). */
  status: number | null;
  /** Display prefix of the key used; the key itself is never kept. */
  keyPrefix?: string;
  idempotencyKey?: string;
  orgId?: string;
  /** The parsed JSON body of a POST or PATCH, for tests to check what a client sent. */
  body?: unknown;
}

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface PipelineDeps {
  state: SimulatorState;
  keys: ApiKeyRegistry;
  limiter: SlidingWindowLimiter;
  limits: { live: number; test: number };
  idempotency: IdempotencyStore;
  faults: FaultInjector;
  now: () => Date;
}

const API_PREFIX = '/api/v1';
const MAX_IDEMPOTENCY_KEY_BYTES = 255;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body: JSON.stringify(body), headers };
}

function errorReply(err: ApiError): Reply {
  return json(err.status, err.toBody());
}

function rateHeaders(decision: RateDecision): Record<string, string> {
  return {
    'x-ratelimit-limit': String(decision.limit),
    'x-ratelimit-remaining': String(decision.remaining),
    'x-ratelimit-reset': String(decision.resetAtSec),
    ...(decision.retryAfterSec !== undefined ? { 'retry-after': String(decision.retryAfterSec) } : {}),
  };
}

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

function faultReply(fault: Extract<Fault, { kind: 'fail' }>): Reply {
  const { status, spec } = fault;
  if (spec.rawBody) return { status, body: spec.rawBody.text, headers: { 'content-type': spec.rawBody.contentType } };
  const type = spec.type ?? errorTypeForStatus(status);
  const code =
    spec.code ?? (status === 429 ? 'rate_limited' : type === 'internal_error' ? 'internal_error' : 'simulated_failure');
  const reply = errorReply(new ApiError(status, type, code, spec.message ?? `Simulated ${status}`));
  return spec.retryAfterSec === undefined ? reply : withHeaders(reply, { 'retry-after': String(spec.retryAfterSec) });
}

function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest('invalid_json', 'Request body is not valid JSON');
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One request through the simulated API, in the order a real one meets things: auth, injected
 * faults, rate limit, routing, body parsing, idempotency, handler. `latencyMs` is spent once per
 * request; for a handled request it is spent while its idempotency key is in flight, so a concurrent
 * duplicate meets the documented 409.
 */
export class RequestPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async process(req: IncomingMessage, url: URL, rawBody: string, record: RequestRecord): Promise<Reply | 'hang'> {
    let latencyLeft = this.deps.faults.latencyMs;
    const spendLatency = async () => {
      const ms = latencyLeft;
      latencyLeft = 0;
      if (ms > 0) await sleep(ms);
    };
    const reply = await this.answer(req, url, rawBody, record, spendLatency);
    if (reply !== 'hang') await spendLatency();
    return reply;
  }

  private async answer(
    req: IncomingMessage,
    url: URL,
    rawBody: string,
    record: RequestRecord,
    spendLatency: () => Promise<void>,
  ): Promise<Reply | 'hang'> {
    if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`))
      return errorReply(routeNotFound(record));
    const path = url.pathname.slice(API_PREFIX.length) || '/';
    // Liveness needs no key and costs no budget; faults are kept for the authenticated API.
    if (record.method === 'GET' && path === '/health')
      return json(200, { status: 'ok', timestamp: this.deps.now().toISOString() });

    let key: ApiKeyRecord;
    try {
      key = this.deps.keys.authenticate(req.headers.authorization);
    } catch (err) {
      if (err instanceof ApiError) return errorReply(err);
      throw err;
    }
    record.keyPrefix = key.prefix;
    record.orgId = key.orgId;

    const limit = this.deps.limits[key.mode];
    const fault = this.deps.faults.next(record.method, path);
    if (fault?.kind === 'hang') return 'hang';
    if (fault && !fault.spec.afterHandler)
      return withHeaders(faultReply(fault), rateHeaders(this.deps.limiter.peek(key.id, limit)));

    const decision = this.deps.limiter.take(key.id, limit);
    if (!decision.allowed) {
      const message = `Rate limit exceeded. Retry after ${decision.retryAfterSec} seconds.`;
      return withHeaders(
        errorReply(new ApiError(429, 'rate_limit_error', 'rate_limited', message)),
        rateHeaders(decision),
      );
    }

    let reply: Reply;
    try {
      reply = await this.dispatch(req, path, rawBody, key, record, spendLatency);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      reply = errorReply(err);
    }
    // An after-handler fault: the work is done, the answer is lost on the way.
    return withHeaders(fault ? faultReply(fault) : reply, rateHeaders(decision));
  }

  private async dispatch(
    req: IncomingMessage,
    path: string,
    rawBody: string,
    key: ApiKeyRecord,
    record: RequestRecord,
    spendLatency: () => Promise<void>,
  ): Promise<Reply> {
    const segments = path.split('/').filter(Boolean).map(decodeSegment);
    const route = findRoute(record.method, segments);
    if (!route) throw routeNotFound(record);
    const body = record.method === 'POST' || record.method === 'PATCH' ? parseJsonBody(rawBody) : undefined;
    record.body = body;
    const run = (): Reply => {
      const result = route.handler({
        state: this.deps.state,
        org: this.deps.state.org(key.orgId),
        key,
        params: route.params,
        query: record.query,
        body,
      });
      return json(result.status, this.deps.faults.serve(result.body));
    };

    const idempotencyKey = record.method === 'POST' ? headerValue(req, 'idempotency-key') : undefined;
    if (idempotencyKey === undefined) {
      await spendLatency();
      return run();
    }
    record.idempotencyKey = idempotencyKey;
    if (Buffer.byteLength(idempotencyKey) > MAX_IDEMPOTENCY_KEY_BYTES) {
      throw badRequest(
        'too_big',
        `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_BYTES} bytes`,
        'Idempotency-Key',
      );
    }
    const scope = `${key.orgId} ${record.method} ${path}`;
    const check = this.deps.idempotency.begin(scope, idempotencyKey, hashBody(rawBody), this.deps.now().getTime());
    if (check.kind === 'mismatch')
      throw conflict('idempotency_key_mismatch', 'This Idempotency-Key was used with a different request body');
    if (check.kind === 'in_flight')
      throw conflict(
        'idempotency_key_in_use',
        'A request with this Idempotency-Key is still being processed; retry shortly',
      );
    if (check.kind === 'replay')
      return { status: check.status, body: check.body, headers: { 'idempotent-replayed': 'true' } };

    let reply: Reply;
    try {
      await spendLatency();
      reply = run();
    } catch (err) {
      this.deps.idempotency.finish(scope, idempotencyKey, err instanceof ApiError ? err.status : 500, '');
      throw err;
    }
    this.deps.idempotency.finish(scope, idempotencyKey, reply.status, reply.body);
    return reply;
  }
}

function routeNotFound(record: RequestRecord): ApiError {
  return new ApiError(404, 'not_found', 'not_found', `No route for ${record.method} ${record.path}`);
}

/** A malformed escape is left as it is: it then matches no record and answers 404, not 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

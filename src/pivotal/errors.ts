/**
 * Typed errors for every way a Pivotal call can fail. The documented error envelope
 * (`{"error": {type, code, message, field?}}`) is mapped on `type` first and on the HTTP status when
 * the body carries no envelope (a proxy's HTML 502, say). `message` is only carried along for people
 * to read; nothing here branches on it.
 */

export interface PivotalErrorInit {
  status: number;
  type: string;
  code: string;
  message: string;
  field?: string | undefined;
}

/** The request an error answered, so that a person can be told what was refused. */
export interface RequestLine {
  method: string;
  /** Below the base URL, e.g. `/customers/245/contacts`. */
  path: string;
}

export class PivotalError extends Error {
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly field: string | undefined;
  /** Set by the transport once it knows which request failed. */
  request: RequestLine | undefined;

  constructor(init: PivotalErrorInit) {
    super(init.message);
    this.name = new.target.name;
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.field = init.field;
  }

  /** Whether sending the same request again can succeed without changing it. */
  get retryable(): boolean {
    return false;
  }
}

export class PivotalValidationError extends PivotalError {}

/** The documented answers that say the key itself is unusable (missing, unknown or revoked). */
const KEY_REJECTION_CODES = new Set(['api_key_revoked', 'invalid_api_key', 'missing_api_key']);

export class PivotalAuthError extends PivotalError {
  /** A revoked key never comes back (no grace period): the workspace must connect a new one. */
  get revoked(): boolean {
    return this.code === 'api_key_revoked';
  }

  /** Only these flag a workspace's key: another code inside `authentication_error` may be about the request. */
  get rejectsKey(): boolean {
    return KEY_REJECTION_CODES.has(this.code);
  }
}

export class PivotalPermissionError extends PivotalError {}

export class PivotalNotFoundError extends PivotalError {}

/**
 * The docs name the unique-violation codes but not the idempotency ones. A 409 that is not a
 * unique violation and whose code reads like "still running" is taken as the in-flight duplicate,
 * the only 409 worth retrying: the first request's result will be replayed shortly.
 */
const IN_FLIGHT_CODE = /in[_-]?flight|in[_-]?progress|in[_-]?use|concurrent|processing/i;
const UNIQUE_VIOLATION_CODES = new Set(['slug_taken', 'email_taken']);

export class PivotalConflictError extends PivotalError {
  get isSlugTaken(): boolean {
    return this.code === 'slug_taken';
  }

  get isEmailTaken(): boolean {
    return this.code === 'email_taken';
  }

  get isIdempotencyInFlight(): boolean {
    return !UNIQUE_VIOLATION_CODES.has(this.code) && IN_FLIGHT_CODE.test(this.code);
  }

  override get retryable(): boolean {
    return this.isIdempotencyInFlight;
  }
}

export class PivotalRateLimitError extends PivotalError {
  /** From `Retry-After`; undefined when the server did not say. */
  readonly retryAfterMs: number | undefined;

  constructor(init: PivotalErrorInit & { retryAfterMs?: number | undefined }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }

  override get retryable(): boolean {
    return true;
  }
}

export class PivotalServerError extends PivotalError {
  override get retryable(): boolean {
    return true;
  }
}

/**
 * A 401 or 403 without Pivotal's error envelope: something between the app and Pivotal (a proxy, a
 * load balancer, a captive portal) answered, not Pivotal. The key was not judged, so it is kept, and
 * the request is retried like any upstream fault.
 */
export class PivotalUpstreamError extends PivotalError {
  constructor(status: number) {
    super({
      status,
      type: 'upstream_error',
      code: `http_${status}`,
      message: `Something in front of Pivotal answered HTTP ${status} without Pivotal's error envelope`,
    });
  }

  override get retryable(): boolean {
    return true;
  }
}

export class PivotalNetworkError extends PivotalError {
  readonly timedOut: boolean;

  constructor(opts: { message: string; timedOut: boolean; cause?: unknown }) {
    super({
      status: 0,
      type: 'network_error',
      code: opts.timedOut ? 'timeout' : 'connection_failed',
      message: opts.message,
    });
    this.timedOut = opts.timedOut;
    if (opts.cause !== undefined) this.cause = opts.cause;
  }

  override get retryable(): boolean {
    return true;
  }
}

/** A response that does not match the documented envelope or schema. Not retried: a write may have happened. */
export class PivotalProtocolError extends PivotalError {
  constructor(status: number, message: string) {
    super({ status, type: 'protocol_error', code: 'unexpected_response', message });
  }
}

type ErrorClass = new (init: PivotalErrorInit) => PivotalError;

const CLASS_BY_TYPE: Record<string, ErrorClass> = {
  invalid_request_error: PivotalValidationError,
  authentication_error: PivotalAuthError,
  permission_error: PivotalPermissionError,
  not_found: PivotalNotFoundError,
  conflict: PivotalConflictError,
  rate_limit_error: PivotalRateLimitError,
  internal_error: PivotalServerError,
};

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found',
  409: 'conflict',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

function typeForStatus(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'unknown_error');
}

interface Envelope {
  type?: string;
  code?: string;
  message?: string;
  field?: string;
}

function readEnvelope(body: unknown): Envelope {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return {};
  const text = (key: string): string | undefined => {
    const value = (error as Record<string, unknown>)[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return { type: text('type'), code: text('code'), message: text('message'), field: text('field') };
}

/** Builds the typed error for a non-2xx response. `body` is the parsed JSON, or undefined when it was not JSON. */
export function errorFromResponse(status: number, body: unknown, retryAfterMs?: number): PivotalError {
  const envelope = readEnvelope(body);
  if (envelope.type === undefined && (status === 401 || status === 403)) return new PivotalUpstreamError(status);
  const type = envelope.type ?? typeForStatus(status);
  const init: PivotalErrorInit = {
    status,
    type,
    code: envelope.code ?? 'unknown',
    message: envelope.message ?? `Pivotal answered HTTP ${status}`,
    field: envelope.field,
  };
  // A type the docs do not list yet (v1 may add codes, not types) still gets its class from the status.
  const ErrorType = CLASS_BY_TYPE[type] ?? CLASS_BY_TYPE[typeForStatus(status)];
  if (ErrorType === PivotalRateLimitError) return new PivotalRateLimitError({ ...init, retryAfterMs });
  return ErrorType ? new ErrorType(init) : new PivotalError(init);
}

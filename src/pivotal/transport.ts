import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  errorFromResponse,
  PivotalAuthError,
  PivotalError,
  PivotalNetworkError,
  PivotalProtocolError,
} from './errors.js';
import type { HttpAnswer, HttpExchange } from './http-exchange.js';
import { parseRateLimitHeaders, parseRetryAfter, type RateLimitInfo, type RatePacer } from './pacer.js';
import { retryDelayMs, type RetryPolicy } from './retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ResponseInfo {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  rateLimit?: RateLimitInfo;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  keyPrefix: string;
  pacer: RatePacer;
  budgetShare: number;
  exchange: HttpExchange;
  timeoutMs: number;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  logger?: Logger | undefined;
  onResponse?: ((info: ResponseInfo) => void) | undefined;
  onAuthError?: ((err: PivotalAuthError) => void) | undefined;
}

export interface RequestSpec<T> {
  method: HttpMethod;
  /** Below the base URL, starting with `/`. */
  path: string;
  query?: object | undefined;
  body?: unknown;
  /** Sent unchanged on every attempt, so a retried create is replayed rather than repeated. */
  idempotencyKey?: string | undefined;
  schema: z.ZodType<T>;
  /** `/health` is the one endpoint without auth; it is not counted against the key either. */
  anonymous?: boolean;
}

/** When a 429 names no Retry-After, the whole key still pauses briefly rather than hammering on. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 1_000;

/**
 * One request to Pivotal, with everything every endpoint shares: pacing, auth header, timeout per
 * attempt, retries, error mapping, response validation and logging. The key only ever goes into the
 * Authorization header; logs and callbacks see its display prefix.
 */
export class PivotalTransport {
  private readonly baseUrl: string;
  private readonly logger: Logger | undefined;

  constructor(private readonly opts: TransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.logger = opts.logger?.child({ component: 'pivotal', keyPrefix: opts.keyPrefix });
  }

  async send<T>(spec: RequestSpec<T>): Promise<T> {
    const url = this.url(spec.path, spec.query);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(spec, url, body, attempt);
      } catch (err) {
        if (err instanceof PivotalError) err.request ??= { method: spec.method, path: spec.path };
        const delay = err instanceof PivotalError ? retryDelayMs(err, attempt, this.opts.retry) : undefined;
        if (delay === undefined) throw err;
        this.logger?.debug(
          { method: spec.method, path: spec.path, attempt, retryInMs: delay, code: (err as PivotalError).code },
          'pivotal request will be retried',
        );
        await this.opts.sleep(delay);
      }
    }
  }

  private async attempt<T>(spec: RequestSpec<T>, url: string, body: string | undefined, attempt: number): Promise<T> {
    const permit = spec.anonymous
      ? undefined
      : await this.opts.pacer.acquire({ share: this.opts.budgetShare, maxPauseMs: this.opts.retry.maxRetryAfterMs });
    const started = performance.now();
    let response: HttpAnswer;
    try {
      response = await this.exchange(spec, url, body);
    } catch (err) {
      permit?.release();
      this.log(spec, attempt, 0, started, { code: (err as PivotalError).code });
      throw err;
    }

    const rateLimit = parseRateLimitHeaders(response.headers);
    const retryAfterMs = response.status === 429 ? parseRetryAfter(response.headers) : undefined;
    permit?.release({
      rateLimit,
      pauseMs: response.status === 429 ? (retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS) : undefined,
    });
    const durationMs = this.log(spec, attempt, response.status, started, {});
    this.opts.onResponse?.({
      method: spec.method,
      path: spec.path,
      status: response.status,
      durationMs,
      ...(rateLimit ? { rateLimit } : {}),
    });

    const json = parseJson(response.text);
    if (response.status < 200 || response.status > 299) {
      const err = errorFromResponse(response.status, json, retryAfterMs);
      err.request = { method: spec.method, path: spec.path };
      if (err instanceof PivotalAuthError && err.rejectsKey) this.opts.onAuthError?.(err);
      throw err;
    }
    if (json === undefined)
      throw new PivotalProtocolError(response.status, `${spec.method} ${spec.path} did not answer JSON`);
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new PivotalProtocolError(
        response.status,
        `${spec.method} ${spec.path} answered an unexpected shape (${where.join('; ')})`,
      );
    }
    return parsed.data;
  }

  /** Sends and reads the body under one timeout, so a server that stalls mid-body also times out. */
  private async exchange(spec: RequestSpec<unknown>, url: string, body: string | undefined): Promise<HttpAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    try {
      return await this.opts.exchange(url, {
        method: spec.method,
        headers: this.headers(spec),
        body,
        signal: controller.signal,
      });
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      throw new PivotalNetworkError({
        message: timedOut ? `Pivotal did not answer within ${this.opts.timeoutMs} ms` : 'Could not reach Pivotal',
        timedOut,
        cause,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private headers(spec: RequestSpec<unknown>): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (!spec.anonymous) headers.authorization = `Bearer ${this.opts.apiKey}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (spec.idempotencyKey !== undefined) headers['idempotency-key'] = spec.idempotencyKey;
    return headers;
  }

  private url(path: string, query: object | undefined): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) params.set(name, String(value));
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  private log(spec: RequestSpec<unknown>, attempt: number, status: number, started: number, extra: object): number {
    const durationMs = Math.round(performance.now() - started);
    this.logger?.debug(
      { method: spec.method, path: spec.path, status, durationMs, attempt, ...extra },
      'pivotal request',
    );
    return durationMs;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

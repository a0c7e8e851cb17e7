import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DOCUMENTED_LIMITS, DOCUMENTED_WINDOW_MS } from './documented.js';
import { ApiError } from './api-error.js';
import { ApiKeyRegistry } from './api-keys.js';
import { FaultInjector, type SimulatorFaults } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { RequestPipeline, type Reply, type RequestRecord } from './pipeline.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import type { Org } from './records.js';
import { seedBulk, seedDemo } from './seed.js';
import { SimulatorState } from './state.js';

export type { Org, CustomerRecord, ContactRecord, OnboardingRecord } from './records.js';
export type { FailureSpec, Misshape, SimulatorFaults } from './faults.js';
export type { RequestRecord } from './pipeline.js';
export { SimulatorState } from './state.js';

export interface SimulatorOptions {
  /** 0 = ephemeral. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Requests per key per window; defaults are the documented 60 (live) and 30 (test) per 60 s. */
  rateLimit?: { live?: number; test?: number; windowMs?: number };
  /** Clock for record timestamps and idempotency retention; rate limiting always uses the real clock. */
  now?: () => Date;
  logger?: Logger;
}

export interface PivotalSimulator {
  /** Base URL including `/api/v1`. */
  url: string;
  close(): Promise<void>;
  /** `extraPhases`: phase strings this org accepts beyond the API's seven (a workspace with custom phases). */
  createOrg(o: { name: string; slug: string; extraPhases?: string[] }): Org;
  /** The full secret: `pivotal_<32>` or `pivotal_test_<32>`, unless `secret` chooses it. */
  createKey(orgId: string, o?: { mode?: 'live' | 'test'; name?: string; secret?: string }): string;
  revokeKey(key: string): void;
  /** Direct access for tests, including changes made "in the Pivotal UI". */
  state: SimulatorState;
  /** Every request in arrival order. */
  requests: RequestRecord[];
  resetRequests(): void;
  faults: SimulatorFaults;
  seedDemo(orgId: string, o?: { customers?: number; now?: Date }): void;
  seedBulk(orgId: string, n: number): void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A local Pivotal that implements the documented contract over real HTTP, with fault injection for tests. */
export async function startPivotalSimulator(opts: SimulatorOptions = {}): Promise<PivotalSimulator> {
  const now = opts.now ?? (() => new Date());
  const state = new SimulatorState(now);
  const keys = new ApiKeyRegistry();
  const faults = new FaultInjector();
  const requests: RequestRecord[] = [];
  const logger = opts.logger;
  const pipeline = new RequestPipeline({
    state,
    keys,
    faults,
    now,
    idempotency: new IdempotencyStore(),
    limiter: new SlidingWindowLimiter(opts.rateLimit?.windowMs ?? DOCUMENTED_WINDOW_MS),
    limits: {
      live: opts.rateLimit?.live ?? DOCUMENTED_LIMITS.live,
      test: opts.rateLimit?.test ?? DOCUMENTED_LIMITS.test,
    },
  });

  const server = createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://simulator');
    const record: RequestRecord = {
      at: new Date(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: null,
    };
    requests.push(record);
    readBody(req)
      .then((body) => pipeline.process(req, url, body, record))
      .catch((err: unknown): Reply => {
        logger?.error({ err, method: record.method, path: record.path }, 'pivotal simulator: handler failed');
        return {
          status: 500,
          body: JSON.stringify(new ApiError(500, 'internal_error', 'internal_error', 'Internal error').toBody()),
          headers: {},
        };
      })
      .then((reply) => {
        if (reply === 'hang') return;
        record.status = reply.status;
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body);
        logger?.debug(
          {
            method: record.method,
            path: record.path,
            status: reply.status,
            keyPrefix: record.keyPrefix,
            ms: Date.now() - started,
          },
          'pivotal simulator request',
        );
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/api/v1`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hung requests would otherwise hold the server open for ever.
        server.closeAllConnections();
      });
      return closing;
    },
    createOrg: (o) => state.createOrg(o),
    createKey: (orgId, o) => {
      state.org(orgId);
      return keys.create(orgId, o);
    },
    revokeKey: (key) => keys.revoke(key),
    state,
    requests,
    resetRequests: () => {
      requests.length = 0;
    },
    faults,
    seedDemo: (orgId, o = {}) => seedDemo(state, orgId, { ...o, now: o.now ?? now() }),
    seedBulk: (orgId, n) => seedBulk(state, orgId, n, now()),
  };
}

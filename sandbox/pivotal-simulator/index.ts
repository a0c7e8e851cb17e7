import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DOCUMENTED_LIMITS, DOCUMENTED_WINDOW_MS } from './documented.js';
import { ApiError } from './api-error.js';
import { ApiKeyRegistry, type ApiKeyDump, type ApiKeyRecord } from './api-keys.js';
import { FaultInjector, type SimulatorFaults } from './faults.js';
import { IdempotencyStore, type IdempotencyEntry } from './idempotency.js';
import { RequestPipeline, type Reply, type RequestRecord } from './pipeline.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import type { Org } from './records.js';
import { seedBulk, seedDemo } from './seed.js';
import { SimulatorState, type OrgDump } from './state.js';
import { recordPage } from './web-pages.js';
import { WebhookSender, type WebhookEndpoint } from './webhooks.js';
import { PivotalWebUi } from './web-ui.js';

export type { Org, CustomerRecord, ContactRecord, OnboardingRecord } from './records.js';
export type { FailureSpec, Misshape, SimulatorFaults } from './faults.js';
export type { RequestRecord } from './pipeline.js';
export { SimulatorState } from './state.js';
export type { ApiKeyRecord } from './api-keys.js';
export type { WebhookDelivery, WebhookEndpoint } from './webhooks.js';
export type { PivotalWebUi } from './web-ui.js';
export { DOCUMENTED_PHASES, DOCUMENTED_STATES } from './documented.js';

/** What a restart must find again: orgs and records, keys (by hash), idempotency answers, webhook endpoints. */
export interface SimulatorSnapshot {
  orgs: OrgDump[];
  keys: ApiKeyDump;
  idempotency: Array<[string, IdempotencyEntry]>;
  webhookEndpoints: WebhookEndpoint[];
}

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
  /** Start from a saved snapshot instead of empty. */
  restore?: SimulatorSnapshot;
}

export interface PivotalSimulator {
  /** Base URL including `/api/v1`. */
  url: string;
  /** The stand-in for Pivotal's web app: record pages at `/customers/<id>` and `/onboardings/<id>`. */
  webUrl: string;
  close(): Promise<void>;
  /** `extraPhases`: phase strings this org accepts beyond the API's seven (a workspace with custom phases). */
  createOrg(o: { name: string; slug: string; extraPhases?: string[] }): Org;
  /** The full secret: `pivotal_<32>` or `pivotal_test_<32>`, unless `secret` chooses it. */
  createKey(orgId: string, o?: { mode?: 'live' | 'test'; name?: string; secret?: string }): string;
  revokeKey(key: string): void;
  /** An org's keys as an admin screen shows them: name, mode, prefix, never the secret. */
  listKeys(orgId: string): ApiKeyRecord[];
  revokeKeyById(id: string): ApiKeyRecord;
  /** Endpoints, signed deliveries and their log. */
  webhooks: WebhookSender;
  /** Changes made by someone in Pivotal's web app, announced to the webhook endpoints. */
  webUi: PivotalWebUi;
  snapshot(): SimulatorSnapshot;
  /** Called after every change to what snapshot() returns; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
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
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const state = new SimulatorState(now, changed);
  const keys = new ApiKeyRegistry(changed);
  const idempotency = new IdempotencyStore();
  const webhooks = new WebhookSender(changed);
  if (opts.restore) {
    state.load(opts.restore.orgs);
    keys.load(opts.restore.keys);
    idempotency.load(opts.restore.idempotency);
    webhooks.load(opts.restore.webhookEndpoints);
  }
  const faults = new FaultInjector();
  const requests: RequestRecord[] = [];
  const logger = opts.logger;
  const pipeline = new RequestPipeline({
    state,
    keys,
    faults,
    now,
    idempotency,
    limiter: new SlidingWindowLimiter(opts.rateLimit?.windowMs ?? DOCUMENTED_WINDOW_MS),
    limits: {
      live: opts.rateLimit?.live ?? DOCUMENTED_LIMITS.live,
      test: opts.rateLimit?.test ?? DOCUMENTED_LIMITS.test,
    },
  });

  const server = createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      const html = recordPage(state, url.pathname);
      res
        .writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
        .end(html ?? '<!doctype html><title>Not found</title><p>No such record in the Pivotal simulator.</p>');
      return;
    }
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
    webUrl: `http://${host}:${address.port}`,
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
    listKeys: (orgId) => keys.list(orgId),
    revokeKeyById: (id) => keys.revokeById(id),
    webhooks,
    webUi: new PivotalWebUi(state, webhooks),
    snapshot: () => ({
      orgs: state.dump(),
      keys: keys.dump(),
      idempotency: idempotency.dump(),
      webhookEndpoints: webhooks.dump(),
    }),
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
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

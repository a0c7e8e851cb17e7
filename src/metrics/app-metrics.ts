import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { ResponseInfo, UnfitRecord } from '../pivotal/index.js';
import type { Store } from '../store/database.js';
import { registerStoreGauges } from './store-gauges.js';

/** What Slack sends, as the metrics name it (see requestKind). */
export type SlackRequestKind =
  | 'command'
  | 'action'
  | 'view_submission'
  | 'view_closed'
  | 'block_suggestion'
  | 'event'
  | 'shortcut'
  | 'other'
  | 'undispatched';

/** Slack allows 3 s for an ack; the buckets are dense below that and say plainly when it was missed. */
const ACK_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
const PIVOTAL_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

/**
 * The app's Prometheus metrics. Each app instance has a registry of its own (never prom-client's
 * global one), so two instances in one process, as in the tests, never count into each other.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly slackRequests: Counter<'kind' | 'status'>;
  private readonly ackSeconds: Histogram<'kind'>;
  private readonly pivotalRequests: Counter<'workspace' | 'method' | 'status'>;
  private readonly pivotalSeconds: Histogram<'method'>;
  private readonly rateRemaining: Gauge<'workspace'>;
  private readonly rateLimit: Gauge<'workspace'>;
  private readonly unfitRecords: Counter<'workspace' | 'kind' | 'handling'>;

  constructor(deps: { store: Store; logger: Logger; now: () => Date }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.slackRequests = new Counter({
      name: 'slack_requests_total',
      help: 'Requests received on /slack/events, by kind and HTTP status. kind="undispatched": refused before reaching a listener (bad signature, stale or future timestamp, unknown workspace, malformed body).',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'slack_ack_duration_seconds',
      help: 'From receipt of a Slack request to the acknowledgement sent back (Slack gives up after 3 s).',
      labelNames: ['kind'],
      buckets: ACK_BUCKETS_SECONDS,
      registers,
    });
    this.pivotalRequests = new Counter({
      name: 'pivotal_api_requests_total',
      help: 'Pivotal API responses received, by workspace, HTTP method and status (retries count once each).',
      labelNames: ['workspace', 'method', 'status'],
      registers,
    });
    this.pivotalSeconds = new Histogram({
      name: 'pivotal_api_request_duration_seconds',
      help: 'Duration of one Pivotal API request (one attempt).',
      labelNames: ['method'],
      buckets: PIVOTAL_BUCKETS_SECONDS,
      registers,
    });
    this.rateRemaining = new Gauge({
      name: 'pivotal_api_rate_limit_remaining',
      help: "Requests left in the workspace key's rate bucket, as Pivotal last reported (X-RateLimit-Remaining).",
      labelNames: ['workspace'],
      registers,
    });
    this.rateLimit = new Gauge({
      name: 'pivotal_api_rate_limit_limit',
      help: "Size of the workspace key's rate bucket, as Pivotal last reported (X-RateLimit-Limit).",
      labelNames: ['workspace'],
      registers,
    });
    this.unfitRecords = new Counter({
      name: 'pivotal_api_unfit_records_total',
      help: 'Records Pivotal served that do not fit the documented shape, by workspace, kind and handling: skipped (left out of a list page) or kept (a create answer recorded from its id).',
      labelNames: ['workspace', 'kind', 'handling'],
      registers,
    });
    registerStoreGauges(this.registry, deps);
  }

  observeSlackRequest(kind: SlackRequestKind, status: number, seconds: number): void {
    this.slackRequests.inc({ kind, status: String(status) });
    this.ackSeconds.observe({ kind }, seconds);
  }

  observePivotalResponse(workspace: string, info: ResponseInfo): void {
    this.pivotalRequests.inc({ workspace, method: info.method, status: String(info.status) });
    this.pivotalSeconds.observe({ method: info.method }, info.durationMs / 1000);
    if (info.rateLimit) {
      this.rateRemaining.set({ workspace }, info.rateLimit.remaining);
      this.rateLimit.set({ workspace }, info.rateLimit.limit);
    }
  }

  /** How many Slack signatures the replay guard holds: it has a hard ceiling, and an unsigned flood adds none. */
  watchReplayGuard(size: () => number): void {
    new Gauge({
      name: 'slack_replay_guard_entries',
      help: 'Signatures of commands, clicks and submissions remembered to refuse replays (verified requests only, each for at most ten minutes).',
      registers: [this.registry],
      collect() {
        this.set(size());
      },
    });
  }

  observeUnfitRecord(workspace: string, record: UnfitRecord): void {
    this.unfitRecords.inc({ workspace, kind: record.kind, handling: record.handling });
  }

  /** The Prometheus text exposition of every metric, with the store gauges read now. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

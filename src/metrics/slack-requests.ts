import type { IncomingMessage, Server } from 'node:http';
import type { AnyMiddlewareArgs } from '@slack/bolt';
import type { AppMetrics, SlackRequestKind } from './app-metrics.js';

/** Carried from the HTTP server to Bolt's middleware in the request's context (customProperties). */
interface RequestTiming {
  startedAt: number;
  kind: SlackRequestKind;
}

const TIMING_PROPERTY = 'slackRequestTiming';

/**
 * Counts and times every Slack request from receipt to ack, by kind. The clock starts when the HTTP
 * server receives the request and stops when the response has been written (with Bolt's default
 * receiver that is the ack), which is what Slack's 3 s limit is about. The kind is only known once
 * Bolt has verified and parsed the body, so the middleware names it on the request's timing; a
 * request refused before that (signature, timestamp, authorisation) stays "undispatched".
 * Socket Mode (development) has no HTTP server and is not timed.
 */
export class SlackRequestMetrics {
  private readonly timings = new WeakMap<IncomingMessage, RequestTiming>();

  constructor(private readonly metrics: AppMetrics) {}

  /** Starts the clock of each request to `endpoint`; runs before the server's own request handler. */
  attach(server: Server, endpoint: string): void {
    server.prependListener('request', (req, res) => {
      if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== endpoint) return;
      const timing: RequestTiming = { startedAt: performance.now(), kind: 'undispatched' };
      this.timings.set(req, timing);
      res.once('finish', () =>
        this.metrics.observeSlackRequest(timing.kind, res.statusCode, (performance.now() - timing.startedAt) / 1000),
      );
    });
  }

  /** For the receiver's customPropertiesExtractor: hands the request's timing to the middleware. */
  readonly contextProperties = (req: IncomingMessage): Record<string, unknown> => {
    const timing = this.timings.get(req);
    return timing ? { [TIMING_PROPERTY]: timing } : {};
  };

  /** Called first for every dispatched request: names the kind of the request being timed. */
  name(body: AnyMiddlewareArgs['body'], context: Record<string, unknown>): void {
    const timing = context[TIMING_PROPERTY] as RequestTiming | undefined;
    if (timing) timing.kind = requestKind(body as Record<string, unknown>);
  }
}

export function requestKind(body: Record<string, unknown>): SlackRequestKind {
  if (typeof body.command === 'string') return 'command';
  switch (body.type) {
    case 'block_actions':
      return 'action';
    case 'view_submission':
    case 'view_closed':
    case 'block_suggestion':
      return body.type;
    case 'event_callback':
      return 'event';
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    default:
      return 'other';
  }
}

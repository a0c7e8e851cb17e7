import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HTTPModuleFunctions,
  HTTPResponseAck,
  type App,
  type HTTPReceiver,
  type Logger as BoltLogger,
  type ReceiverEvent,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { readBodyUpTo } from '../http/read-body.js';
import type { ReplayGuard } from './replay-guard.js';
import { FORM_CONTENT_TYPE, isSslCheck, parseSlackBody, slackBodyChecker } from './request-body.js';
import { MAX_CLOCK_SKEW_SEC, freshTimestamp, isSignedBy, signatureDigest } from './request-signature.js';

/** Bolt's own default: a bigger body is refused either way. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * A suggestion request carries no trigger id or timestamp of its own, so Slack can send the same one
 * twice within a second (the same text typed again); it only reads, so answering a copy is harmless.
 * Events are de-duplicated by their event id. Commands, clicks and submissions each carry a fresh
 * trigger id: Slack never sends one twice, so only those are remembered.
 */
function isRemembered(body: Record<string, unknown>, contentType: string | undefined): boolean {
  return contentType === FORM_CONTENT_TYPE && body.type !== 'block_suggestion';
}

export interface SlackHttpServerOptions {
  /** Serves what is not a checked request to the Slack endpoint: ssl_check, url_verification, OAuth, routes. */
  receiver: HTTPReceiver;
  /** Where a checked request is dispatched, as Bolt's receiver would after reading the body itself. */
  app: Pick<App, 'processEvent'>;
  /** Bolt's logger, for what Bolt's ack says (an unacked request, a failed dispatch). */
  boltLogger: BoltLogger;
  /** Properties handed to middleware as `context` (the request's timing, for the metrics). */
  customProperties: (req: IncomingMessage) => Record<string, unknown>;
  endpoint: string;
  signingSecret: string;
  replays: ReplayGuard;
  /** Where a payload's response_url may point (see responseUrlPolicy). */
  isSlackUrl: (url: string) => boolean;
  logger: Logger;
  now?: () => number;
}

/**
 * Our own HTTP server in front of Bolt's receiver, which owns the listening socket (so shutdown can
 * stop accepting requests and then wait for work in flight) and checks every request to the Slack
 * endpoint before Bolt sees it: a signature header not shaped as Slack writes it, a timestamp out of
 * the five-minute window either way (Bolt only refuses old ones), a wrong HMAC, a signed body that is
 * not a request the app handles (or names a response_url off Slack's hosts), and an exact copy of a
 * command, click or submission already served (a replay, which Bolt accepts). Refusals carry no body.
 * Only Slack's unsigned `ssl_check` goes to Bolt unverified, and is never remembered. A request that
 * passes is handed to Bolt's dispatch with the body already parsed, so it is read and verified once.
 */
export function createSlackHttpServer(opts: SlackHttpServerOptions): Server {
  const now = opts.now ?? Date.now;
  const problemOf = slackBodyChecker(opts.isSlackUrl);

  const refuse = (res: ServerResponse, status: number, reason: string) => {
    opts.logger.debug({ status, reason }, 'refused a request to the Slack endpoint');
    res.writeHead(status).end();
  };

  async function handleSlackRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers['x-slack-signature'];
    const digest = signatureDigest(header);
    if (header !== undefined && !digest)
      return refuse(res, 401, 'signature header not shaped as v0=<64 lowercase hex>');
    const contentType = req.headers['content-type'];
    if (!digest && contentType !== FORM_CONTENT_TYPE) return refuse(res, 401, 'unsigned');
    const timestamp = digest ? freshTimestamp(req.headers['x-slack-request-timestamp'], now()) : undefined;
    if (digest && timestamp === undefined)
      return refuse(res, 401, 'timestamp missing, malformed, or more than five minutes from now');

    const rawBody = await readBodyUpTo(req, BODY_LIMIT_BYTES);
    if (!rawBody) return refuse(res, 413, 'body too large');
    // Bolt takes a body already read from `rawBody` (its bufferIncomingMessage).
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = rawBody;
    if (isSslCheck(rawBody, contentType)) return toBolt(req, res);
    if (!digest || timestamp === undefined) return refuse(res, 401, 'unsigned');
    if (!isSignedBy(opts.signingSecret, timestamp, rawBody, digest)) return refuse(res, 401, 'signature mismatch');

    const body = parseSlackBody(rawBody, contentType);
    const problem = body ? problemOf(body, contentType === FORM_CONTENT_TYPE) : 'not a JSON object';
    if (!body || problem) {
      opts.logger.warn({ problem }, 'refused a signed Slack request the app cannot handle');
      return void res.writeHead(400).end();
    }
    if (body.type === 'app_rate_limited') {
      // Slack stopped sending this team's events for a minute; Bolt has no route for the notice and
      // would leave it unanswered for three seconds.
      opts.logger.warn(
        { team: body.team_id, minute: body.minute_rate_limited },
        'Slack is dropping Events API deliveries to this app for a minute (app_rate_limited)',
      );
      return void res.writeHead(200).end();
    }
    // Recorded before Bolt runs, in the same tick as the check: two copies sent at once cannot both pass.
    const nowSec = Math.floor(now() / 1000);
    if (isRemembered(body, contentType) && !opts.replays.admit(digest, timestamp + MAX_CLOCK_SKEW_SEC, nowSec)) {
      opts.logger.warn('refused a copy of a Slack request already served (a replay)');
      return void res.writeHead(401).end();
    }
    if (body.type === 'url_verification') return toBolt(req, res);
    await dispatch(req, res, body);
  }

  /**
   * What Bolt's HTTPReceiver does with a request once it has read, verified and parsed the body, done
   * here with the body already checked above: going through the receiver would read the body, verify
   * the HMAC and parse the payload a second time on every request's ack path.
   */
  async function dispatch(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const ack = new HTTPResponseAck({
      logger: opts.boltLogger,
      processBeforeResponse: false,
      unhandledRequestHandler: HTTPModuleFunctions.defaultUnhandledRequestHandler,
      httpRequest: req,
      httpRequestBody: body,
      httpResponse: res,
    });
    const event: ReceiverEvent = {
      body,
      ack: ack.bind(),
      retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
      retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
      customProperties: opts.customProperties(req),
    };
    try {
      await opts.app.processEvent(event);
    } catch (error) {
      const acknowledged = await HTTPModuleFunctions.defaultProcessEventErrorHandler({
        error: error as Error,
        logger: opts.boltLogger,
        request: req,
        response: res,
        storedResponse: ack.storedResponse,
      });
      if (acknowledged) ack.ack();
    }
  }

  function toBolt(req: IncomingMessage, res: ServerResponse): void {
    try {
      opts.receiver.requestListener(req, res);
    } catch {
      // Bolt throws HTTPReceiverDeferredRequestError for paths it does not route.
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  }

  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== opts.endpoint) return toBolt(req, res);
    handleSlackRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400).end();
    });
  });
}

export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

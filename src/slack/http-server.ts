import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { ReplayGuard } from './replay-guard.js';

/** Slack's replay window is five minutes; Bolt only refuses old timestamps (slack-platform.md §10). */
const MAX_CLOCK_SKEW_SEC = 5 * 60;

/** A signature is valid from five minutes before its timestamp to five after: keep it that long after now. */
const REPLAY_WINDOW_MS = 2 * MAX_CLOCK_SKEW_SEC * 1000;

/** Commands, clicks, submissions and suggestions: the requests Slack never sends twice. */
function isInteraction(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

export function isFromTheFuture(header: string | string[] | undefined, nowMs: number): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const ts = Number(value);
  return Number.isFinite(ts) && ts - nowMs / 1000 > MAX_CLOCK_SKEW_SEC;
}

/**
 * Our own HTTP server in front of Bolt's receiver: it refuses signed requests stamped too far in the
 * future (which Bolt accepts) and exact copies of interactions already served (replays, which Bolt
 * also accepts), and owns the listening socket, so shutdown can stop accepting requests and then wait
 * for work in flight. Bolt still verifies every signature: a copy is only recognised here.
 */
export function createSlackHttpServer(opts: {
  receiver: HTTPReceiver;
  endpoint: string;
  logger: Logger;
  now?: () => number;
}): Server {
  const now = opts.now ?? Date.now;
  const replays = new ReplayGuard(REPLAY_WINDOW_MS);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const slackRequest = req.method === 'POST' && path === opts.endpoint;
    if (slackRequest && isFromTheFuture(req.headers['x-slack-request-timestamp'], now())) {
      opts.logger.warn({ path }, 'refused a Slack request whose timestamp is more than five minutes in the future');
      res.writeHead(401).end();
      return;
    }
    const signature = req.headers['x-slack-signature'];
    if (slackRequest && typeof signature === 'string' && signature !== '' && isInteraction(req)) {
      if (!replays.admit(signature, now())) {
        opts.logger.warn({ path }, 'refused a copy of a Slack request already served (a replay)');
        res.writeHead(401).end();
        return;
      }
      res.once('finish', () => {
        if (res.statusCode >= 300) replays.forget(signature);
      });
    }
    try {
      opts.receiver.requestListener(req, res);
    } catch {
      // Bolt throws HTTPReceiverDeferredRequestError for paths it does not route.
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
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

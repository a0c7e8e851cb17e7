import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { ReplayGuard } from './replay-guard.js';

/** Slack's replay window is five minutes; Bolt only refuses old timestamps (slack-platform.md §10). */
const MAX_CLOCK_SKEW_SEC = 5 * 60;

/** A signature is valid from five minutes before its timestamp to five after: keep it that long after now. */
const REPLAY_WINDOW_MS = 2 * MAX_CLOCK_SKEW_SEC * 1000;

/** Bolt's own default: a bigger body is refused either way. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** Commands, clicks, submissions and suggestions come form-encoded; events come as JSON. */
function isFormEncoded(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/**
 * A suggestion request carries no trigger id or timestamp of its own, so Slack can send the same one
 * twice within a second (the same text typed again); it only reads, so answering a copy is harmless.
 * Commands, clicks and submissions each carry a fresh trigger id: Slack never sends one twice.
 */
function isSuggestion(body: Buffer): boolean {
  // The type survives form encoding as it is: most requests are told apart without parsing.
  if (!body.includes('block_suggestion')) return false;
  const payload = new URLSearchParams(body.toString()).get('payload');
  if (!payload) return false;
  try {
    return (JSON.parse(payload) as { type?: unknown }).type === 'block_suggestion';
  } catch {
    return false;
  }
}

/** The whole body, or null when it is bigger than `limit` (then it is read to the end and dropped). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}

export function isFromTheFuture(header: string | string[] | undefined, nowMs: number): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const ts = Number(value);
  return Number.isFinite(ts) && ts - nowMs / 1000 > MAX_CLOCK_SKEW_SEC;
}

/**
 * Our own HTTP server in front of Bolt's receiver: it refuses signed requests stamped too far in the
 * future (which Bolt accepts) and exact copies of commands, clicks and submissions already served
 * (replays, which Bolt also accepts), and owns the listening socket, so shutdown can stop accepting requests and then wait
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
    if (!slackRequest || typeof signature !== 'string' || signature === '' || !isFormEncoded(req)) {
      toBolt(req, res);
      return;
    }
    readBody(req, BODY_LIMIT_BYTES).then(
      (body) => {
        if (!body) {
          res.writeHead(413).end();
          return;
        }
        // Bolt takes a body already read from `rawBody` (its bufferIncomingMessage) and verifies it.
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        if (!isSuggestion(body)) {
          if (!replays.admit(signature, now())) {
            opts.logger.warn({ path }, 'refused a copy of a Slack request already served (a replay)');
            res.writeHead(401).end();
            return;
          }
          res.once('finish', () => {
            if (res.statusCode >= 300) replays.forget(signature);
          });
        }
        toBolt(req, res);
      },
      () => {
        if (!res.headersSent) res.writeHead(400).end();
      },
    );
  });

  function toBolt(req: IncomingMessage, res: ServerResponse): void {
    try {
      opts.receiver.requestListener(req, res);
    } catch {
      // Bolt throws HTTPReceiverDeferredRequestError for paths it does not route.
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  }
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

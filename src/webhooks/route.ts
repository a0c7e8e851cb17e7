import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { receiveWebhookEvent, WebhookEnvelopeSchema } from './events.js';
import { loadWebhookSecret } from './secret.js';
import { verifyWebhook } from './signature.js';

/** Where an admin points Pivotal's webhook endpoint (Admin → Developer → Webhooks); `:team` is the workspace id. */
export const WEBHOOK_PATH = '/pivotal/webhooks/:team';

export function webhookPathFor(workspaceId: string): string {
  return WEBHOOK_PATH.replace(':team', encodeURIComponent(workspaceId));
}

/** Pivotal's events are small; anything far larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

class TooLarge extends Error {}

function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new TooLarge());
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * `POST /pivotal/webhooks/{team}`: verified against the raw bytes before anything is parsed. A 2xx
 * tells Pivotal to stop retrying, so it is only sent once the event is applied (or known).
 */
export function webhookRoutes(ctx: AppContext): CustomRoute[] {
  return [
    {
      path: WEBHOOK_PATH,
      method: ['POST'],
      handler: (req, res) => {
        const team = req.params?.team;
        const workspaceId = (Array.isArray(team) ? team[0] : team) ?? '';
        void ctx.background
          .track(() => handleDelivery(ctx, workspaceId, req, res))
          .catch((err: unknown) => {
            ctx.logger.error({ err, workspace: workspaceId }, 'webhook delivery failed; Pivotal will retry it');
            reply(res, 500, { error: 'internal_error' });
          });
      },
    },
  ];
}

async function handleDelivery(ctx: AppContext, workspaceId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw: Buffer;
  try {
    raw = await readRawBody(req);
  } catch (err) {
    if (err instanceof TooLarge) return reply(res, 413, { error: 'payload_too_large' });
    throw err;
  }
  const secret = await loadWebhookSecret(ctx, workspaceId);
  if (!secret) {
    ctx.logger.warn({ workspace: workspaceId }, 'webhook for a workspace without a webhook secret refused');
    return reply(res, 404, { error: 'unknown_endpoint' });
  }
  const verdict = verifyWebhook(secret, { id: header(req, 'svix-id'), timestamp: header(req, 'svix-timestamp'), signature: header(req, 'svix-signature') }, raw, ctx.now().getTime());
  if (!verdict.ok) {
    ctx.logger.warn({ workspace: workspaceId, reason: verdict.reason }, 'webhook refused');
    return reply(res, 401, { error: verdict.reason });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return reply(res, 400, { error: 'invalid_json' });
  }
  const envelope = WebhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) return reply(res, 400, { error: 'not_an_event' });
  const outcome = await receiveWebhookEvent(ctx, workspaceId, envelope.data);
  ctx.logger.info({ workspace: workspaceId, eventId: envelope.data.id, type: envelope.data.type, outcome }, 'webhook received');
  reply(res, 200, { received: true, outcome });
}

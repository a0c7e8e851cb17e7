import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { receiveWebhookEvent, WebhookEnvelopeSchema } from './events.js';
import { readBodyUpTo } from '../http/read-body.js';
import { loadWebhookSecret } from './secret.js';
import { verifyWebhook } from './signature.js';

/** Where an admin points Pivotal's webhook endpoint (Admin → Developer → Webhooks); `:team` is the workspace id. */
export const WEBHOOK_PATH = '/pivotal/webhooks/:team';

export function webhookPathFor(workspaceId: string): string {
  return WEBHOOK_PATH.replace(':team', encodeURIComponent(workspaceId));
}

/** Pivotal's events are small; anything far larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

const DECOY_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

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

async function handleDelivery(
  ctx: AppContext,
  workspaceId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBodyUpTo(req, MAX_BODY_BYTES);
  if (!raw) return reply(res, 413, { error: 'payload_too_large' });
  // A workspace without a secret is checked against a decoy, which nothing matches: the answer,
  // and the work before it, are those of a bad signature, so nobody learns which teams set one.
  const secret = await loadWebhookSecret(ctx, workspaceId);
  const verdict = verifyWebhook(
    secret ?? DECOY_SECRET,
    { id: header(req, 'svix-id'), timestamp: header(req, 'svix-timestamp'), signature: header(req, 'svix-signature') },
    raw,
    ctx.now().getTime(),
  );
  const refusal = !secret ? 'no_webhook_secret' : verdict.ok ? undefined : verdict.reason;
  if (refusal) {
    ctx.logger.warn({ workspace: workspaceId, reason: refusal }, 'webhook refused');
    return reply(res, 401, { error: 'invalid_signature' });
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
  ctx.logger.info(
    { workspace: workspaceId, eventId: envelope.data.id, type: envelope.data.type, outcome },
    'webhook received',
  );
  reply(res, 200, { received: true, outcome });
}

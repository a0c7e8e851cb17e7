import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, AnyMiddlewareArgs, App } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import type { AppContext } from '../context.js';
import { responseUrlPolicy } from './response-url.js';

interface ErrorBody {
  type?: string;
  response_url?: string;
  user_id?: string;
  channel_id?: string;
  user?: { id?: string };
  channel?: { id?: string };
}

/**
 * A listener that fails before it acks (the store unreachable for a moment, say) would leave Slack
 * waiting until it shows "didn't respond": ack on its behalf, then let the error path explain.
 */
export async function nextAckingOnFailure(args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  try {
    await args.next();
  } catch (err) {
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack().catch(() => undefined);
    throw err;
  }
}

/**
 * One error path: any failure a listener did not handle is logged with a short reference
 * and the person is told, with the same reference, instead of seeing nothing.
 */
export function registerErrorReporting(app: App, ctx: AppContext): void {
  const isSlackUrl = responseUrlPolicy(ctx.config.slackApiUrl);
  app.error(async ({ error, body, context }: ExtendedErrorHandlerArgs) => {
    // A request from a workspace with no installation: rethrown so the receiver answers 401, and
    // nobody there is told anything (it is not one of our users yet).
    if ((error as { code?: string }).code === 'slack_bolt_authorization_error') throw error;
    const ref = newReferenceId();
    const b = (body ?? {}) as ErrorBody;
    ctx.logger.error({ err: error, ref, kind: b.type ?? 'command' }, 'a Slack request failed');
    const text = `:warning: Something went wrong on our side and nothing more was done. If it keeps happening, tell your admin the reference *${ref}*.`;
    try {
      // Socket Mode payloads skip the HTTP edge, which refuses any other response_url before Bolt.
      if (b.response_url && isSlackUrl(b.response_url)) {
        await fetch(b.response_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        });
        return;
      }
      const user = b.user?.id ?? b.user_id;
      const token = context.botToken;
      if (user && token) {
        await app.client.chat.postMessage({ token, channel: user, text });
      }
    } catch (err) {
      ctx.logger.warn({ err, ref }, 'could not tell the person about the failure');
    }
  });
}

function newReferenceId(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

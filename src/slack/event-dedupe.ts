import type { AnyMiddlewareArgs } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { markEventProcessed } from '../store/processed-events.js';

/**
 * Slack retries an event when our 2xx is late (X-Slack-Retry-Num) and Bolt runs the listener again
 * (observed with Bolt 5.1, docs/slack-notes.md). The event id is recorded in the store, so a retry is
 * dropped even when it lands on another replica. Only Events API deliveries are looked at; nothing
 * else touches the store.
 */
export async function isRepeatedEvent(ctx: AppContext, body: AnyMiddlewareArgs['body']): Promise<boolean> {
  const { type, event_id: eventId } = body as { type?: string; event_id?: unknown };
  if (type !== 'event_callback' || typeof eventId !== 'string') return false;
  if (await markEventProcessed(ctx.store.db, eventId, ctx.now())) return false;
  ctx.logger.info({ eventId }, 'dropped a repeated Slack event');
  return true;
}

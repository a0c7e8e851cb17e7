import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { isKnownZone } from '../../domain/local-time.js';
import { getTimeZone, saveTimeZone } from '../../store/person-settings.js';

/** A person's zone changes when they travel: Slack is asked again after this long. */
const TZ_FRESH_MS = 12 * 3_600_000;

/**
 * The person's IANA zone from Slack's users.info, kept for a while; the last known one (else UTC)
 * when Slack cannot say, so a morning list is late rather than lost.
 */
export async function personTimeZone(
  ctx: AppContext,
  client: WebClient,
  workspaceId: string,
  slackUserId: string,
): Promise<string> {
  const db = ctx.store.db;
  const now = ctx.now();
  const known = await getTimeZone(db, workspaceId, slackUserId);
  if (known && now.getTime() - Date.parse(known.checked_at) < TZ_FRESH_MS) return known.tz;
  try {
    const res = await client.users.info({ user: slackUserId });
    const tz = res.user?.tz;
    if (tz && isKnownZone(tz)) {
      await saveTimeZone(db, workspaceId, slackUserId, tz, now.toISOString());
      return tz;
    }
  } catch (err) {
    ctx.logger.info({ err, slackUserId }, 'owner DMs: could not read the time zone from Slack');
  }
  return known?.tz ?? 'UTC';
}

import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { quietUntil } from '../../domain/local-time.js';
import { parseNotificationSettings } from '../../domain/notification-settings.js';
import type { OutboxRow } from '../../store/schema-domain.js';
import { getPersonSettingsJson, isMuted } from '../../store/person-settings.js';
import { loadCard } from '../card-data.js';
import type { SlackPost } from '../post-views.js';
import { workspaceMode } from '../workspace-access.js';
import { parseOwnerDm } from './payload.js';
import { personTimeZone } from './time-zone.js';
import { morningListDm, onboardingDm } from './views.js';

/** What the dispatcher does with an owner's DM row. */
export type PreparedDm =
  | { kind: 'send'; channel: string; message: SlackPost }
  | { kind: 'skip'; why: string }
  | { kind: 'wait'; until: Date }
  | { kind: 'unreadable' };

/**
 * Decides, at delivery, whether the person still wants this DM (their settings, a muted onboarding,
 * quiet hours in their own zone) and renders it from the read model as it is now.
 */
export async function prepareOwnerDm(ctx: AppContext, client: WebClient, row: OutboxRow): Promise<PreparedDm> {
  const dm = parseOwnerDm(row.payload);
  if (!dm) return { kind: 'unreadable' };
  const ws = row.workspace_id;
  const db = ctx.store.db;
  const settings = parseNotificationSettings(await getPersonSettingsJson(db, ws, dm.recipient));
  if (dm.type === 'morning_list' ? !settings.morningList : !settings.dms[dm.type])
    return { kind: 'skip', why: `${dm.type} DMs are off` };
  if (dm.type !== 'morning_list' && (await isMuted(db, ws, dm.recipient, dm.onboardingId)))
    return { kind: 'skip', why: 'onboarding muted' };
  if (settings.quietHours) {
    const tz = await personTimeZone(ctx, client, ws, dm.recipient);
    const until = quietUntil(ctx.now(), tz, settings.quietHours);
    if (until) return { kind: 'wait', until };
  }
  const mode = await workspaceMode(ctx, ws);
  if (dm.type === 'morning_list')
    return {
      kind: 'send',
      channel: dm.recipient,
      message: morningListDm(dm.items, new Date(row.created_at), dm.localDate, mode),
    };
  const loaded = await loadCard(ctx, ws, dm.onboardingId, mode);
  if (!loaded) return { kind: 'skip', why: 'onboarding no longer in the read model' };
  if (loaded.onboarding.deleted === 1) return { kind: 'skip', why: 'onboarding removed' };
  return {
    kind: 'send',
    channel: dm.recipient,
    message: onboardingDm(dm, { ...loaded.card, today: ctx.now() }),
  };
}

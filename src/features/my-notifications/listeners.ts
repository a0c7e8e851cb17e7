import { z } from 'zod';
import type { AppContext } from '../../context.js';
import {
  OWNER_DM_KINDS,
  parseNotificationSettings,
  type NotificationSettings,
} from '../../domain/notification-settings.js';
import { personTimeZone } from '../../notifications/owner-dms/time-zone.js';
import { MUTE_ONBOARDING_ACTION } from '../../notifications/owner-dms/views.js';
import type { ActionHandler, SlackListeners, ViewSubmissionHandler } from '../../slack/listener-registry.js';
import { getPersonSettingsJson, mutedCount, savePersonSettingsJson, setMuted } from '../../store/person-settings.js';
import { openSession } from '../shared/session.js';
import {
  MY_NOTIFICATIONS_CALLBACK,
  MY_NOTIFICATIONS_OPEN,
  muteReply,
  myNotificationsModal,
  SETTINGS_BLOCKS,
  UNMUTE_ONBOARDING_ACTION,
} from './views.js';

const Press = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  actions: z.tuple([z.object({ value: z.string().optional() })]).rest(z.unknown()),
});
const Option = z.object({ value: z.string() });
const Values = z.object({
  [SETTINGS_BLOCKS.dms]: z.object({ value: z.object({ selected_options: z.array(Option).nullish() }) }).optional(),
  [SETTINGS_BLOCKS.morning]: z.object({ value: z.object({ selected_options: z.array(Option).nullish() }) }).optional(),
  [SETTINGS_BLOCKS.hour]: z.object({ value: z.object({ selected_option: Option.nullish() }) }).optional(),
  [SETTINGS_BLOCKS.quietStart]: z.object({ value: z.object({ selected_option: Option.nullish() }) }).optional(),
  [SETTINGS_BLOCKS.quietEnd]: z.object({ value: z.object({ selected_option: Option.nullish() }) }).optional(),
});
const Submission = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({ state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }) }),
});

const hourOf = (o: { value: string } | null | undefined): number | null => {
  const n = Number(o?.value);
  return o && o.value !== 'none' && Number.isInteger(n) && n >= 0 && n <= 23 ? n : null;
};

/** The submitted settings, or the field errors that explain what to fix. */
function readSettings(
  values: z.infer<typeof Values>,
): { settings: NotificationSettings } | { errors: Record<string, string> } {
  const picked = new Set((values[SETTINGS_BLOCKS.dms]?.value.selected_options ?? []).map((o) => o.value));
  const start = hourOf(values[SETTINGS_BLOCKS.quietStart]?.value.selected_option);
  const end = hourOf(values[SETTINGS_BLOCKS.quietEnd]?.value.selected_option);
  if ((start === null) !== (end === null))
    return { errors: { [SETTINGS_BLOCKS.quietEnd]: 'Pick both ends of your quiet hours, or None for both.' } };
  if (start !== null && start === end)
    return { errors: { [SETTINGS_BLOCKS.quietEnd]: 'Quiet hours must end at another hour than they start.' } };
  const hour = hourOf(values[SETTINGS_BLOCKS.hour]?.value.selected_option);
  if (hour === null) return { errors: { [SETTINGS_BLOCKS.hour]: 'Pick the hour of your morning list.' } };
  return {
    settings: {
      dms: Object.fromEntries(OWNER_DM_KINDS.map((k) => [k, picked.has(k)])) as NotificationSettings['dms'],
      morningList: (values[SETTINGS_BLOCKS.morning]?.value.selected_options ?? []).length > 0,
      morningHour: hour,
      quietHours: start !== null && end !== null ? { start, end } : null,
    },
  };
}

/** Home › My notifications, and muting one onboarding from its DM. */
export function registerMyNotifications(app: SlackListeners, ctx: AppContext): void {
  app.action(MY_NOTIFICATIONS_OPEN, settingsOpened(ctx));
  app.view(MY_NOTIFICATIONS_CALLBACK, settingsSubmitted(ctx));
  app.action({ action_id: new RegExp(`^(${MUTE_ONBOARDING_ACTION}|${UNMUTE_ONBOARDING_ACTION})$`) }, muteToggled(ctx));
}

/** The settings modal, filled with what the person chose before, their time zone and how many they muted. */
function settingsOpened(ctx: AppContext): ActionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = Press.parse(body);
    const session = await openSession(ctx, context);
    const user = press.user.id;
    const [json, tz, muted] = await Promise.all([
      getPersonSettingsJson(db, session.workspaceId, user),
      personTimeZone(ctx, client, session.workspaceId, user),
      mutedCount(db, session.workspaceId, user),
    ]);
    const view = myNotificationsModal({ settings: parseNotificationSettings(json), tz, muted, mode: session.mode });
    await client.views.open({ trigger_id: press.trigger_id, view });
  };
}

function settingsSubmitted(ctx: AppContext): ViewSubmissionHandler {
  return async ({ ack, body, context }) => {
    const submission = Submission.parse(body);
    const read = readSettings(Values.parse(submission.view.state.values));
    if ('errors' in read) return ack({ response_action: 'errors', errors: read.errors });
    await ack();
    const session = await openSession(ctx, context);
    await savePersonSettingsJson(
      ctx.store.db,
      session.workspaceId,
      submission.user.id,
      JSON.stringify(read.settings),
      ctx.now().toISOString(),
    );
  };
}

/** "Mute" on an owner DM, or "Unmute" on the reply to it: the reply offers the way back. */
function muteToggled(ctx: AppContext): ActionHandler {
  return async ({ ack, body, respond, context, action }) => {
    await ack();
    const press = Press.parse(body);
    const mute = (action as { action_id: string }).action_id === MUTE_ONBOARDING_ACTION;
    const onboardingId = press.actions[0].value ?? '';
    const session = await openSession(ctx, context);
    await setMuted(ctx.store.db, session.workspaceId, press.user.id, onboardingId, mute, ctx.now().toISOString());
    await respond(muteReply(mute, onboardingId));
  };
}

import { z } from 'zod';
import type { AppContext } from '../../context.js';
import {
  OWNER_DM_KINDS,
  parseNotificationSettings,
  type NotificationSettings,
} from '../../domain/notification-settings.js';
import { personTimeZone } from '../../notifications/owner-dms/time-zone.js';
import { MUTE_ONBOARDING_ACTION } from '../../notifications/owner-dms/views.js';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { getPersonSettingsJson, mutedCount, savePersonSettingsJson, setMuted } from '../../store/person-settings.js';
import { LIMITS, mrkdwn, plain } from '../../views/text.js';
import { openSession } from '../shared/session.js';
import {
  MY_NOTIFICATIONS_CALLBACK,
  MY_NOTIFICATIONS_OPEN,
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
  const db = ctx.store.db;

  app.action(MY_NOTIFICATIONS_OPEN, async ({ ack, body, client, context }) => {
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
  });

  app.view(MY_NOTIFICATIONS_CALLBACK, async ({ ack, body, context }) => {
    const submission = Submission.parse(body);
    const read = readSettings(Values.parse(submission.view.state.values));
    if ('errors' in read) return ack({ response_action: 'errors', errors: read.errors });
    await ack();
    const session = await openSession(ctx, context);
    await savePersonSettingsJson(
      db,
      session.workspaceId,
      submission.user.id,
      JSON.stringify(read.settings),
      ctx.now().toISOString(),
    );
  });

  app.action(
    { action_id: new RegExp(`^(${MUTE_ONBOARDING_ACTION}|${UNMUTE_ONBOARDING_ACTION})$`) },
    async ({ ack, body, respond, context, action }) => {
      await ack();
      const press = Press.parse(body);
      const mute = (action as { action_id: string }).action_id === MUTE_ONBOARDING_ACTION;
      const onboardingId = press.actions[0].value ?? '';
      const session = await openSession(ctx, context);
      await setMuted(db, session.workspaceId, press.user.id, onboardingId, mute, ctx.now().toISOString());
      const text = mute
        ? ':mute: Muted: no more DMs about this onboarding (it stays in your morning list).'
        : ':loud_sound: Unmuted: you hear about this onboarding again.';
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text,
        blocks: [
          {
            type: 'section',
            text: mrkdwn(text),
            accessory: {
              type: 'button',
              action_id: mute ? UNMUTE_ONBOARDING_ACTION : MUTE_ONBOARDING_ACTION,
              text: plain(mute ? 'Unmute' : 'Mute again', LIMITS.buttonText),
              value: onboardingId,
            },
          },
        ],
      });
    },
  );
}

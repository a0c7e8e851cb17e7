import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { KeyMode } from '../../domain/key-mode.js';
import { MUTE_ONBOARDING_ACTION } from '../../notifications/owner-dms/views.js';
import { OWNER_DM_KINDS, type NotificationSettings, type OwnerDmKind } from '../../domain/notification-settings.js';
import { testKeyLabelBlock } from '../../views/test-key-label.js';
import { escapeMrkdwn, LIMITS, mrkdwn, plain } from '../../views/text.js';

/** Pure views of each person's own notification settings. */

export const MY_NOTIFICATIONS_OPEN = 'my_notifications_open';
export const MY_NOTIFICATIONS_CALLBACK = 'my_notifications';
export const UNMUTE_ONBOARDING_ACTION = 'owner_dm_unmute';
export const SETTINGS_BLOCKS = {
  dms: 'dm_kinds',
  morning: 'morning_list',
  hour: 'morning_hour',
  quietStart: 'quiet_start',
  quietEnd: 'quiet_end',
} as const;

const DM_KIND_LABELS: Record<OwnerDmKind, string> = {
  assigned: 'An onboarding is made mine by someone else',
  changed: 'Someone else changes phase, state or target of mine',
  attention: 'One of mine needs attention (overdue, due soon, at risk, waiting)',
  launched: "One of mine launches (Pivotal's own Slack app may tell you already)",
};

const hourText = (h: number) => `${String(h).padStart(2, '0')}:00`;
const hourOption = (h: number): PlainTextOption => ({ text: plain(hourText(h), LIMITS.optionText), value: String(h) });
const HOURS = Array.from({ length: 24 }, (_, h) => hourOption(h));
const NO_QUIET: PlainTextOption = { text: plain('None', LIMITS.optionText), value: 'none' };
const MORNING_OPTION: PlainTextOption = {
  text: plain('Send me a morning list on working days (Mon–Fri)', LIMITS.optionText),
  value: 'on',
};

function kindOption(kind: OwnerDmKind): PlainTextOption {
  return { text: plain(DM_KIND_LABELS[kind], LIMITS.optionText), value: kind };
}

export function myNotificationsModal(opts: {
  settings: NotificationSettings;
  tz: string;
  muted: number;
  mode: KeyMode | null;
}): ModalView {
  const { settings } = opts;
  const enabled = OWNER_DM_KINDS.filter((k) => settings.dms[k]).map(kindOption);
  const quietSelect = (blockId: string, label: string, value: number | undefined) => ({
    type: 'input' as const,
    block_id: blockId,
    optional: true,
    label: plain(label, 2000),
    element: {
      type: 'static_select' as const,
      action_id: 'value',
      options: [NO_QUIET, ...HOURS],
      initial_option: value === undefined ? NO_QUIET : hourOption(value),
    },
  });
  const blocks: KnownBlock[] = [
    ...testKeyLabelBlock(opts.mode),
    {
      type: 'section',
      text: mrkdwn(
        `DMs about the onboardings you own. Never about what you did yourself. Times are in your Slack time zone, *${escapeMrkdwn(opts.tz)}*.`,
      ),
    },
    {
      type: 'input',
      block_id: SETTINGS_BLOCKS.dms,
      optional: true,
      label: plain('DM me when', 2000),
      element: {
        type: 'checkboxes',
        action_id: 'value',
        options: OWNER_DM_KINDS.map(kindOption),
        ...(enabled.length ? { initial_options: enabled } : {}),
      },
    },
    {
      type: 'input',
      block_id: SETTINGS_BLOCKS.morning,
      optional: true,
      label: plain('Morning list', 2000),
      element: {
        type: 'checkboxes',
        action_id: 'value',
        options: [MORNING_OPTION],
        ...(settings.morningList ? { initial_options: [MORNING_OPTION] } : {}),
      },
    },
    {
      type: 'input',
      block_id: SETTINGS_BLOCKS.hour,
      label: plain('Morning list at', 2000),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: HOURS,
        initial_option: hourOption(settings.morningHour),
      },
    },
    quietSelect(SETTINGS_BLOCKS.quietStart, 'Quiet hours from', settings.quietHours?.start),
    quietSelect(SETTINGS_BLOCKS.quietEnd, 'Quiet hours until', settings.quietHours?.end),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `DMs that fall in quiet hours wait until they end. ${opts.muted === 1 ? '1 onboarding is' : `${opts.muted} onboardings are`} muted (each DM has a mute button).`,
        ),
      ],
    },
  ];
  return {
    type: 'modal',
    callback_id: MY_NOTIFICATIONS_CALLBACK,
    title: plain('My notifications', LIMITS.modalTitle),
    submit: plain('Save', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks,
  };
}

/** The reply to "Mute" or "Unmute", seen only by the presser, with the button that undoes it. */
export function muteReply(mute: boolean, onboardingId: string) {
  const text = mute
    ? ':mute: Muted: no more DMs about this onboarding (it stays in your morning list).'
    : ':loud_sound: Unmuted: you hear about this onboarding again.';
  return {
    response_type: 'ephemeral' as const,
    replace_original: false,
    text,
    blocks: [
      {
        type: 'section' as const,
        text: mrkdwn(text),
        accessory: {
          type: 'button' as const,
          action_id: mute ? UNMUTE_ONBOARDING_ACTION : MUTE_ONBOARDING_ACTION,
          text: plain(mute ? 'Unmute' : 'Mute again', LIMITS.buttonText),
          value: onboardingId,
        },
      },
    ],
  };
}

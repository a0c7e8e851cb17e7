/**
 * What one person wants to hear about their own onboardings. Stored as JSON; anything missing or
 * malformed takes the default, so a new setting needs no migration.
 */
export const OWNER_DM_KINDS = ['assigned', 'changed', 'attention', 'launched'] as const;
export type OwnerDmKind = (typeof OWNER_DM_KINDS)[number];

export interface NotificationSettings {
  dms: Record<OwnerDmKind, boolean>;
  morningList: boolean;
  /** Local hour (0–23) of the morning list. */
  morningHour: number;
  /** Local hours during which DMs wait: from `start` (inclusive) to `end` (exclusive); null: none. */
  quietHours: { start: number; end: number } | null;
}

/**
 * A CSM's defaults: everything on but the launch DM, which Pivotal's own Slack integration already
 * sends in live mode.
 */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  dms: { assigned: true, changed: true, attention: true, launched: false },
  morningList: true,
  morningHour: 9,
  quietHours: null,
};

const isHour = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 23;

export function parseNotificationSettings(json: string | null | undefined): NotificationSettings {
  let raw: unknown;
  try {
    raw = json ? JSON.parse(json) : {};
  } catch {
    raw = {};
  }
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const dmsRaw = (typeof r.dms === 'object' && r.dms !== null ? r.dms : {}) as Record<string, unknown>;
  const d = DEFAULT_NOTIFICATION_SETTINGS;
  const dms = Object.fromEntries(
    OWNER_DM_KINDS.map((k) => [k, typeof dmsRaw[k] === 'boolean' ? dmsRaw[k] : d.dms[k]]),
  ) as Record<OwnerDmKind, boolean>;
  const quiet = r.quietHours as { start?: unknown; end?: unknown } | null | undefined;
  return {
    dms,
    morningList: typeof r.morningList === 'boolean' ? r.morningList : d.morningList,
    morningHour: isHour(r.morningHour) ? r.morningHour : d.morningHour,
    quietHours:
      quiet && isHour(quiet.start) && isHour(quiet.end) && quiet.start !== quiet.end
        ? { start: quiet.start, end: quiet.end }
        : null,
  };
}

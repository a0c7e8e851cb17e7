import { TZDate } from '@date-fns/tz';

/**
 * Times in a person's own zone (Slack's users.info `tz`). TZDate does the zone arithmetic, so a local
 * 09:00 stays 09:00 on the days after a daylight-saving change.
 */

/** How long after its hour a missed morning list (the app was down) is still worth sending. */
export const MORNING_LIST_GRACE_HOURS = 3;

export interface MorningSlot {
  /** YYYY-MM-DD in the person's zone: one list per person per local day. */
  localDate: string;
  at: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function localDate(now: Date, tz: string): string {
  const local = new TZDate(now.getTime(), tz);
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** Monday to Friday. */
export function isWorkingDay(now: Date, tz: string): boolean {
  const day = new TZDate(now.getTime(), tz).getDay();
  return day >= 1 && day <= 5;
}

/** Today's morning-list slot when it is due now (from `hour` local, within the grace), else null. */
export function dueMorningSlot(now: Date, tz: string, hour: number): MorningSlot | null {
  if (!isWorkingDay(now, tz)) return null;
  const local = new TZDate(now.getTime(), tz);
  const at = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), hour, 0, 0, tz);
  const elapsed = now.getTime() - at.getTime();
  if (elapsed < 0 || elapsed >= MORNING_LIST_GRACE_HOURS * 3_600_000) return null;
  return { localDate: localDate(now, tz), at: new Date(at.getTime()) };
}

/** When quiet hours end, if `now` is inside them; else null. */
export function quietUntil(now: Date, tz: string, quiet: { start: number; end: number } | null): Date | null {
  if (!quiet) return null;
  const local = new TZDate(now.getTime(), tz);
  const h = local.getHours();
  const inside = quiet.start < quiet.end ? h >= quiet.start && h < quiet.end : h >= quiet.start || h < quiet.end;
  if (!inside) return null;
  const endDay = quiet.start < quiet.end || h < quiet.end ? local.getDate() : local.getDate() + 1;
  const end = new TZDate(local.getFullYear(), local.getMonth(), endDay, quiet.end, 0, 0, tz);
  return new Date(end.getTime());
}

/** Whether `tz` is a zone the runtime knows (users.info may omit it or name one it does not). */
export function isKnownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { format } from 'date-fns/format';
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';
import { parseISO } from 'date-fns/parseISO';

/**
 * Target launch dates are calendar dates (`YYYY-MM-DD`) and are counted in UTC everywhere, so the
 * Home tab, the customer card and the move modal never disagree about "in 12 days".
 */

/** `Jul 15, 2026`. */
export function formatDay(date: string): string {
  return format(parseISO(date), 'MMM d, yyyy');
}

/** The calendar date of `now` in UTC, `YYYY-MM-DD`. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** "due today", "in 12 days", "in 3 months", "3 days overdue" for a target seen on `today` (both `YYYY-MM-DD`). */
export function targetInWords(target: string, today: string): string {
  const t = parseISO(target);
  const d = parseISO(today);
  const days = differenceInCalendarDays(t, d);
  if (Number.isNaN(days)) return 'no readable target';
  if (days === 0) return 'due today';
  // Days read better than "2 months" while a launch is near enough to plan around.
  const unit = Math.abs(days) < 60 ? ('day' as const) : undefined;
  return days > 0
    ? formatDistanceStrict(t, d, { addSuffix: true, ...(unit ? { unit } : {}) })
    : `${formatDistanceStrict(t, d, unit ? { unit } : {})} overdue`;
}

export function isOverdueTarget(target: string | null, today: string): boolean {
  return target !== null && target < today;
}

import { isFinished } from './finished.js';

/** Conditions that make an onboarding need its owner; each is told once, until it clears. */
export const ATTENTION_CONDITIONS = ['overdue', 'due_soon', 'at_risk', 'stalled_waiting'] as const;
export type AttentionCondition = (typeof ATTENTION_CONDITIONS)[number];

export const ATTENTION_LIMITS = {
  /** "Due soon": the target is within this many days. */
  dueSoonDays: 7,
  /** Paused or waiting on the customer, untouched in Pivotal for more than this many days. */
  waitingDays: 7,
  /** In one phase for more than this many days (the morning list names it). */
  stalledPhaseDays: 14,
} as const;

export interface AttentionInput {
  phase: string;
  state: string;
  waiting_on_customer: 0 | 1;
  target_launch_date: string | null;
  completed_at: string | null;
  /** Pivotal's last change to the record: how long it has been paused or waiting, as far as the app can tell. */
  pivotal_updated_at: string | null;
  phase_entered_at: string;
}

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const olderThanDays = (iso: string | null, now: Date, days: number) =>
  iso !== null && now.getTime() - Date.parse(iso) > days * DAY_MS;

/**
 * The conditions that hold now. `today` is a YYYY-MM-DD date; `lastPhases` are the phases where a
 * near target is expected rather than alarming (the end of the workspace's sequence).
 */
export function attentionConditions(
  o: AttentionInput,
  today: string,
  now: Date,
  lastPhases: ReadonlySet<string>,
): AttentionCondition[] {
  if (isFinished(o)) return [];
  const out: AttentionCondition[] = [];
  const target = o.target_launch_date;
  if (target !== null && target < today) out.push('overdue');
  else if (target !== null && target <= addDays(today, ATTENTION_LIMITS.dueSoonDays) && !lastPhases.has(o.phase))
    out.push('due_soon');
  if (o.state === 'at_risk') out.push('at_risk');
  const waiting = o.state === 'paused' || o.state === 'waiting' || o.waiting_on_customer === 1;
  if (waiting && olderThanDays(o.pivotal_updated_at, now, ATTENTION_LIMITS.waitingDays)) out.push('stalled_waiting');
  return out;
}

/** Whether the onboarding has sat in its phase long enough to be named in the morning list. */
export function stalledInPhase(o: AttentionInput, now: Date): boolean {
  return !isFinished(o) && olderThanDays(o.phase_entered_at, now, ATTENTION_LIMITS.stalledPhaseDays);
}

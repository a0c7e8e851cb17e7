import { addDays } from 'date-fns/addDays';
import { formatISO } from 'date-fns/formatISO';
import { parseISO } from 'date-fns/parseISO';
import { startOfMonth } from 'date-fns/startOfMonth';
import { FINISHED_PHASE, FINISHED_STATES, isFinished, type OnboardingProgress } from './finished.js';

/**
 * What a manager looks for first on the pipeline, each a count on Home and a one-click filter. The
 * store counts and filters with the same rules in SQL (src/store/pipeline-summary.ts); the e2e test of
 * Home checks the two agree on real data.
 */
export const FOCUSES = ['overdue', 'at_risk', 'waiting', 'paused', 'due_soon', 'launched'] as const;
export type Focus = (typeof FOCUSES)[number];

/** The phase in which an onboarding is live (Pivotal's API guide): reaching it is the launch. */
export const LAUNCH_PHASE = 'launch';
/** "Due soon" looks this many days ahead, today included. */
export const DUE_SOON_DAYS = 7;

/** The calendar dates the rules compare with, all `YYYY-MM-DD` in UTC like target launch dates. */
export interface PipelineDates {
  today: string;
  /** The last day that is still "due soon". */
  dueSoonUntil: string;
  /** The first day of the current month. */
  monthStart: string;
}

export function pipelineDates(now: Date): PipelineDates {
  const today = now.toISOString().slice(0, 10);
  const day = parseISO(today);
  return {
    today,
    dueSoonUntil: formatISO(addDays(day, DUE_SOON_DAYS), { representation: 'date' }),
    monthStart: formatISO(startOfMonth(day), { representation: 'date' }),
  };
}

export interface FocusFacts extends OnboardingProgress {
  waiting_on_customer: number | boolean;
  target_launch_date: string | null;
  phase_entered_at: string;
}

/**
 * When an onboarding went live: entering the launch phase, or (past it, or finished without passing
 * through it) its completion. Pivotal's API carries no launch date of its own.
 */
export function launchedAt(o: FocusFacts): string | null {
  return o.phase === LAUNCH_PHASE ? o.phase_entered_at : (o.completed_at ?? null);
}

/** Whether an onboarding counts under a focus. Only launches count finished onboardings. */
export function hasFocus(o: FocusFacts, focus: Focus, dates: PipelineDates): boolean {
  if (focus === 'launched') return (launchedAt(o) ?? '') >= dates.monthStart;
  if (isFinished(o)) return false;
  const target = o.target_launch_date;
  switch (focus) {
    case 'overdue':
      return target !== null && target < dates.today;
    case 'due_soon':
      return target !== null && target >= dates.today && target <= dates.dueSoonUntil;
    case 'waiting':
      return o.state === 'waiting' || Boolean(o.waiting_on_customer);
    case 'at_risk':
    case 'paused':
      return o.state === focus;
  }
}

export interface FinishedAsk {
  /** The person asked to see finished onboardings. */
  finished: boolean;
  focus: Focus | null;
  state: string | null;
  phase: string | null;
}

/** Finished onboardings are hidden unless asked for: by name, or by a filter only they can match. */
export function listsFinished(f: FinishedAsk): boolean {
  return (
    f.finished ||
    f.focus === 'launched' ||
    f.phase === FINISHED_PHASE ||
    (f.state !== null && FINISHED_STATES.includes(f.state))
  );
}

import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { parseISO } from 'date-fns/parseISO';
import type { Phase, PhaseSequence } from '../../domain/phases.js';
import type { ActivityEvent, PhaseDirection } from '../../notifications/activity.js';
import { stateName } from '../../domain/states.js';

/**
 * The rules of a move (Pivotal's product rules for phases and target dates), as pure functions of what
 * the modal showed and what the person picked. Nothing says Pivotal enforces them on PATCH, so the
 * app enforces them before calling it (docs/pivotal-contract.md, Records and fields).
 */

/** What the modal showed; kept in private_metadata so the submission can tell whether Pivotal moved since. */
export interface ShownOnboarding {
  id: string;
  customerId: string;
  phase: string;
  state: string;
  target: string | null;
  updatedAt: string | null;
}

export interface MoveInput {
  /** A phase key, or undefined for "leave the phase". */
  toPhase?: string | undefined;
  state?: string | undefined;
  /** YYYY-MM-DD; undefined leaves the date (Slack's datepicker cannot be cleared). */
  target?: string | undefined;
  text?: string | undefined;
  /** Ticked "Yes, skip ahead": a skip passes over phases, so it is confirmed as well as explained. */
  confirmedSkip?: boolean | undefined;
}

export type MoveKind = Exclude<PhaseDirection, 'external'>;

export interface MovePlan {
  phase?: { from: string; to: string; direction: MoveKind; needsReason: boolean };
  state?: { from: string; to: string };
  target?: { from: string | null; to: string; needsReason: boolean };
  /** The person's text: the reason of every change that needs one, else a note on the first change. */
  text?: string;
}

export type MoveBlock = 'phase' | 'state' | 'target' | 'note' | 'confirm';
export type MoveCheck = { ok: true; plan: MovePlan } | { ok: false; errors: Partial<Record<MoveBlock, string>> };

/** Pivotal's product rule: a reason is required when the target launch moves later by more than this. */
export const TARGET_SHIFT_WITHOUT_REASON_DAYS = 7;

export interface PhaseChoices {
  advance: Phase | undefined;
  back: Phase[];
  skip: Phase[];
  /** Offered when the current phase is not in the sequence: no order is known, so any phase. */
  anywhere: Phase[];
}

export function phaseChoices(phases: PhaseSequence, current: string, isAdmin: boolean): PhaseChoices {
  if (phases.indexOf(current) < 0)
    return { advance: undefined, back: [], skip: [], anywhere: phases.active.filter((p) => p.key !== current) };
  return {
    advance: phases.next(current),
    back: phases.earlier(current).reverse(),
    skip: isAdmin ? phases.skippable(current) : [],
    anywhere: [],
  };
}

export function hasPhaseChoices(c: PhaseChoices): boolean {
  return Boolean(c.advance) || c.back.length + c.skip.length + c.anywhere.length > 0;
}

/** Direction is worked out from the workspace's order, never taken from the payload. */
export function directionOf(phases: PhaseSequence, from: string, to: string): MoveKind | null {
  const i = phases.indexOf(from);
  const j = phases.indexOf(to);
  if (j < 0) return null;
  if (i < 0) return 'set';
  if (j === i + 1) return 'advance';
  if (j < i) return 'back';
  if (j > i + 1) return 'skip';
  return null;
}

export function checkMove(
  shown: ShownOnboarding,
  input: MoveInput,
  phases: PhaseSequence,
  opts: { isAdmin: boolean },
): MoveCheck {
  const errors: Partial<Record<MoveBlock, string>> = {};
  const plan: MovePlan = {};
  const text = input.text?.trim() || undefined;
  const needsReason: string[] = [];

  if (input.toPhase && input.toPhase !== shown.phase) {
    const direction = directionOf(phases, shown.phase, input.toPhase);
    const to = phases.name(input.toPhase);
    if (!direction) {
      errors.phase = `${to} is no longer a phase of this workspace. Pick another one.`;
    } else if (shown.state !== 'active') {
      errors.phase = `This onboarding is ${stateName(shown.state).toLowerCase()}: phases only move while it is active. Resume it first (set State to Active and save), then move the phase.`;
    } else if (direction === 'skip' && !opts.isAdmin) {
      errors.phase = `Only a workspace admin can skip ahead to ${to}. Advance one phase at a time, or ask an admin.`;
    } else {
      plan.phase = {
        from: shown.phase,
        to: input.toPhase,
        direction,
        needsReason: direction !== 'advance',
      };
      if (direction === 'back') needsReason.push('sending an onboarding back');
      if (direction === 'skip') {
        const passed = phases.between(shown.phase, input.toPhase).map((p) => p.name);
        needsReason.push(`skipping ahead to ${to}`);
        if (!input.confirmedSkip)
          errors.confirm = `Skipping from ${phases.name(shown.phase)} to ${to} passes over ${passed.join(', ')}. Tick "Yes, skip ahead" to confirm.`;
      }
      if (direction === 'set')
        needsReason.push(`moving it from ${phases.name(shown.phase)}, which is not in this workspace's phase list`);
    }
  }

  if (input.state && input.state !== shown.state) plan.state = { from: shown.state, to: input.state };

  if (input.target && input.target !== shown.target) {
    const later = shown.target ? differenceInCalendarDays(parseISO(input.target), parseISO(shown.target)) : 0;
    plan.target = { from: shown.target, to: input.target, needsReason: later > TARGET_SHIFT_WITHOUT_REASON_DAYS };
    if (plan.target.needsReason)
      needsReason.push(`moving the target launch ${later} days later (more than ${TARGET_SHIFT_WITHOUT_REASON_DAYS})`);
  }

  if (needsReason.length > 0 && !text) {
    errors.note = `A reason is required for ${needsReason.join(' and ')}. It goes to the channel thread and the app's audit log.`;
  }
  if (text) plan.text = text;

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (!plan.phase && !plan.state && !plan.target) {
    return {
      ok: false,
      errors: {
        [hasPhaseChoices(phaseChoices(phases, shown.phase, opts.isAdmin)) ? 'phase' : 'state']:
          'Nothing to save: pick a phase, a state or a new target launch date.',
      },
    };
  }
  return { ok: true, plan };
}

/**
 * The channel's view of a plan, one event per change. The text is the reason of each change that
 * needed one; when none did it rides along with the first change as its note.
 */
export function moveEvents(plan: MovePlan, onboardingId: string, userId: string): ActivityEvent[] {
  const actor = { type: 'slack' as const, userId };
  const text = plan.text;
  const reasoned = Boolean(plan.phase?.needsReason || plan.target?.needsReason);
  let textPending = Boolean(text) && !reasoned;
  const firstGetsText = () => {
    const take = textPending;
    textPending = false;
    return take ? text : undefined;
  };
  const events: ActivityEvent[] = [];
  if (plan.phase) {
    const { from, to, direction, needsReason } = plan.phase;
    const reason = needsReason ? text : undefined;
    const note = firstGetsText();
    events.push({
      kind: 'onboarding.phase_changed',
      onboardingId,
      from,
      to,
      direction,
      ...(reason ? { reason } : {}),
      ...(note ? { note } : {}),
      actor,
    });
  }
  if (plan.state) {
    const reason = firstGetsText();
    events.push({
      kind: 'onboarding.state_changed',
      onboardingId,
      ...plan.state,
      ...(reason ? { reason } : {}),
      actor,
    });
  }
  if (plan.target) {
    const reason = plan.target.needsReason ? text : firstGetsText();
    events.push({
      kind: 'onboarding.target_changed',
      onboardingId,
      from: plan.target.from,
      to: plan.target.to,
      ...(reason ? { reason } : {}),
      actor,
    });
  }
  return events;
}

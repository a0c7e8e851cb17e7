import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence } from '../../src/domain/phases.js';
import {
  checkMove,
  directionOf,
  moveEvents,
  phaseChoices,
  type ShownOnboarding,
  TARGET_SHIFT_WITHOUT_REASON_DAYS,
} from '../../src/features/move/move-rules.js';

const phases = new PhaseSequence(DEFAULT_PHASES);
const keys = DEFAULT_PHASES.map((p) => p.key);
const shown = (over: Partial<ShownOnboarding> = {}): ShownOnboarding => ({
  id: 'onb_1',
  customerId: 'cus_1',
  phase: 'review',
  state: 'active',
  target: '2026-03-10',
  updatedAt: null,
  ...over,
});

describe('directionOf', () => {
  it('reads the direction from the workspace order, one step ahead being an advance', () => {
    expect(directionOf(phases, 'review', 'program_buildout')).toBe('advance');
    expect(directionOf(phases, 'review', 'internal_qa')).toBe('skip');
    expect(directionOf(phases, 'review', 'before_getting_started')).toBe('back');
    expect(directionOf(phases, 'review', 'review')).toBeNull();
  });

  it('calls a move out of an unlisted phase a "set", and refuses a target the workspace does not list', () => {
    expect(directionOf(phases, 'legacy_phase', 'launch')).toBe('set');
    expect(directionOf(phases, 'review', 'legacy_phase')).toBeNull();
  });

  it('treats an archived phase as unknown on either side', () => {
    const withArchived = new PhaseSequence([
      { key: 'a', name: 'A', archived: false },
      { key: 'old', name: 'Old', archived: true },
      { key: 'b', name: 'B', archived: false },
    ]);
    expect(directionOf(withArchived, 'a', 'b')).toBe('advance');
    expect(directionOf(withArchived, 'a', 'old')).toBeNull();
    expect(directionOf(withArchived, 'old', 'b')).toBe('set');
  });

  it('agrees with the positions for every pair of listed phases', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom(...keys), (from, to) => {
        const d = directionOf(phases, from, to);
        const delta = keys.indexOf(to) - keys.indexOf(from);
        expect(d).toBe(delta === 0 ? null : delta === 1 ? 'advance' : delta < 0 ? 'back' : 'skip');
      }),
    );
  });
});

describe('phaseChoices', () => {
  it('offers the next phase, the earlier ones nearest first, and skipping to admins only', () => {
    const member = phaseChoices(phases, 'review', false);
    expect(member.advance?.key).toBe('program_buildout');
    expect(member.back.map((p) => p.key)).toEqual(['program_design', 'before_getting_started']);
    expect(member.skip).toEqual([]);
    expect(phaseChoices(phases, 'review', true).skip.map((p) => p.key)).toEqual(['internal_qa', 'launch', 'completed']);
  });

  it('offers nothing ahead from the last phase, and any other phase from an unlisted one', () => {
    const last = phaseChoices(phases, 'completed', true);
    expect(last.advance).toBeUndefined();
    expect(last.skip).toEqual([]);
    expect(phaseChoices(phases, 'legacy', false).anywhere.map((p) => p.key)).toEqual(keys);
  });
});

describe('checkMove', () => {
  it('plans an advance without asking for a reason, the note riding along', () => {
    const check = checkMove(shown(), { toPhase: 'program_buildout', text: '  kickoff done ' }, phases, {
      isAdmin: false,
    });
    expect(check).toEqual({
      ok: true,
      plan: {
        phase: { from: 'review', to: 'program_buildout', direction: 'advance', needsReason: false },
        text: 'kickoff done',
      },
    });
  });

  it('refuses to send back without a reason, and a whitespace-only reason is none', () => {
    const check = checkMove(shown(), { toPhase: 'program_design', text: '   ' }, phases, { isAdmin: true });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors.note).toMatch(/^A reason is required for sending an onboarding back\./);
  });

  it('refuses a skip by a member, naming the phase and who can do it', () => {
    const check = checkMove(shown(), { toPhase: 'launch' }, phases, { isAdmin: false });
    expect(check).toEqual({
      ok: false,
      errors: {
        phase: 'Only a workspace admin can skip ahead to Launch. Advance one phase at a time, or ask an admin.',
      },
    });
  });

  it("asks an admin's skip for a reason and a confirmation naming the phases passed over", () => {
    expect(checkMove(shown(), { toPhase: 'launch' }, phases, { isAdmin: true })).toEqual({
      ok: false,
      errors: {
        note: "A reason is required for skipping ahead to Launch. It goes to the channel thread and the app's audit log.",
        confirm:
          'Skipping from Review to Launch passes over Program buildout, Internal QA. Tick "Yes, skip ahead" to confirm.',
      },
    });
    const check = checkMove(shown(), { toPhase: 'launch', text: 'Pilot live', confirmedSkip: true }, phases, {
      isAdmin: true,
    });
    expect(check).toEqual({
      ok: true,
      plan: {
        phase: { from: 'review', to: 'launch', direction: 'skip', needsReason: true },
        text: 'Pilot live',
      },
    });
  });

  it('refuses a phase move while the onboarding is not active, but lets the state change alone', () => {
    const paused = shown({ state: 'paused' });
    const check = checkMove(paused, { toPhase: 'program_buildout' }, phases, { isAdmin: true });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.errors.phase).toMatch(/^This onboarding is paused: phases only move while it is active/);
    expect(checkMove(paused, { state: 'active' }, phases, { isAdmin: false })).toEqual({
      ok: true,
      plan: { state: { from: 'paused', to: 'active' } },
    });
  });

  it('refuses a phase that left the sequence since the modal opened', () => {
    const check = checkMove(shown(), { toPhase: 'gone_phase' }, phases, { isAdmin: true });
    expect(check).toEqual({
      ok: false,
      errors: { phase: 'Gone phase is no longer a phase of this workspace. Pick another one.' },
    });
  });

  it('asks for a reason when a phase outside the sequence is left', () => {
    const check = checkMove(shown({ phase: 'legacy_step' }), { toPhase: 'launch' }, phases, { isAdmin: false });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.errors.note).toContain("moving it from Legacy step, which is not in this workspace's phase list");
  });

  it('asks for a reason exactly when the target moves later by more than the allowed days', () => {
    const at = (days: number) => {
      const d = new Date(Date.UTC(2026, 2, 10 + days));
      return d.toISOString().slice(0, 10);
    };
    const limit = TARGET_SHIFT_WITHOUT_REASON_DAYS;
    expect(checkMove(shown(), { target: at(limit) }, phases, { isAdmin: false }).ok).toBe(true);
    const over = checkMove(shown(), { target: at(limit + 1) }, phases, { isAdmin: false });
    expect(over).toEqual({
      ok: false,
      errors: {
        note: `A reason is required for moving the target launch ${limit + 1} days later (more than ${limit}). It goes to the channel thread and the app's audit log.`,
      },
    });
    // Earlier is never a problem, however far; a first target has nothing to be later than.
    expect(checkMove(shown(), { target: at(-90) }, phases, { isAdmin: false }).ok).toBe(true);
    expect(checkMove(shown({ target: null }), { target: '2030-01-01' }, phases, { isAdmin: false }).ok).toBe(true);
  });

  it('joins every missing reason into one message', () => {
    const check = checkMove(shown(), { toPhase: 'before_getting_started', target: '2026-06-01' }, phases, {
      isAdmin: false,
    });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.errors.note).toMatch(/sending an onboarding back and moving the target launch 83 days later/);
  });

  it('refuses an empty save under the phase box, or under state when no phase can be picked', () => {
    const nothing = checkMove(shown(), { toPhase: 'review', state: 'active', target: '2026-03-10' }, phases, {
      isAdmin: false,
    });
    expect(nothing).toEqual({
      ok: false,
      errors: { phase: 'Nothing to save: pick a phase, a state or a new target launch date.' },
    });
    const single = new PhaseSequence([{ key: 'only', name: 'Only', archived: false }]);
    const noChoice = checkMove(shown({ phase: 'only' }), {}, single, { isAdmin: true });
    expect(noChoice.ok).toBe(false);
    if (!noChoice.ok) expect(Object.keys(noChoice.errors)).toEqual(['state']);
  });

  it('never plans a change that equals what the modal showed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.option(fc.constantFrom(...keys), { nil: undefined }),
        fc.option(fc.constantFrom('active', 'paused', 'cancelled'), { nil: undefined }),
        fc.boolean(),
        (phase, toPhase, state, isAdmin) => {
          const s = shown({ phase });
          const check = checkMove(s, { toPhase, state, text: 'why' }, phases, { isAdmin });
          if (!check.ok) return;
          expect(check.plan.phase?.to).not.toBe(phase);
          expect(check.plan.state?.to).not.toBe(s.state);
          expect(check.plan.phase ?? check.plan.state).toBeDefined();
        },
      ),
    );
  });
});

describe('moveEvents', () => {
  it('gives the text to the first change as a note when no change needed a reason', () => {
    const events = moveEvents(
      {
        phase: { from: 'review', to: 'program_buildout', direction: 'advance', needsReason: false },
        state: { from: 'active', to: 'paused' },
        text: 'on hold',
      },
      'onb_1',
      'U1',
    );
    expect(events.map((e) => e.kind)).toEqual(['onboarding.phase_changed', 'onboarding.state_changed']);
    expect(events[0]).toMatchObject({ note: 'on hold', direction: 'advance', actor: { type: 'slack', userId: 'U1' } });
    expect(events[0]).not.toHaveProperty('reason');
    expect(events[1]).not.toHaveProperty('reason');
  });

  it('gives the text as the reason of every change that needed one, and to no other', () => {
    const events = moveEvents(
      {
        phase: { from: 'review', to: 'program_design', direction: 'back', needsReason: true },
        state: { from: 'active', to: 'paused' },
        target: { from: '2026-03-10', to: '2026-05-01', needsReason: true },
        text: 'scope grew',
      },
      'onb_1',
      'U1',
    );
    expect(events.map((e) => ('reason' in e ? e.reason : undefined))).toEqual(['scope grew', undefined, 'scope grew']);
    expect(events[0]).not.toHaveProperty('note');
  });

  it('makes one event per planned change and nothing for an empty plan', () => {
    expect(moveEvents({}, 'onb_1', 'U1')).toEqual([]);
    const events = moveEvents({ target: { from: null, to: '2026-04-01', needsReason: false }, text: 'set' }, 'o', 'U');
    expect(events).toEqual([
      {
        kind: 'onboarding.target_changed',
        onboardingId: 'o',
        from: null,
        to: '2026-04-01',
        reason: 'set',
        actor: { type: 'slack', userId: 'U' },
      },
    ]);
  });
});

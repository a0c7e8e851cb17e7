import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence } from '../../src/domain/phases.js';
import {
  checkSequence,
  keyFromName,
  PHASE_LIMITS,
  sequenceText,
} from '../../src/features/phase-sequence/sequence-service.js';

const saved = new PhaseSequence(DEFAULT_PHASES);
const savedText = sequenceText(DEFAULT_PHASES);
const small = new PhaseSequence([
  { key: 'a', name: 'A', archived: false },
  { key: 'b', name: 'B', archived: false },
]);

describe('checkSequence', () => {
  it('accepts the saved sequence as it is shown, and round-trips it', () => {
    expect(checkSequence(savedText, '', saved)).toEqual({ ok: true, phases: DEFAULT_PHASES });
  });

  it('renames by key, adds a phase from a bare name, archives a moved line, ignores blank lines', () => {
    const check = checkSequence('a = Alpha\n\n  Kick off call  \n', 'b = B', small);
    expect(check).toEqual({
      ok: true,
      phases: [
        { key: 'a', name: 'Alpha', archived: false },
        { key: 'kick_off_call', name: 'Kick off call', archived: false },
        { key: 'b', name: 'B', archived: true },
      ],
    });
  });

  it('keeps everything after the first "=" as the name', () => {
    const check = checkSequence('a = A = B\nb = B', '', small);
    expect(check.ok && check.phases[0]).toEqual({ key: 'a', name: 'A = B', archived: false });
  });

  it('refuses deleting a phase, naming it and what to do instead', () => {
    expect(checkSequence('a = A', '', small)).toEqual({
      ok: false,
      errors: {
        active: `"b" (B) is missing: phases can't be deleted, move the line to Archived instead.`,
      },
    });
  });

  it('refuses archiving every phase', () => {
    expect(checkSequence('', 'a = A\nb = B', small)).toEqual({
      ok: false,
      errors: { active: 'Keep at least one phase that is not archived.' },
    });
  });

  it('refuses a key listed twice, even across the two boxes', () => {
    const check = checkSequence('a = A\nb = B', 'a = Again', small);
    expect(check).toEqual({ ok: false, errors: { active: '"a" appears more than once.' } });
  });

  // A refused line still names its phase: the only problem reported is the line's own.
  it('reports each bad line by its number, under the box it is in', () => {
    const check = checkSequence('a = A\nb =\nBad Key! = X', '= Nameless', small);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors.active).toBe(
      `Line 2 has no name after "="; line 3: "Bad Key!" is not a usable key (lower-case letters, digits, _ and -, up to ${PHASE_LIMITS.key}).`,
    );
    expect(check.errors.archived).toMatch(/^Line 1: "\(empty\)" is not a usable key/);
  });

  it('refuses a name whose letters make no key', () => {
    const check = checkSequence('a = A\nb = B\n日本', '', small);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors.active).toMatch(/^Line 3: "\(empty\)" is not a usable key/);
  });

  it('holds names and keys to their limits, counting characters, not UTF-16 units', () => {
    const atLimit = 'é'.repeat(PHASE_LIMITS.name);
    expect(checkSequence(`a = ${atLimit}\nb = B`, '', small).ok).toBe(true);
    const emoji = '🚀'.repeat(PHASE_LIMITS.name);
    expect(checkSequence(`a = ${emoji}\nb = B`, '', small).ok).toBe(true);
    const over = checkSequence(`a = ${atLimit}x\nb = B`, '', small);
    expect(over.ok || over.errors.active).toBe(`Line 1: names can be at most ${PHASE_LIMITS.name} characters.`);
    const longKey = 'k'.repeat(PHASE_LIMITS.key + 1);
    const keyOver = checkSequence(`a = A\nb = B\n${longKey} = K`, '', small);
    expect(keyOver.ok).toBe(false);
  });

  it('caps the number of phases', () => {
    const lines = Array.from({ length: PHASE_LIMITS.phases - 1 }, (_, i) => `p${i} = P${i}`);
    expect(checkSequence(['a = A', 'b = B', ...lines.slice(1)].join('\n'), '', small).ok).toBe(true);
    const tooMany = checkSequence(['a = A', 'b = B', ...lines].join('\n'), '', small);
    expect(tooMany).toEqual({ ok: false, errors: { active: `At most ${PHASE_LIMITS.phases} phases.` } });
  });

  it('makes keys that are always usable, or empty', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (name) => {
        const key = keyFromName(name);
        expect(key.length).toBeLessThanOrEqual(PHASE_LIMITS.key);
        if (key) expect(key).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
      }),
    );
  });

  it('accepts any reordering of the saved phases and any split between the boxes that keeps one active', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...DEFAULT_PHASES], { minLength: DEFAULT_PHASES.length }),
        fc.integer({ min: 1, max: DEFAULT_PHASES.length }),
        (order, activeCount) => {
          const check = checkSequence(
            sequenceText(order.slice(0, activeCount)),
            sequenceText(order.slice(activeCount)),
            saved,
          );
          expect(check.ok).toBe(true);
          if (check.ok) expect(check.phases.map((p) => p.key)).toEqual(order.map((p) => p.key));
        },
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { isFinished } from '../../src/domain/finished.js';

describe('isFinished', () => {
  const open = { phase: 'launch', state: 'active', completed_at: null };

  it('is true for a completion date, the completed phase, or a done/completed state', () => {
    expect(isFinished({ ...open, completed_at: '2026-03-01T00:00:00Z' })).toBe(true);
    expect(isFinished({ ...open, phase: 'completed' })).toBe(true);
    expect(isFinished({ ...open, state: 'done' })).toBe(true);
    expect(isFinished({ ...open, state: 'completed' })).toBe(true);
  });

  it('is false for an onboarding still under way, whatever else it carries', () => {
    expect(isFinished(open)).toBe(false);
    expect(isFinished({ phase: 'launch', state: 'blocked' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { describeTarget as customerTarget } from '../../src/features/customer/views.js';
import { describeTarget as cardTarget } from '../../src/notifications/describe.js';
import { formatDay, targetInWords, utcDay } from '../../src/views/launch-date.js';

describe('target launch dates in words', () => {
  it.each([
    ['2026-05-20', 'due today'],
    ['2026-05-21', 'in 1 day'],
    ['2026-06-01', 'in 12 days'],
    ['2026-05-19', '1 day overdue'],
    ['2026-05-17', '3 days overdue'],
    ['2026-09-20', 'in 4 months'],
    ['2025-11-20', '6 months overdue'],
  ])('%s → %s', (target, words) => {
    expect(targetInWords(target, '2026-05-20')).toBe(words);
  });

  it('counts calendar days in UTC, whatever the hour', () => {
    const lateEvening = new Date('2026-03-10T23:30:00Z');
    expect(utcDay(lateEvening)).toBe('2026-03-10');
    expect(customerTarget('2026-03-22', lateEvening)).toBe('Mar 22, 2026 (in 12 days)');
    expect(customerTarget('2026-03-10', lateEvening)).toBe('Mar 10, 2026 (due today)');
    expect(customerTarget(null, lateEvening)).toBe('No target');
  });

  it('says the same thing on the customer card and on the onboarding card', () => {
    const now = new Date('2026-07-03T09:00:00Z');
    for (const target of ['2026-06-30', '2026-07-03', '2026-07-15', '2026-12-01']) {
      const words = targetInWords(target, utcDay(now));
      expect(customerTarget(target, now)).toContain(words);
      expect(cardTarget(target, now, false)).toContain(words);
    }
  });

  it('shows the date alone where a count of days would go stale or mean nothing', () => {
    expect(formatDay('2026-07-15')).toBe('Jul 15, 2026');
    expect(cardTarget('2026-07-15', null, false)).toBe('Jul 15, 2026');
    expect(cardTarget('2026-06-30', new Date('2026-07-03T09:00:00Z'), true)).toBe('Jun 30, 2026');
  });
});

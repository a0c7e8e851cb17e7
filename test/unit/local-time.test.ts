import { describe, expect, it } from 'vitest';
import { dueMorningSlot, localDate, quietUntil } from '../../src/domain/local-time.js';

/** The morning list's hour in each person's own zone, on a fake clock stepped minute by minute. */

const LA = 'America/Los_Angeles';
const KOLKATA = 'Asia/Kolkata';
const BERLIN = 'Europe/Berlin';

/** The first minute of the UTC day `day` at which the person's 09:00 list is due, or null. */
function firstDueMinute(day: string, tz: string, hour = 9): string | null {
  const start = Date.parse(`${day}T00:00:00Z`);
  for (let m = 0; m < 24 * 60; m += 1) {
    const now = new Date(start + m * 60_000);
    if (dueMorningSlot(now, tz, hour)) return now.toISOString();
  }
  return null;
}

describe('the morning list at 09:00 local', () => {
  it('comes at 09:00 in Los Angeles and in Kolkata on a Monday', () => {
    expect(firstDueMinute('2026-03-02', LA)).toBe('2026-03-02T17:00:00.000Z'); // PST, UTC-8
    expect(firstDueMinute('2026-03-02', KOLKATA)).toBe('2026-03-02T03:30:00.000Z'); // IST, UTC+5:30
  });

  it('does not come on a Saturday or a Sunday (local days)', () => {
    expect(firstDueMinute('2026-03-07', LA)).toBeNull();
    expect(firstDueMinute('2026-03-07', KOLKATA)).toBeNull();
    // Sunday 21:00 UTC is already Monday 02:30 in Kolkata, but not 09:00; Monday's list is Monday's.
    expect(dueMorningSlot(new Date('2026-03-08T21:00:00Z'), KOLKATA, 9)).toBeNull();
  });

  it('stays at 09:00 local on the days after the US changes (March 8 and November 1, 2026)', () => {
    expect(firstDueMinute('2026-03-09', LA)).toBe('2026-03-09T16:00:00.000Z'); // PDT, UTC-7
    expect(firstDueMinute('2026-11-02', LA)).toBe('2026-11-02T17:00:00.000Z'); // back to PST
    expect(firstDueMinute('2026-03-09', KOLKATA)).toBe('2026-03-09T03:30:00.000Z'); // no DST in India
  });

  it('stays at 09:00 local on the days after the EU changes (March 29 and October 25, 2026)', () => {
    expect(firstDueMinute('2026-03-23', BERLIN)).toBe('2026-03-23T08:00:00.000Z'); // CET
    expect(firstDueMinute('2026-03-30', BERLIN)).toBe('2026-03-30T07:00:00.000Z'); // CEST
    expect(firstDueMinute('2026-10-26', BERLIN)).toBe('2026-10-26T08:00:00.000Z'); // CET again
    // Between the EU and US changes Los Angeles is unaffected by Europe's switch.
    expect(firstDueMinute('2026-03-30', LA)).toBe('2026-03-30T16:00:00.000Z');
    expect(firstDueMinute('2026-10-26', LA)).toBe('2026-10-26T16:00:00.000Z'); // still PDT until Nov 1
  });

  it('names the local date of the slot, which is not the UTC date in Kolkata early in the UTC day', () => {
    const slot = dueMorningSlot(new Date('2026-03-02T03:45:00Z'), KOLKATA, 9);
    expect(slot).toEqual({ localDate: '2026-03-02', at: new Date('2026-03-02T03:30:00Z') });
    expect(localDate(new Date('2026-03-02T20:00:00Z'), KOLKATA)).toBe('2026-03-03');
  });

  it('follows the hour the person chose, and gives up after the grace period', () => {
    expect(firstDueMinute('2026-03-02', LA, 7)).toBe('2026-03-02T15:00:00.000Z');
    expect(dueMorningSlot(new Date('2026-03-02T19:59:00Z'), LA, 9)).not.toBeNull();
    expect(dueMorningSlot(new Date('2026-03-02T20:00:00Z'), LA, 9)).toBeNull();
  });
});

describe('quiet hours', () => {
  it('end at the local hour, on the next day when they span midnight', () => {
    const quiet = { start: 20, end: 8 };
    // 22:00 in Los Angeles (PST) → quiet until 08:00 the next morning.
    expect(quietUntil(new Date('2026-03-03T06:00:00Z'), LA, quiet)?.toISOString()).toBe('2026-03-03T16:00:00.000Z');
    // 07:00 local → until 08:00 the same day.
    expect(quietUntil(new Date('2026-03-03T15:00:00Z'), LA, quiet)?.toISOString()).toBe('2026-03-03T16:00:00.000Z');
    expect(quietUntil(new Date('2026-03-03T18:00:00Z'), LA, quiet)).toBeNull();
    expect(quietUntil(new Date('2026-03-03T18:00:00Z'), LA, null)).toBeNull();
  });
});

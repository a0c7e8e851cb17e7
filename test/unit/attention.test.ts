import { describe, expect, it } from 'vitest';
import { attentionConditions, stalledInPhase, type AttentionInput } from '../../src/domain/attention.js';
import { parseNotificationSettings } from '../../src/domain/notification-settings.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const TODAY = '2026-03-10';
const LAST = new Set(['launch', 'completed']);

const onboarding = (o: Partial<AttentionInput> = {}): AttentionInput => ({
  phase: 'review',
  state: 'active',
  waiting_on_customer: 0,
  target_launch_date: null,
  completed_at: null,
  pivotal_updated_at: '2026-03-09T12:00:00Z',
  phase_entered_at: '2026-03-09T12:00:00Z',
  ...o,
});

describe('needs-attention conditions', () => {
  it('overdue once the target date has passed; due soon within seven days unless in the last phases', () => {
    expect(attentionConditions(onboarding({ target_launch_date: '2026-03-09' }), TODAY, NOW, LAST)).toEqual([
      'overdue',
    ]);
    expect(attentionConditions(onboarding({ target_launch_date: '2026-03-10' }), TODAY, NOW, LAST)).toEqual([
      'due_soon',
    ]);
    expect(attentionConditions(onboarding({ target_launch_date: '2026-03-17' }), TODAY, NOW, LAST)).toEqual([
      'due_soon',
    ]);
    expect(attentionConditions(onboarding({ target_launch_date: '2026-03-18' }), TODAY, NOW, LAST)).toEqual([]);
    expect(
      attentionConditions(onboarding({ target_launch_date: '2026-03-12', phase: 'launch' }), TODAY, NOW, LAST),
    ).toEqual([]);
  });

  it('at risk; paused or waiting only after more than seven untouched days; nothing once finished', () => {
    expect(attentionConditions(onboarding({ state: 'at_risk' }), TODAY, NOW, LAST)).toEqual(['at_risk']);
    expect(attentionConditions(onboarding({ state: 'paused' }), TODAY, NOW, LAST)).toEqual([]);
    const old = '2026-03-02T11:00:00Z';
    expect(attentionConditions(onboarding({ state: 'paused', pivotal_updated_at: old }), TODAY, NOW, LAST)).toEqual([
      'stalled_waiting',
    ]);
    expect(
      attentionConditions(onboarding({ waiting_on_customer: 1, pivotal_updated_at: old }), TODAY, NOW, LAST),
    ).toEqual(['stalled_waiting']);
    expect(
      attentionConditions(onboarding({ state: 'done', target_launch_date: '2026-01-01' }), TODAY, NOW, LAST),
    ).toEqual([]);
  });

  it('names an onboarding stalled in its phase after fourteen days', () => {
    expect(stalledInPhase(onboarding({ phase_entered_at: '2026-02-24T11:00:00Z' }), NOW)).toBe(true);
    expect(stalledInPhase(onboarding({ phase_entered_at: '2026-02-25T13:00:00Z' }), NOW)).toBe(false);
  });
});

describe('notification settings', () => {
  it('defaults for a CSM: every DM but launches, the morning list at 09:00, no quiet hours', () => {
    expect(parseNotificationSettings(null)).toEqual({
      dms: { assigned: true, changed: true, attention: true, launched: false },
      morningList: true,
      morningHour: 9,
      quietHours: null,
    });
  });

  it('keeps what was chosen and ignores what is malformed', () => {
    const s = parseNotificationSettings(
      JSON.stringify({ dms: { changed: false, launched: 'yes' }, morningHour: 25, quietHours: { start: 22, end: 7 } }),
    );
    expect(s.dms).toEqual({ assigned: true, changed: false, attention: true, launched: false });
    expect(s.morningHour).toBe(9);
    expect(s.quietHours).toEqual({ start: 22, end: 7 });
    expect(parseNotificationSettings('not json').morningList).toBe(true);
  });
});

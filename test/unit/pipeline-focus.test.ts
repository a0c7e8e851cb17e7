import { describe, expect, it } from 'vitest';
import { hasFocus, listsFinished, pipelineDates, type FocusFacts } from '../../src/domain/pipeline-focus.js';

const dates = pipelineDates(new Date('2026-05-20T23:30:00.000Z'));
const open = (over: Partial<FocusFacts> = {}): FocusFacts => ({
  phase: 'review',
  state: 'active',
  completed_at: null,
  waiting_on_customer: 0,
  target_launch_date: null,
  phase_entered_at: '2026-04-01T00:00:00.000Z',
  ...over,
});

describe('the pipeline focuses', () => {
  it('measures days in UTC: today, a week ahead, the first of the month', () => {
    expect(dates).toEqual({ today: '2026-05-20', dueSoonUntil: '2026-05-27', monthStart: '2026-05-01' });
  });

  it('counts overdue and due soon on either side of today, never for a finished onboarding', () => {
    expect(hasFocus(open({ target_launch_date: '2026-05-19' }), 'overdue', dates)).toBe(true);
    expect(hasFocus(open({ target_launch_date: '2026-05-20' }), 'overdue', dates)).toBe(false);
    expect(hasFocus(open({ target_launch_date: '2026-05-20' }), 'due_soon', dates)).toBe(true);
    expect(hasFocus(open({ target_launch_date: '2026-05-27' }), 'due_soon', dates)).toBe(true);
    expect(hasFocus(open({ target_launch_date: '2026-05-28' }), 'due_soon', dates)).toBe(false);
    expect(hasFocus(open({ target_launch_date: '2026-01-01', state: 'done' }), 'overdue', dates)).toBe(false);
    expect(hasFocus(open({ target_launch_date: '2026-01-01', phase: 'completed' }), 'overdue', dates)).toBe(false);
  });

  it('reads waiting from the state or the flag, at risk and paused from the state', () => {
    expect(hasFocus(open({ waiting_on_customer: 1 }), 'waiting', dates)).toBe(true);
    expect(hasFocus(open({ state: 'waiting' }), 'waiting', dates)).toBe(true);
    expect(hasFocus(open({ state: 'at_risk' }), 'at_risk', dates)).toBe(true);
    expect(hasFocus(open({ state: 'paused' }), 'paused', dates)).toBe(true);
    expect(hasFocus(open({ state: 'paused', completed_at: '2026-05-02T00:00:00Z' }), 'paused', dates)).toBe(false);
  });

  it('counts a launch this month: entering the launch phase, or finishing', () => {
    expect(hasFocus(open({ phase: 'launch', phase_entered_at: '2026-05-03T10:00:00.000Z' }), 'launched', dates)).toBe(
      true,
    );
    expect(hasFocus(open({ phase: 'launch', phase_entered_at: '2026-04-30T10:00:00.000Z' }), 'launched', dates)).toBe(
      false,
    );
    expect(hasFocus(open({ phase: 'completed', completed_at: '2026-05-10T10:00:00.000Z' }), 'launched', dates)).toBe(
      true,
    );
    expect(hasFocus(open({ state: 'done' }), 'launched', dates)).toBe(false);
  });

  it('lists finished onboardings only when asked, or when a filter can only match them', () => {
    const none = { finished: false, focus: null, state: null, phase: null };
    expect(listsFinished(none)).toBe(false);
    expect(listsFinished({ ...none, finished: true })).toBe(true);
    expect(listsFinished({ ...none, focus: 'launched' })).toBe(true);
    expect(listsFinished({ ...none, focus: 'overdue' })).toBe(false);
    expect(listsFinished({ ...none, state: 'done' })).toBe(true);
    expect(listsFinished({ ...none, phase: 'completed' })).toBe(true);
  });
});

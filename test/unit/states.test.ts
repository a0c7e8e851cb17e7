import { describe, expect, it } from 'vitest';
import { customerStatusName, SETTABLE_STATES, stateName } from '../../src/domain/states.js';
import { CUSTOMER_STATUSES, START_STATES } from '../../src/features/onboard/validation.js';

describe('one vocabulary for states', () => {
  it('names each state the same wherever it is shown, and an unknown one readably', () => {
    expect(SETTABLE_STATES.map(stateName)).toEqual(['Active', 'Paused', 'At risk', 'Waiting on customer']);
    expect(stateName('on_hold')).toBe('On hold');
  });

  it('gives the onboard form the same names as the move form, At risk included', () => {
    expect(START_STATES.map((s) => s.label)).toEqual(START_STATES.map((s) => stateName(s.value)));
    expect(START_STATES.map((s) => s.value)).toContain('at_risk');
  });

  it('starts a new customer as onboarding, and names statuses the same way', () => {
    expect(CUSTOMER_STATUSES[0]).toEqual({ value: 'onboarding', label: 'Onboarding' });
    expect(customerStatusName('at_risk')).toBe('At risk');
    expect(customerStatusName('paying_customer')).toBe('Paying customer');
  });
});

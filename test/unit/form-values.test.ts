import { describe, expect, it } from 'vitest';
import { FormState } from '../../src/views/form-values.js';

/** `view.state.values` as Slack sends it: block id, then action id, then the element's state. */
const values = {
  name: { name: { type: 'plain_text_input', value: '  Acme Corp \n' } },
  empty: { empty: { type: 'plain_text_input', value: null } },
  phase: {
    value: {
      type: 'static_select',
      selected_option: { value: 'kickoff', text: { type: 'plain_text', text: 'Kickoff' } },
    },
  },
  unlabelled: { value: { type: 'static_select', selected_option: { value: 'live' } } },
  nothing_picked: { value: { type: 'static_select', selected_option: null } },
  primary: { primary: { type: 'checkboxes', selected_options: [{ value: 'primary', text: { text: 'Primary' } }] } },
  target: { value: { type: 'datepicker', selected_date: '2026-07-15' } },
  no_date: { value: { type: 'datepicker', selected_date: null } },
  owner: { user: { type: 'users_select', selected_user: 'U123' } },
};

describe('FormState, the one reader of view.state.values', () => {
  const form = FormState.from(values);

  it('reads typed text trimmed, or as typed where lines are numbered back', () => {
    expect(form.text('name')).toBe('Acme Corp');
    expect(form.rawText('name')).toBe('  Acme Corp \n');
    expect(form.text('empty')).toBe('');
    expect(form.rawText('missing')).toBe('');
  });

  it('reads a picked option with its label, falling back to the value', () => {
    expect(form.option('phase')).toEqual({ value: 'kickoff', label: 'Kickoff' });
    expect(form.option('unlabelled')).toEqual({ value: 'live', label: 'live' });
    expect(form.option('nothing_picked')).toBeNull();
    expect(form.option('missing')).toBeNull();
  });

  it('reads checkboxes, dates and people', () => {
    expect(form.checked('primary', 'primary')).toBe(true);
    expect(form.checked('primary', 'other')).toBe(false);
    expect(form.checked('missing', 'primary')).toBe(false);
    expect(form.date('target')).toBe('2026-07-15');
    expect(form.date('no_date')).toBeNull();
    expect(form.user('owner')).toBe('U123');
    expect(form.user('missing')).toBeNull();
  });

  it('reads values that do not have Slack shape as an empty form', () => {
    for (const odd of [undefined, null, 'text', 42, { name: 'not a block' }, { name: { name: { value: 7 } } }]) {
      const read = FormState.from(odd);
      expect(read.text('name')).toBe('');
      expect(read.option('name')).toBeNull();
    }
  });
});

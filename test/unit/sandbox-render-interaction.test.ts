import { describe, expect, it } from 'vitest';
import { actionFor, stateValues } from '../../sandbox/page/interaction.js';

const pt = (text: string) => ({ type: 'plain_text', text });
const opt = (text: string, value: string) => ({ text: pt(text), value });

const form = [
  { type: 'header', text: pt('Onboard') },
  { type: 'input', block_id: 'name', label: pt('Name'), element: { type: 'plain_text_input', action_id: 'v' } },
  {
    type: 'input',
    block_id: 'notes',
    optional: true,
    label: pt('Notes'),
    element: { type: 'plain_text_input', action_id: 'v', multiline: true },
  },
  {
    type: 'input',
    block_id: 'phase',
    label: pt('Phase'),
    element: {
      type: 'static_select',
      action_id: 'v',
      option_groups: [{ label: pt('Early'), options: [opt('Design', 'program_design'), opt('Review', 'review')] }],
    },
  },
  {
    type: 'input',
    block_id: 'customer',
    label: pt('Customer'),
    element: { type: 'external_select', action_id: 'pick' },
  },
  { type: 'input', block_id: 'csm', label: pt('CSM'), element: { type: 'users_select', action_id: 'v' } },
  {
    type: 'input',
    block_id: 'channel',
    label: pt('Channel'),
    element: { type: 'conversations_select', action_id: 'v' },
  },
  { type: 'input', block_id: 'target', label: pt('Target'), element: { type: 'datepicker', action_id: 'v' } },
  {
    type: 'input',
    block_id: 'flags',
    label: pt('Flags'),
    element: {
      type: 'checkboxes',
      action_id: 'v',
      options: [{ ...opt('Notify', 'notify'), description: pt('post it') }, opt('Other', 'other')],
    },
  },
  {
    type: 'input',
    block_id: 'state',
    label: pt('State'),
    element: { type: 'radio_buttons', action_id: 'v', options: [opt('Active', 'active'), opt('Paused', 'paused')] },
  },
  {
    type: 'input',
    block_id: 'seats',
    label: pt('Seats'),
    element: { type: 'number_input', action_id: 'v', is_decimal_allowed: false },
  },
  { type: 'input', block_id: 'email', label: pt('Email'), element: { type: 'email_text_input', action_id: 'v' } },
  {
    type: 'actions',
    block_id: 'acts',
    elements: [
      { type: 'button', action_id: 'go', text: pt('Go'), value: 'x' },
      { type: 'static_select', action_id: 'sort', options: [opt('Name', 'name')] },
    ],
  },
];

describe('state.values as Slack builds them', () => {
  it('shapes every stateful element by its type, with the option objects the app sent', () => {
    const values = stateValues(form, [
      { block_id: 'name', action_id: 'v', value: 'Acme Rockets' },
      { block_id: 'notes', action_id: 'v', value: null },
      { block_id: 'phase', action_id: 'v', value: 'review' },
      { block_id: 'customer', action_id: 'pick', value: 'cus_1', label: 'Acme (#12)' },
      { block_id: 'csm', action_id: 'v', value: 'U0CSM' },
      { block_id: 'channel', action_id: 'v', value: 'C0ONBOARD' },
      { block_id: 'target', action_id: 'v', value: '2026-07-01' },
      { block_id: 'flags', action_id: 'v', values: ['notify'] },
      { block_id: 'state', action_id: 'v', value: 'paused' },
      { block_id: 'seats', action_id: 'v', value: '12' },
      { block_id: 'email', action_id: 'v', value: 'maya@acme.test' },
      { block_id: 'acts', action_id: 'sort', value: 'name' },
    ]);
    expect(values).toEqual({
      name: { v: { type: 'plain_text_input', value: 'Acme Rockets' } },
      notes: { v: { type: 'plain_text_input', value: null } },
      phase: { v: { type: 'static_select', selected_option: opt('Review', 'review') } },
      customer: {
        pick: {
          type: 'external_select',
          selected_option: { text: { type: 'plain_text', text: 'Acme (#12)', emoji: true }, value: 'cus_1' },
        },
      },
      csm: { v: { type: 'users_select', selected_user: 'U0CSM' } },
      channel: { v: { type: 'conversations_select', selected_conversation: 'C0ONBOARD' } },
      target: { v: { type: 'datepicker', selected_date: '2026-07-01' } },
      flags: {
        v: { type: 'checkboxes', selected_options: [{ ...opt('Notify', 'notify'), description: pt('post it') }] },
      },
      state: { v: { type: 'radio_buttons', selected_option: opt('Paused', 'paused') } },
      seats: { v: { type: 'number_input', value: '12' } },
      email: { v: { type: 'email_text_input', value: 'maya@acme.test' } },
      acts: { sort: { type: 'static_select', selected_option: opt('Name', 'name') } },
    });
  });

  it('reports untouched elements as empty, the way Slack does', () => {
    const values = stateValues(form, []);
    expect(values.name).toEqual({ v: { type: 'plain_text_input', value: null } });
    expect(values.phase).toEqual({ v: { type: 'static_select', selected_option: null } });
    expect(values.csm).toEqual({ v: { type: 'users_select', selected_user: null } });
    expect(values.target).toEqual({ v: { type: 'datepicker', selected_date: null } });
    expect(values.flags).toEqual({ v: { type: 'checkboxes', selected_options: [] } });
  });

  it('ignores what the page reports for controls the view does not have', () => {
    expect(stateValues(form, [{ block_id: 'forged', action_id: 'v', value: 'x' }]).forged).toBeUndefined();
  });
});

describe('actions[0] of block_actions', () => {
  const now = new Date('2026-05-01T10:00:00Z');

  it('sends a button with its text, value and the block it sits in', () => {
    expect(actionFor(form, { block_id: 'acts', action_id: 'go' }, now)).toEqual({
      type: 'button',
      block_id: 'acts',
      action_id: 'go',
      action_ts: '1777629600.000000',
      text: pt('Go'),
      value: 'x',
    });
  });

  it('sends a select with its selected option', () => {
    expect(actionFor(form, { block_id: 'acts', action_id: 'sort', value: 'name' }, now)).toMatchObject({
      type: 'static_select',
      selected_option: opt('Name', 'name'),
    });
  });

  it('sends an overflow choice as its selected option', () => {
    const blocks = [
      {
        type: 'section',
        block_id: 'card',
        text: { type: 'mrkdwn', text: 'x' },
        accessory: { type: 'overflow', action_id: 'more', options: [opt('Move', 'move:onb_1')] },
      },
    ];
    expect(actionFor(blocks, { block_id: 'card', action_id: 'more', value: 'move:onb_1' }, now)).toMatchObject({
      type: 'overflow',
      block_id: 'card',
      selected_option: opt('Move', 'move:onb_1'),
    });
  });

  it('finds nothing for a control that is not in the blocks', () => {
    expect(actionFor(form, { block_id: 'acts', action_id: 'gone' }, now)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence, type Phase } from '../../src/domain/phases.js';
import { customerCardMessage, customerPickList, type CustomerCard } from '../../src/features/customer/views.js';
import { customerChoice } from '../../src/features/customer/search.js';
import type { OnboardJob } from '../../src/features/onboard/jobs.js';
import { jobView, onboardForm } from '../../src/features/onboard/views.js';
import { outline } from '../harness/block-kit.js';
import { formValuesFromInput, type OnboardInput } from '../../src/features/onboard/validation.js';

/** Every Block Kit limit (docs/slack-notes.md) a view here could break. */
function checkLimits(
  view: {
    blocks: unknown[];
    title?: { text: string };
    submit?: { text: string };
    close?: { text: string };
    private_metadata?: string;
  },
  maxBlocks: number,
): void {
  expect(view.blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const t of [view.title, view.submit, view.close]) if (t) expect([...t.text].length).toBeLessThanOrEqual(24);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  const walk = (node: unknown, key = ''): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, key);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (key === 'options') expect([...(o.text as { text: string }).text].length).toBeLessThanOrEqual(75);
    if (o.type === 'header') expect([...(o.text as { text: string }).text].length).toBeLessThanOrEqual(150);
    if (o.type === 'button') expect([...(o.text as { text: string }).text].length).toBeLessThanOrEqual(75);
    if (o.type === 'mrkdwn' || o.type === 'plain_text')
      expect([...(o.text as string)].length).toBeLessThanOrEqual(3000);
    for (const [k, v] of Object.entries(o)) walk(v, k);
  };
  walk(view.blocks);
}

const long = (n: number) => 'Ŵ'.repeat(n);
const manyPhases = new PhaseSequence(
  Array.from({ length: 140 }, (_, i): Phase => ({ key: `phase_${i}`, name: `${long(90)} ${i}`, archived: false })),
);

const input: OnboardInput = {
  customer: {
    kind: 'new',
    name: long(200),
    slug: 'x'.repeat(60),
    slugFromName: false,
    domain: 'a.example',
    status: 'active',
  },
  contact: { kind: 'new', name: long(150), email: 'a@b.example', title: long(150) },
  onboarding: { phase: 'phase_3', state: 'active', targetLaunchDate: '2026-05-01', csmUserId: 'U1' },
};

const job = (over: Partial<OnboardJob>): OnboardJob => ({
  key: { workspaceId: 'T1', viewId: 'V1' },
  workspace: { teamId: 'T1' },
  userId: 'U1',
  mode: 'test',
  input,
  status: 'running',
  records: {},
  problem: null,
  leaseToken: null,
  leaseUntil: '2026-03-10T00:00:10.000Z',
  createdAt: '2026-03-10T00:00:00.000Z',
  ...over,
});

describe('onboard views stay inside Slack limits with the longest values', () => {
  const shown = { phases: manyPhases, now: new Date('2026-03-10T00:00:00Z') };
  const records = {
    customer: { id: 'c1', display_id: 12, name: long(200), slug: 'x'.repeat(60), created: true },
    contact: { id: 'k1', name: long(150), email: 'a@b.example', title: long(150), replaced: long(150) },
    onboarding: {
      id: 'o1',
      display_id: 7,
      phase: 'phase_3',
      state: 'active',
      target_launch_date: '2026-05-01',
      csm_id: null,
    },
  };

  it('the form, with every error line, a suggestion and a hundred-plus phases', () => {
    const errors = Object.fromEntries(
      [
        'customer_name',
        'customer_slug',
        'customer_domain',
        'contact_name',
        'contact_email',
        'contact_title',
        'onboarding_phase',
        'onboarding_target',
        'onboarding_csm',
      ].map((b) => [b, long(400)]),
    );
    const view = onboardForm(formValuesFromInput(input), {
      mode: 'test',
      phases: manyPhases,
      errors,
      problem: long(2000),
      slugSuggestion: 'x'.repeat(58) + '-2',
      existingMatch: { name: long(200), display_id: 1 },
    });
    checkLimits(view, 100);
    expect(view.blocks[0]).toMatchObject({ block_id: 'test_key_label' });
  });

  it.each([
    ['running', {}],
    ['queued', { status: 'queued' as const, problem: { kind: 'queued' as const, step: 'contact' as const } }],
    [
      'failed',
      {
        status: 'failed' as const,
        problem: { kind: 'failed' as const, step: 'onboarding' as const, message: long(500) },
      },
    ],
    [
      'needs_input',
      {
        status: 'needs_input' as const,
        problem: { kind: 'fields' as const, step: 'onboarding' as const, fields: { onboarding_phase: long(300) } },
      },
    ],
    ['done', { status: 'done' as const }],
  ])('the %s view', (_status, over) => {
    const view = jobView(job({ records, ...over }), shown);
    checkLimits(view, 100);
    expect(view.blocks[0]).toMatchObject({ block_id: 'test_key_label' });
  });

  it('the failure view offers Retry as its submit button', () => {
    const view = jobView(
      job({ status: 'failed', problem: { kind: 'failed', step: 'contact', message: 'boom' } }),
      shown,
    );
    expect(view.callback_id).toBe('onboard_retry');
    expect(view.submit?.text).toBe('Retry');
  });
});

describe('customer messages stay inside Slack limits', () => {
  it('a card with many onboardings keeps under 50 blocks and says how many more there are', () => {
    const card: CustomerCard = {
      customer: { id: 'c', display_id: 1, name: long(300), slug: 'x', domain: long(300), status: long(100) },
      primary: { name: long(200), email: 'e@x.example', title: long(200) },
      onboardings: Array.from({ length: 40 }, (_, i) => ({
        id: `o${i}`,
        display_id: i,
        phaseName: long(200),
        progress: { step: 1, of: 7 },
        state: 'active',
        target: null,
      })),
    };
    const message = customerCardMessage(card, { mode: 'test', now: new Date() });
    checkLimits(message, 50);
    expect(JSON.stringify(message.blocks)).toContain('and 30 more');
  });

  it('a pick list of long names', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({
      id: `c${i}`,
      display_id: i,
      name: long(300),
      slug: 's',
      domain: null,
      status: null,
    }));
    checkLimits(customerPickList(rows, long(500), { mode: null, more: true, fromPivotal: false }), 50);
  });

  it('a picker option keeps the id and slug visible within 75 characters', () => {
    const choice = customerChoice({ id: 'c1', display_id: 12345, name: long(200), slug: 'a-rather-long-slug' });
    expect([...choice.label].length).toBeLessThanOrEqual(75);
    expect(choice.label.endsWith(' · #12345 · a-rather-long-slug')).toBe(true);
  });
});

describe('the onboard form', () => {
  it('asks for the customer, the first contact and the onboarding, in that order', () => {
    const view = onboardForm(
      formValuesFromInput({
        customer: {
          kind: 'new',
          name: 'Acme Corp',
          slug: 'acme',
          slugFromName: true,
          domain: 'acme.example',
          status: 'active',
        },
        contact: { kind: 'new', name: 'Dana Doe', email: 'dana@acme.example', title: '' },
        onboarding: { phase: 'review', state: 'active', targetLaunchDate: '2026-05-01', csmUserId: 'U1' },
      }),
      { mode: 'live', phases: new PhaseSequence(DEFAULT_PHASES) },
    );
    expect(outline(view.blocks)).toMatchInlineSnapshot(`
      [
        "section *Customer*",
        "actions #onboard_customer_mode [radio_buttons = New customer]",
        "input #customer_name Name: plain_text_input "Acme Corp" = Acme Corp",
        "input #customer_slug Slug (optional): plain_text_input "acme-corp" = acme",
        "input #customer_domain Domain (optional): plain_text_input "acme.com" = acme.example",
        "input #customer_status Status: static_select = Active",
        "divider",
        "section *Primary contact*",
        "context Name and email are required, unless you add the primary contact later.",
        "input #contact_name Name: plain_text_input "Jane Doe" = Dana Doe",
        "input #contact_email Email: email_text_input "jane@example.com" = dana@acme.example",
        "input #contact_title Title (optional): plain_text_input "Head of Operations"",
        "input #contact_later Later (optional): checkboxes",
        "divider",
        "section *Onboarding*",
        "input #onboarding_phase Phase: static_select = Review",
        "input #onboarding_state State: static_select = Active",
        "input #onboarding_target Target launch date (optional): datepicker "Pick a date" = 2026-05-01",
        "input #onboarding_csm CSM: users_select = U1",
      ]
    `);
  });
});

describe('the onboard form for an existing customer', () => {
  const existing = formValuesFromInput({
    customer: { kind: 'existing', id: 'cus_1', label: 'Aurora Analytics' },
    contact: { kind: 'later' },
    onboarding: { phase: 'review', state: 'active', targetLaunchDate: null, csmUserId: 'U1' },
  });
  const facts = {
    customerId: 'cus_1',
    name: 'Aurora Analytics',
    displayId: 7,
    open: { id: 'onb_1', displayId: 1, count: 2 },
    primary: { name: 'Maya Chen', email: 'maya@aurora.example' },
  };

  it('shows the open onboarding with "Move it instead" and asks for "open another"; keeps the primary contact', () => {
    const view = onboardForm(
      { ...existing, contactLater: false },
      { mode: 'live', phases: new PhaseSequence(DEFAULT_PHASES), facts },
    );
    checkLimits(view, 100);
    expect(outline(view.blocks).slice(1, 9)).toMatchInlineSnapshot(`
      [
        "actions #onboard_customer_mode [radio_buttons = Existing customer]",
        "input #customer_existing Existing customer: external_select "Type a name, slug or #number" = Aurora Analytics",
        "section #onboard_open_onboarding :warning: <https://my.pivotal.app/customers/7|Aurora Analytics> already has an open onboarding: *#1* (and 1 more). Move it instead, or tick the box below to open another one. [button "Move it instead"]",
        "input #onboard_open_another Another onboarding (optional): checkboxes",
        "divider",
        "section *Primary contact*",
        "section :bust_in_silhouette: Maya Chen · maya@aurora.example is the primary contact of this customer and is kept.",
        "input #contact_replace_primary Primary contact (optional): checkboxes",
      ]
    `);
  });

  it('draws the required contact fields once "replace" is ticked', () => {
    const view = onboardForm(
      { ...existing, contactLater: false, replacePrimary: true },
      { mode: 'live', phases: new PhaseSequence(DEFAULT_PHASES), facts },
    );
    expect(outline(view.blocks).filter((line) => line.includes('#contact_'))).toMatchInlineSnapshot(`
      [
        "input #contact_replace_primary Primary contact (optional): checkboxes",
        "input #contact_name Name: plain_text_input "Jane Doe"",
        "input #contact_email Email: email_text_input "jane@example.com"",
        "input #contact_title Title (optional): plain_text_input "Head of Operations"",
      ]
    `);
  });
});

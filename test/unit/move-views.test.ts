import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence } from '../../src/domain/phases.js';
import {
  MOVE_BLOCKS,
  MOVE_PICK_CALLBACK,
  MOVE_SUBMIT_CALLBACK,
  moveFormModal,
  movedModal,
  pickModal,
  snapshotCard,
  type MoveForm,
  type MoveSnapshot,
  type PickCandidate,
} from '../../src/features/move/move-views.js';
import { blockKitProblems, outline } from '../harness/block-kit.js';
import { visibleText } from '../harness/view-submission.js';

const phases = new PhaseSequence(DEFAULT_PHASES);
const today = new Date('2026-03-02T12:00:00.000Z');
const snapshot: MoveSnapshot = {
  shown: {
    id: 'onb_1',
    customerId: 'cus_1',
    phase: 'review',
    state: 'active',
    target: '2026-03-10',
    updatedAt: '2026-03-01T09:00:00.000Z',
  },
  displayId: 12,
  name: 'Pilot',
  finished: false,
  customer: { displayId: 245, name: 'Acme Corp', slug: 'acme' },
  owner: { kind: 'slack', userId: 'U0CSM001' },
};
const form = (over: Partial<MoveForm> = {}): MoveForm => ({
  snapshot,
  phases,
  isAdmin: false,
  mode: 'live',
  today,
  ...over,
});

type Json = Record<string, unknown>;
interface Element {
  initial_option?: { value: string };
  initial_date?: string;
  initial_value?: string;
  options?: { value: string; text: { text: string } }[];
  option_groups?: { label: { text: string }; options: { value: string }[] }[];
}
const element = (view: { blocks: unknown[] }, id: string) =>
  (view.blocks as { block_id?: string; element?: Element }[]).find((b) => b.block_id === id)?.element;
const groupsOf = (view: { blocks: unknown[] }) =>
  (element(view, MOVE_BLOCKS.phase)?.option_groups ?? []).map((g) => [g.label.text, g.options.map((o) => o.value)]);

describe('the move form', () => {
  it('shows the card, then phase, state, target date and note inputs', () => {
    const view = moveFormModal(form());
    expect(view.callback_id).toBe(MOVE_SUBMIT_CALLBACK);
    expect(outline(view.blocks)).toMatchInlineSnapshot(`
      [
        "section *<https://my.pivotal.app/customers/245|Acme Corp>* — onboarding <https://my.pivotal.app/customers/245|#12> Pilot",
        "section *Phase*
      3/7 Review  ▰▰▰▱▱▱▱ | *State*
      Active | *Target launch*
      Mar 10, 2026 · in 8 days | *Owner*
      <@U0CSM001>",
        "divider",
        "input #phase Move to phase (optional): static_select "Keep the current phase"",
        "context Skipping ahead more than one phase is for workspace admins.",
        "input #state State (optional): static_select = Active",
        "input #target Target launch date (optional): datepicker "No target" = 2026-03-10",
        "input #note Note or reason (optional): plain_text_input",
      ]
    `);
    expect(blockKitProblems('modal', view as unknown as Json)).toEqual([]);
  });

  it('offers members the next phase and the earlier ones, admins the skips too', () => {
    expect(groupsOf(moveFormModal(form()))).toEqual([
      ['Advance', ['program_buildout']],
      ['Send back (reason required)', ['program_design', 'before_getting_started']],
    ]);
    expect(groupsOf(moveFormModal(form({ isAdmin: true })))).toContainEqual([
      'Skip ahead (admins, reason required)',
      ['internal_qa', 'launch', 'completed'],
    ]);
    // Only where a skip can be picked is there the box that confirms one.
    expect(element(moveFormModal(form({ isAdmin: true })), MOVE_BLOCKS.confirm)).toMatchObject({ type: 'checkboxes' });
    expect(element(moveFormModal(form()), MOVE_BLOCKS.confirm)).toBeUndefined();
    expect(visibleText(moveFormModal(form({ isAdmin: true })).blocks)).not.toContain('for workspace admins');
  });

  it('offers every phase from a phase the workspace does not list, and no phase input when none is left', () => {
    const legacy = { ...snapshot, shown: { ...snapshot.shown, phase: 'legacy_step' } };
    expect(groupsOf(moveFormModal(form({ snapshot: legacy })))).toEqual([
      ['Move to (reason required)', DEFAULT_PHASES.map((p) => p.key)],
    ]);
    const single = new PhaseSequence([{ key: 'review', name: 'Review', archived: false }]);
    expect(element(moveFormModal(form({ phases: single })), MOVE_BLOCKS.phase)).toBeUndefined();
  });

  it('says a paused onboarding must be resumed before its phase moves, and keeps an unknown state selectable', () => {
    const odd = { ...snapshot, shown: { ...snapshot.shown, state: 'on_ice' } };
    const view = moveFormModal(form({ snapshot: odd }));
    expect(visibleText(view.blocks)).toContain('This onboarding is *on ice*: phases only move while it is active.');
    const state = element(view, MOVE_BLOCKS.state)!;
    expect(state.initial_option?.value).toBe('on_ice');
    expect(state.options!.map((o) => o.value)).toEqual(['active', 'paused', 'at_risk', 'waiting', 'on_ice']);
  });

  it('shows again what the person entered after a failed save, with the notice on top', () => {
    const view = moveFormModal(
      form({
        notice: ':warning: Pivotal moved it meanwhile.',
        entered: { toPhase: 'program_design', state: 'paused', target: '2026-04-01', text: 'x'.repeat(2500) },
      }),
    );
    expect(outline(view.blocks)[0]).toBe('section :warning: Pivotal moved it meanwhile.');
    expect(element(view, MOVE_BLOCKS.phase)!.initial_option?.value).toBe('program_design');
    expect(element(view, MOVE_BLOCKS.state)!.initial_option?.value).toBe('paused');
    expect(element(view, MOVE_BLOCKS.target)!.initial_date).toBe('2026-04-01');
    expect([...(element(view, MOVE_BLOCKS.note)!.initial_value ?? '')]).toHaveLength(2000);
  });

  it('keeps what it showed in private_metadata, for the submission to compare with Pivotal', () => {
    expect(JSON.parse(moveFormModal(form()).private_metadata!)).toEqual(snapshot);
  });

  it('carries the test-key label in a test-key workspace', () => {
    expect(outline(moveFormModal(form({ mode: 'test' })).blocks).at(-1)).toMatch(
      /^context #test_key_label \*:test_tube:/,
    );
  });
});

describe('the pick modal', () => {
  const candidate = (i: number): PickCandidate => ({
    onboardingId: `onb_${i}`,
    displayId: i,
    name: i % 2 ? `Rollout ${'long '.repeat(20)}` : null,
    customerName: i % 3 ? 'Acme Corp' : null,
    phaseName: 'Review',
    state: 'active',
  });

  it('lists at most a hundred candidates, each option within 75 characters', () => {
    const view = pickModal(
      Array.from({ length: 130 }, (_, i) => candidate(i + 1)),
      'acme <!here>',
      null,
    );
    expect(view.callback_id).toBe(MOVE_PICK_CALLBACK);
    const options = element(view, MOVE_BLOCKS.pick)!.options!;
    expect(options).toHaveLength(100);
    expect(options[5]!.text.text).toBe('#6 — Review (Active)');
    // The name is cut after a whole word; the number, phase and state stay.
    expect(options[0]!.text.text).toMatch(/^Acme Corp · #1 Rollout( long)+… — Review \(Active\)$/);
    for (const o of options) expect([...o.text.text].length).toBeLessThanOrEqual(75);
    expect(blockKitProblems('modal', view as unknown as Json)).toEqual([]);
    expect(visibleText(view.blocks)).not.toContain('<!here>');
  });

  it('keeps the number of two onboardings whose customer and name share far more than 75 characters', () => {
    const long = (i: number): PickCandidate => ({
      onboardingId: `onb_${i}`,
      displayId: 1000 + i,
      name: `${'Quarterly enablement '.repeat(5)}${i}`,
      customerName: 'Globex Corporation Worldwide Subsidiaries And Partners Limited',
      phaseName: 'A phase with a very long name that an admin typed in',
      state: 'at_risk',
    });
    const view = pickModal([long(1), long(2)], 'globex', 'test');
    const [a, b] = element(view, MOVE_BLOCKS.pick)!.options!.map((o) => o.text.text);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^Globex… · #1001 Quarterly enablement… — A phase with a very… \(At risk\)$/);
    expect(b).toContain('#1002 ');
    expect(blockKitProblems('modal', view as unknown as Json)).toEqual([]);
  });
});

describe('the saved modal', () => {
  const card = snapshotCard(snapshot, phases, 'live', today);
  const events = [
    {
      kind: 'onboarding.phase_changed' as const,
      onboardingId: 'onb_1',
      from: 'review',
      to: 'program_buildout',
      direction: 'advance' as const,
      actor: { type: 'slack' as const, userId: 'U0CSM001' },
    },
  ];

  it('says what changed and where the channel hears about it', () => {
    const view = movedModal({ card, events, channelId: 'C0NOTIFY1' });
    const lines = outline(view.blocks);
    expect(lines[0]).toMatch(/^section :white_check_mark: Saved in Pivotal\.\n.*Program buildout/);
    expect(lines.at(-1)).toBe('context The update goes to <#C0NOTIFY1>.');
  });

  it('says no channel hears about it when none is set, and how to set one', () => {
    const view = movedModal({ card, events, channelId: null });
    expect(visibleText(view.blocks)).toContain('an admin can pick one with `/pivotal channel #channel-name`');
  });
});

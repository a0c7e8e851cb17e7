import { addDays, format } from 'date-fns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { visibleText } from '../harness/view-submission.js';
import { blockKitProblems } from '../harness/block-kit.js';
import {
  datePicked,
  fastOutbox,
  lastUpdatedView,
  openMove,
  outboxDrained,
  postsAbout,
  seedOnboarding,
  seenBySync,
  select,
  submitView,
  typed,
  WORKSPACE,
} from '../harness/phase-moves.js';
import type { StoredView } from '../../sandbox/fake-slack/server.js';
import { loadPhaseSequence, savePhaseSequence } from '../../src/store/phases.js';

/** `/pivotal move` through signed requests: the move modal, its rules, the PATCH and what it records. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  fastOutbox(h);
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.pivotal.faults.clear();
});

const day = (offset: number) => format(addDays(new Date(), offset), 'yyyy-MM-dd');
const midnight = (date: string) => `${date}T00:00:00.000Z`;

type Block = {
  type: string;
  block_id?: string;
  element?: { option_groups?: Array<{ label: { text: string }; options: Array<{ value: string }> }> };
};

function phaseGroups(view: StoredView): Record<string, string[]> {
  const block = (view.view.blocks as Block[]).find((b) => b.block_id === 'phase');
  return Object.fromEntries(
    (block?.element?.option_groups ?? []).map((g) => [g.label.text, g.options.map((o) => o.value)]),
  );
}

const pivotalOnboarding = (id: string) => h.pivotal.state.get(h.orgId, 'onboardings', id)!;

async function transitions(onboardingId: string) {
  return h.app.ctx.store.db
    .selectFrom('phase_transitions')
    .selectAll()
    .where('workspace_id', '=', WORKSPACE)
    .where('onboarding_id', '=', onboardingId)
    .orderBy('occurred_at')
    .execute();
}

async function queued(onboardingId: string) {
  const rows = await h.app.ctx.store.db
    .selectFrom('outbox')
    .selectAll()
    .where('onboarding_id', '=', onboardingId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
}

describe('/pivotal move', () => {
  it('shows the onboarding as Pivotal has it and advances it with an optional note', async () => {
    const { customer, onboarding } = await seedOnboarding(h, {
      onboarding: { target_launch_date: midnight(day(12)), csm_id: 'user_csm_001' },
    });
    const form = await openMove(h, customer.name);
    expect(h.slack.callsTo('views.open').at(-1)!.args.trigger_id).toBeTruthy();
    expect(form.view.callback_id).toBe('move_submit');
    const text = visibleText(form.view.blocks);
    expect(text).toContain(customer.name);
    expect(text).toContain('3/7 Review');
    expect(text).toContain('Active');
    expect(text).toContain('in 12 days');
    expect(text).toContain('user_csm_001');
    expect(phaseGroups(form)).toEqual({
      Advance: ['program_buildout'],
      'Send back (reason required)': ['program_design', 'before_getting_started'],
    });

    const { answer, view } = await submitView(h, form, {
      phase: select('program_buildout'),
      note: typed('Design signed off <!channel>'),
    });
    expect(answer?.response_action).toBe('update');
    expect(visibleText(view.view.blocks)).toContain('Saved in Pivotal');
    expect(visibleText(view.view.blocks)).toContain('The update goes to <#C0NOTIFY1>');
    expect(pivotalOnboarding(onboarding.id).phase).toBe('program_buildout');

    const [row] = await transitions(onboarding.id);
    expect(row).toMatchObject({
      kind: 'advance',
      from_value: 'review',
      to_value: 'program_buildout',
      note: 'Design signed off <!channel>',
      reason: null,
      actor_slack_user_id: CSM.id,
    });
    expect(await queued(onboarding.id)).toEqual([
      expect.objectContaining({
        kind: 'onboarding.phase_changed',
        from: 'review',
        to: 'program_buildout',
        direction: 'advance',
        note: 'Design signed off <!channel>',
        actor: { type: 'slack', userId: CSM.id },
      }),
    ]);
    const stored = await h.app.ctx.store.db
      .selectFrom('rm_onboardings')
      .select('phase')
      .where('id', '=', onboarding.id)
      .executeTakeFirstOrThrow();
    expect(stored.phase).toBe('program_buildout');
  });

  it('refuses to send back without a reason, next to the field, and accepts it with one', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    const refused = await submitView(h, form, { phase: select('program_design') });
    expect(refused.answer).toEqual({
      response_action: 'errors',
      errors: { note: expect.stringContaining('A reason is required for sending an onboarding back') },
    });
    expect(pivotalOnboarding(onboarding.id).phase).toBe('review');

    const saved = await submitView(h, form, {
      phase: select('program_design'),
      note: typed('Customer changed the scope'),
    });
    expect(saved.answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id).phase).toBe('program_design');
    expect(await transitions(onboarding.id)).toEqual([
      expect.objectContaining({ kind: 'back', reason: 'Customer changed the scope', note: null }),
    ]);
    expect((await queued(onboarding.id))[0]).toMatchObject({ direction: 'back', reason: 'Customer changed the scope' });
  });

  it('lets only admins skip ahead', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    const csmForm = await openMove(h, customer.name, CSM);
    expect(phaseGroups(csmForm)['Skip ahead (admins only)']).toBeUndefined();
    expect(visibleText(csmForm.view.blocks)).toContain('Skipping ahead more than one phase is for workspace admins.');
    // A skip sent anyway (an old modal, a crafted payload) is refused on the server too.
    const refused = await submitView(h, csmForm, { phase: select('launch') }, CSM);
    expect(refused.answer).toEqual({
      response_action: 'errors',
      errors: { phase: expect.stringContaining('Only a workspace admin can skip ahead to Launch') },
    });
    expect(pivotalOnboarding(onboarding.id).phase).toBe('review');

    const adminForm = await openMove(h, customer.name, ADMIN);
    expect(phaseGroups(adminForm)['Skip ahead (admins, reason required)']).toEqual([
      'internal_qa',
      'launch',
      'completed',
    ]);
    // Like sending back, a skip needs a reason; it also needs its own confirmation.
    const bare = await submitView(h, adminForm, { phase: select('launch') }, ADMIN);
    expect(bare.answer).toEqual({
      response_action: 'errors',
      errors: {
        note: expect.stringContaining('A reason is required for skipping ahead to Launch'),
        confirm:
          'Skipping from Review to Launch passes over Program buildout, Internal QA. Tick "Yes, skip ahead" to confirm.',
      },
    });
    const unconfirmed = await submitView(
      h,
      adminForm,
      { phase: select('launch'), note: typed('Pilot already live') },
      ADMIN,
    );
    expect(unconfirmed.answer).toEqual({ response_action: 'errors', errors: { confirm: expect.any(String) } });
    expect(pivotalOnboarding(onboarding.id).phase).toBe('review');

    const saved = await submitView(
      h,
      adminForm,
      {
        phase: select('launch'),
        note: typed('Pilot already live'),
        confirm: { value: { type: 'checkboxes', selected_options: [{ value: 'skip' }] } },
      },
      ADMIN,
    );
    expect(saved.answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id).phase).toBe('launch');
    expect(await transitions(onboarding.id)).toEqual([
      expect.objectContaining({ kind: 'skip', actor_slack_user_id: ADMIN.id, reason: 'Pilot already live' }),
    ]);
    // The thread reply says who skipped what, past which phases, and why.
    await outboxDrained(h);
    const reply = postsAbout(h, onboarding.id)
      .replies.map((m) => visibleText(m.blocks))
      .join('\n');
    expect(reply).toContain(`<@${ADMIN.id}> skipped ahead: *Review* → *Launch*, past Program buildout, Internal QA`);
    expect(reply).toContain('Pilot already live');
  });

  it('refuses a phase move while paused, says how to resume, and moves once resumed', async () => {
    const { customer, onboarding } = await seedOnboarding(h, { onboarding: { state: 'paused' } });
    const form = await openMove(h, customer.name);
    expect(visibleText(form.view.blocks)).toContain('This onboarding is *paused*: phases only move while it is active');
    const refused = await submitView(h, form, { phase: select('program_buildout') });
    expect(refused.answer).toEqual({
      response_action: 'errors',
      errors: { phase: expect.stringMatching(/paused: phases only move while it is active\. Resume it first/) },
    });
    expect(h.pivotal.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(onboarding.id))).toHaveLength(0);

    const resumed = await submitView(h, form, { state: select('active') });
    expect(resumed.answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id).state).toBe('active');
    const again = await openMove(h, customer.name);
    expect((await submitView(h, again, { phase: select('program_buildout') })).answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id)).toMatchObject({ phase: 'program_buildout', state: 'active' });
    expect((await transitions(onboarding.id)).map((t) => t.kind)).toEqual(['state', 'advance']);
  });

  it('wants a reason when the target launch moves more than 7 days later', async () => {
    const { customer, onboarding } = await seedOnboarding(h, { onboarding: { target_launch_date: midnight(day(20)) } });
    const form = await openMove(h, customer.name);
    const refused = await submitView(h, form, { target: datePicked(day(30)) });
    expect(refused.answer).toEqual({
      response_action: 'errors',
      errors: { note: expect.stringContaining('moving the target launch 10 days later (more than 7)') },
    });

    const saved = await submitView(h, form, { target: datePicked(day(30)), note: typed('Waiting on SSO credentials') });
    expect(saved.answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id).target_launch_date).toBe(midnight(day(30)));
    expect(await transitions(onboarding.id)).toEqual([
      expect.objectContaining({
        kind: 'target',
        from_value: day(20),
        to_value: day(30),
        reason: 'Waiting on SSO credentials',
      }),
    ]);

    // Earlier, or later by a week or less, needs no reason.
    const next = await openMove(h, customer.name);
    expect((await submitView(h, next, { target: datePicked(day(37)) })).answer?.response_action).toBe('update');
  });

  it('says when nothing would change', async () => {
    const { customer } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    const { answer } = await submitView(h, form, { state: select('active') });
    expect(answer).toEqual({
      response_action: 'errors',
      errors: { phase: 'Nothing to save: pick a phase, a state or a new target launch date.' },
    });
  });

  it('does not overwrite an onboarding that moved in Pivotal since the modal opened, and shows it fresh', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    h.pivotal.state.updateOnboarding(h.orgId, onboarding.id, { phase: 'internal_qa' });

    const { answer, view } = await submitView(h, form, {
      phase: select('program_buildout'),
      note: typed('keep this note'),
    });
    expect(answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id).phase).toBe('internal_qa');
    expect(h.pivotal.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(onboarding.id))).toHaveLength(0);
    const text = visibleText(view.view.blocks);
    expect(text).toContain(
      'changed in Pivotal after you opened this (phase *Review* → *Internal QA*), so nothing was saved',
    );
    expect(text).toContain('5/7 Internal QA');
    expect(JSON.stringify(view.view.blocks)).toContain('"initial_value":"keep this note"');
    expect(phaseGroups(view)).toMatchObject({ Advance: ['launch'] });
    // The outside change is announced, attributed to Pivotal, like the sync would.
    expect(await queued(onboarding.id)).toEqual([
      expect.objectContaining({
        kind: 'onboarding.phase_changed',
        from: 'review',
        to: 'internal_qa',
        direction: 'external',
        actor: { type: 'pivotal' },
      }),
    ]);
    expect(await transitions(onboarding.id)).toEqual([]);

    // The refreshed form saves from where Pivotal is now.
    const saved = await submitView(h, view, { phase: select('launch') });
    expect(saved.answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id).phase).toBe('launch');
  });

  it('shows and moves an onboarding in a phase the workspace does not know', async () => {
    const org = h.pivotal.state.org(h.orgId);
    org.extraPhases.push('integration');
    const { customer, onboarding } = await seedOnboarding(h, { onboarding: { phase: 'integration' } });
    const form = await openMove(h, customer.name);
    const text = visibleText(form.view.blocks);
    expect(text).toContain("Integration _(not in this workspace's phase list)_");
    expect(phaseGroups(form)['Move to (reason required)']).toContain('review');

    const refused = await submitView(h, form, { phase: select('review') });
    expect(refused.answer?.errors?.note).toContain("not in this workspace's phase list");
    const saved = await submitView(h, form, { phase: select('review'), note: typed('Back on the standard track') });
    expect(saved.answer?.response_action).toBe('update');
    expect(pivotalOnboarding(onboarding.id).phase).toBe('review');
    expect(await transitions(onboarding.id)).toEqual([
      expect.objectContaining({ kind: 'set', from_value: 'integration', to_value: 'review' }),
    ]);
  });

  it('asks which onboarding first when a customer has several open ones', async () => {
    const { customer, onboarding: first } = await seedOnboarding(h);
    const second = h.pivotal.state.createOnboarding(h.orgId, {
      customer_id: customer.id,
      name: 'Second site',
      phase: 'launch',
    });
    const finished = h.pivotal.state.createOnboarding(h.orgId, {
      customer_id: customer.id,
      phase: 'completed',
      state: 'done',
    });
    await seenBySync(h, { onboarding: second });
    await seenBySync(h, { onboarding: finished });

    const picker = await openMove(h, customer.name);
    expect(picker.view.callback_id).toBe('move_pick');
    const options = JSON.stringify(picker.view.blocks);
    expect(options).toContain(first.id);
    expect(options).toContain(second.id);
    expect(options).not.toContain(finished.id);
    expect(visibleText(picker.view.blocks)).toContain('Second site — Launch (Active)');

    const { view } = await submitView(h, picker, { pick: select(second.id) });
    expect(view.view.callback_id).toBe('move_submit');
    expect(visibleText(view.view.blocks)).toContain('6/7 Launch');
  });

  it('tells long look-alike onboardings apart in the picker, cut after a whole word with an ellipsis', async () => {
    const shared = 'Enterprise rollout of the full onboarding programme for every regional office';
    const { customer, onboarding: first } = await seedOnboarding(h, {
      customer: { name: `Northwind Traders International Holdings ${Math.random().toString(36).slice(2, 7)}` },
      onboarding: { name: `${shared} in Europe` },
    });
    const second = h.pivotal.state.createOnboarding(h.orgId, {
      customer_id: customer.id,
      name: `${shared} in Asia`,
      phase: 'review',
    });
    await seenBySync(h, { onboarding: second });

    const picker = await openMove(h, customer.name);
    expect(blockKitProblems('modal', picker.view as unknown as Record<string, unknown>)).toEqual([]);
    const pick = picker.view.blocks.find((b) => b.block_id === 'pick') as {
      element: { options: Array<{ text: { text: string }; value: string }> };
    };
    const label = (id: string) => pick.element.options.find((o) => o.value === id)!.text.text;
    for (const [onboarding, other] of [
      [first, second],
      [second, first],
    ] as const) {
      const text = label(onboarding.id);
      expect([...text].length).toBeLessThanOrEqual(75);
      expect(text).toContain(`#${onboarding.display_id} `);
      expect(text).not.toContain(`#${other.display_id} `);
      expect(text).toMatch(/^Northwind Traders.*· #\d+ Enterprise .*[a-z]… — Review \(Active\)$/);
      // Every cut ends after a whole word of the original.
      for (const cut of text.match(/(\S+)…/g)!) {
        const word = cut.slice(0, -1);
        expect(`${customer.name} ${shared}`.split(' ')).toContain(word);
      }
    }
    expect(label(first.id)).not.toBe(label(second.id));
  });

  it('finds an onboarding by its number, also when only Pivotal knows it yet', async () => {
    const customer = h.pivotal.state.createCustomer(h.orgId, { name: 'Not Synced Yet Inc' });
    const onboarding = h.pivotal.state.createOnboarding(h.orgId, { customer_id: customer.id });
    const form = await openMove(h, `${onboarding.id}`);
    expect(form.view.callback_id).toBe('move_submit');
    expect(visibleText(form.view.blocks)).toContain('Not Synced Yet Inc');
  });

  it('says plainly when nothing matches, and how to ask', async () => {
    const view = await openMove(h, 'Nobody By This Name');
    expect(visibleText(view.view.blocks)).toContain('No customer or onboarding matches *Nobody By This Name*');
    const bare = await h.command('move');
    expect((bare.json as { text: string }).text).toContain('Which onboarding?');
  });

  it('opens from a "Move phase" button on a channel post, and stacks on top of a modal', async () => {
    const { onboarding } = await seedOnboarding(h);
    const opens = h.slack.callsTo('views.open').length;
    await h.action(
      { action_id: 'move_open', value: onboarding.id },
      { kind: 'message', channelId: 'C0NOTIFY1', messageTs: '1.000001', responseUrl: h.slack.responseUrl() },
    );
    await h.idle();
    expect(h.slack.callsTo('views.open')).toHaveLength(opens + 1);
    expect(lastUpdatedView(h).view.callback_id).toBe('move_submit');

    const pushes = h.slack.callsTo('views.push').length;
    await h.action(
      { action_id: 'move_open', value: onboarding.id },
      { kind: 'view', view: { id: 'VCUSTOMERCARD', type: 'modal' } },
    );
    await h.idle();
    expect(h.slack.callsTo('views.push')).toHaveLength(pushes + 1);
    expect(lastUpdatedView(h).view.callback_id).toBe('move_submit');
  });

  it('keeps everything entered when Pivotal refuses the save', async () => {
    // A phase added to the workspace's list that this Pivotal org does not accept: Pivotal answers 400.
    const phases = await loadPhaseSequence(h.app.ctx.store.db, WORKSPACE);
    await savePhaseSequence(h.app.ctx.store.db, WORKSPACE, [
      ...phases.all.slice(0, 3),
      { key: 'security_review', name: 'Security review', archived: false },
      ...phases.all.slice(3),
    ]);
    try {
      const { customer, onboarding } = await seedOnboarding(h);
      const form = await openMove(h, customer.name);
      expect(phaseGroups(form).Advance).toEqual(['security_review']);
      const { answer, view } = await submitView(h, form, {
        phase: select('security_review'),
        note: typed('Security questionnaire sent'),
      });
      expect(answer?.response_action).toBe('update');
      const text = visibleText(view.view.blocks);
      expect(text).toContain('Nothing was saved. Pivotal rejected the request (field `phase`)');
      expect(JSON.stringify(view.view.blocks)).toContain('"initial_value":"Security questionnaire sent"');
      expect(JSON.stringify(view.view.blocks)).toContain(
        '"initial_option":{"text":{"type":"plain_text","text":"Security review","emoji":true},"value":"security_review"}',
      );
      expect(pivotalOnboarding(onboarding.id).phase).toBe('review');
      expect(await transitions(onboarding.id)).toEqual([]);
    } finally {
      await savePhaseSequence(h.app.ctx.store.db, WORKSPACE, phases.all);
    }
  });

  it('says what went wrong when Pivotal cannot be reached, and when the form is from an older app', async () => {
    const { customer } = await seedOnboarding(h);
    h.pivotal.faults.failNext(3, 500);
    const failed = await openMove(h, customer.name);
    expect(visibleText(failed.view.blocks)).toContain('Pivotal had an internal error. Try again in a moment');

    const form = await openMove(h, customer.name);
    const old = { ...form, view: { ...form.view, private_metadata: '{"o":"legacy"}' } };
    const { answer } = await submitView(h, old, { phase: select('program_buildout') });
    expect(answer?.response_action).toBe('update');
    expect(visibleText(answer?.view?.blocks)).toContain('This form is from an older version of the app');
  });

  it('tells a workspace without a Pivotal key how to connect', async () => {
    const bare = await startHarness({ bootstrapKey: false });
    try {
      const view = await openMove(bare, 'Acme');
      expect(visibleText(view.view.blocks)).toContain(
        'This workspace is not connected to Pivotal yet. A workspace admin must run `/pivotal connect` first',
      );
    } finally {
      await bare.close();
    }
  });
});

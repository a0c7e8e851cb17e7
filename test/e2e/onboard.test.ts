import type { ModalView } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, type Harness } from '../harness/app-harness.js';
import { FILLED, daysFromNow, openOnboard, submitView } from '../harness/onboard-flow.js';
import { blockIds, currentView, echoView, visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';
import { setUserMapping } from '../../src/store/user-mappings.js';

describe('/pivotal onboard, the happy path', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens the modal pre-filled from the command text, before any Pivotal request', async () => {
    const pivotalBefore = h.pivotal.requests.length;
    const viewId = await openOnboard(h, 'Acme &amp; Sons');
    const view = currentView(h.slack, viewId).view;
    expect(view.callback_id).toBe('onboard');
    const blocks = view.blocks as Array<{ block_id?: string; element?: Record<string, unknown> }>;
    const element = (id: string) => blocks.find((b) => b.block_id === id)?.element;
    expect(element('customer_name')?.initial_value).toBe('Acme & Sons');
    expect(element('customer_slug')?.initial_value).toBe('acme-sons');
    expect(element('onboarding_phase')?.initial_option).toMatchObject({ value: 'before_getting_started' });
    expect(element('onboarding_csm')?.initial_user).toBe(CSM.id);
    expect(blockIds(currentView(h.slack, viewId))).not.toContain('test_key_label');
    await h.idle();
    // Nothing local matched "Acme & Sons", so Pivotal was asked only after the modal was open.
    const open = h.slack.callsTo('views.open').at(-1)!;
    const after = h.pivotal.requests.slice(pivotalBefore);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) expect(r.at.getTime()).toBeGreaterThanOrEqual(open.at);
  });

  it('creates exactly one customer, primary contact and onboarding, shows the result and sends a DM', async () => {
    const viewId = await openOnboard(h, 'Acme Corp');
    const target = daysFromNow(30);
    const ack = await submitView(h, viewId, { ...FILLED, onboarding_target: target });
    expect(ack.response_action).toBe('update');
    expect(visibleText(ack.view?.blocks)).toContain('Working on it');
    await h.idle();

    const customers = h.pivotal.state.list(h.orgId, 'customers');
    expect(customers).toHaveLength(1);
    const customer = customers[0]!;
    // A new customer starts as `onboarding`, the status the documents give a customer being onboarded.
    expect(customer).toMatchObject({
      name: 'Acme Corp',
      slug: 'acme-corp',
      domain: 'acme.example',
      status: 'onboarding',
    });
    expect(customer.metadata).toEqual({ source: 'slack', slack_team_id: 'T0TEAM01', slack_user_id: CSM.id });

    const contacts = h.pivotal.state.list(h.orgId, 'contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      customer_id: customer.id,
      name: 'Jane Doe',
      email: 'jane@acme.example',
      title: 'CTO',
      is_primary: true,
    });
    expect(contacts[0]!.metadata).toMatchObject({ source: 'slack', slack_user_id: CSM.id });

    const onboardings = h.pivotal.state.list(h.orgId, 'onboardings');
    expect(onboardings).toHaveLength(1);
    expect(onboardings[0]).toMatchObject({
      customer_id: customer.id,
      phase: 'program_design',
      state: 'active',
      csm_id: null,
    });
    expect(onboardings[0]!.target_launch_date?.slice(0, 10)).toBe(target);
    // No Pivotal user is mapped to the CSM: csm_id stays unset and the Slack user is in the metadata.
    expect(onboardings[0]!.metadata).toMatchObject({
      source: 'slack',
      slack_user_id: CSM.id,
      slack_csm_user_id: CSM.id,
    });

    // Every create carried an idempotency key derived from the view and the step.
    const posts = h.pivotal.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.idempotencyKey?.split(':').slice(0, 3).join(':'))).toEqual([
      `onboard:${viewId}:customer`,
      `onboard:${viewId}:contact`,
      `onboard:${viewId}:onboarding`,
    ]);

    const result = currentView(h.slack, viewId).view;
    const text = visibleText(result.blocks);
    expect((result.title as { text: string }).text).toBe('Onboarding opened');
    expect(text).toContain(`https://my.pivotal.app/customers/${customer.display_id}`);
    expect(text).toContain('Jane Doe, CTO · jane@acme.example');
    expect(text).toContain(`Onboarding #${onboardings[0]!.display_id} · Program design · Active`);
    expect(text).toContain('in 30 days');
    expect(text).toContain('No Pivotal user is mapped');

    const dm = h.slack.messages.filter((m) => m.channel === CSM.id);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.text).toContain('opened for Acme Corp');

    // The read model has it at once, and the channel post is queued with it.
    const db = h.app.ctx.store.db;
    expect(
      await db
        .selectFrom('rm_customers')
        .select(['name', 'primary_contact_email'])
        .where('id', '=', customer.id)
        .executeTakeFirst(),
    ).toEqual({
      name: 'Acme Corp',
      primary_contact_email: 'jane@acme.example',
    });
    expect(
      await db.selectFrom('rm_onboardings').select('phase').where('id', '=', onboardings[0]!.id).executeTakeFirst(),
    ).toEqual({ phase: 'program_design' });
    const outbox = await db.selectFrom('outbox').select(['kind', 'onboarding_id', 'payload']).execute();
    expect(outbox).toEqual([
      {
        kind: 'onboarding.opened',
        onboarding_id: onboardings[0]!.id,
        payload: expect.stringContaining(CSM.id) as unknown,
      },
    ]);
    // The outbox's dispatcher turns it into the activity post in the notification channel.
    const post = await waitFor(() => h.slack.messages.find((m) => m.channel === NOTIFY_CHANNEL && !m.thread_ts), {
      what: 'the activity post',
    });
    expect(post.text).toContain('Acme Corp');
  });
});

describe('/pivotal onboard: CSM mapping, existing customers, contact later', () => {
  let h: Harness;
  beforeAll(async () => {
    // The channel posts are checked above; here they would only add their one-a-second pacing.
    h = await startHarness({ env: { PIVOTAL_NOTIFY_CHANNEL: '' } });
    const viewId = await openOnboard(h, 'Acme Corp');
    await submitView(h, viewId, FILLED);
    await h.idle();
  });
  afterAll(async () => {
    await h.close();
  });

  it('sets csm_id from the Slack → Pivotal user mapping, for the CSM picked in the form', async () => {
    await setUserMapping(h.app.ctx.store.db, 'T0TEAM01', ADMIN.id, 'user_csm_042', new Date().toISOString());
    const viewId = await openOnboard(h, 'Birch Bakery');
    await submitView(h, viewId, { ...FILLED, contact_email: 'omar@birch.example', onboarding_csm: ADMIN.id });
    await h.idle();
    const onboarding = h.pivotal.state
      .list(h.orgId, 'onboardings')
      .find((o) => o.metadata?.slack_csm_user_id === ADMIN.id);
    expect(onboarding?.csm_id).toBe('user_csm_042');
    expect(visibleText(currentView(h.slack, viewId).view.blocks)).not.toContain('No Pivotal user is mapped');
  });

  it('warns of the open onboarding and the primary contact; creates a second one only when asked, replacing the primary when asked', async () => {
    const customersBefore = h.pivotal.state.count(h.orgId, 'customers');
    const existing = h.pivotal.state.list(h.orgId, 'customers').find((c) => c.name === 'Acme Corp')!;
    const open = h.pivotal.state.list(h.orgId, 'onboardings').find((o) => o.customer_id === existing.id)!;
    const onboardingsBefore = h.pivotal.state.count(h.orgId, 'onboardings');
    // The command names it exactly, so the modal opens on "Existing customer" with it picked.
    const viewId = await openOnboard(h, 'acme corp');
    const view = currentView(h.slack, viewId).view;
    const blocks = view.blocks as Array<{
      block_id?: string;
      element?: { initial_option?: { value: string } };
      accessory?: { action_id: string; value: string; text: { text: string } };
    }>;
    expect(blocks.find((b) => b.block_id === 'customer_existing')?.element?.initial_option?.value).toBe(existing.id);
    const text = visibleText(view.blocks);
    expect(text).toContain(`already has an open onboarding: *#${open.display_id}*`);
    expect(text).toContain(`https://my.pivotal.app/customers/${existing.display_id}`);
    expect(text).toContain('Jane Doe · jane@acme.example is the primary contact of this customer and is kept.');
    expect(blockIds(currentView(h.slack, viewId))).not.toContain('contact_name');
    const moveInstead = blocks.find((b) => b.block_id === 'onboard_open_onboarding')!.accessory!;
    expect(moveInstead).toMatchObject({ action_id: 'move_open', value: open.id, text: { text: 'Move it instead' } });

    // "Open another" not ticked: nothing is created, and the box says why.
    const refused = await submitView(h, viewId);
    expect(refused).toEqual({
      response_action: 'errors',
      errors: {
        onboard_open_another: `Acme Corp already has open onboarding #${open.display_id}. Tick "Open another onboarding" to start a second one, or move #${open.display_id} instead.`,
      },
    });
    await h.idle();
    expect(h.pivotal.state.count(h.orgId, 'onboardings')).toBe(onboardingsBefore);

    // "Replace it" redraws the form with the contact fields, now required.
    await h.action(
      {
        action_id: 'contact_replace_primary',
        block_id: 'contact_replace_primary',
        type: 'checkboxes',
      },
      { kind: 'view', view: echoView(currentView(h.slack, viewId), { contact_replace_primary: ['replace'] }) },
    );
    await h.idle();
    expect(blockIds(currentView(h.slack, viewId))).toContain('contact_name');
    await submitView(h, viewId, {
      contact_name: 'Sam Lee',
      contact_email: 'sam@acme.example',
      onboard_open_another: ['another'],
    });
    await h.idle();
    expect(h.pivotal.state.count(h.orgId, 'customers')).toBe(customersBefore);
    expect(h.pivotal.state.count(h.orgId, 'onboardings')).toBe(onboardingsBefore + 1);
    const contacts = h.pivotal.state.list(h.orgId, 'contacts').filter((c) => c.customer_id === existing.id);
    expect(contacts.map((c) => [c.name, c.is_primary])).toEqual([
      ['Sam Lee', true],
      ['Jane Doe', false],
    ]);
    const result = visibleText(currentView(h.slack, viewId).view.blocks);
    expect(result).toContain('existing');
    expect(result).toContain('replaces Jane Doe as primary');

    // "Move it instead" opens the move modal on top, for the open onboarding.
    const pushes = h.slack.callsTo('views.push').length;
    await h.action(
      { action_id: 'move_open', block_id: 'onboard_open_onboarding', value: open.id },
      { kind: 'view', view: echoView(currentView(h.slack, viewId)) },
    );
    await h.idle();
    expect(h.slack.callsTo('views.push').length).toBe(pushes + 1);
  });

  it('a customer picked through the picker: shows what it has before anything is created, and keeps its primary contact', async () => {
    const existing = h.pivotal.state.list(h.orgId, 'customers').find((c) => c.name === 'Acme Corp')!;
    const customersBefore = h.pivotal.state.count(h.orgId, 'customers');
    const contactsBefore = h.pivotal.state.count(h.orgId, 'contacts');
    const onboardingsBefore = h.pivotal.state.count(h.orgId, 'onboardings');
    const viewId = await openOnboard(h, '');
    const mode = { action_id: 'onboard_customer_mode', block_id: 'onboard_customer_mode', type: 'radio_buttons' };
    await h.action(
      { ...mode, selected_option: { text: { type: 'plain_text', text: 'Existing customer' }, value: 'existing' } },
      { kind: 'view', view: echoView(currentView(h.slack, viewId)) },
    );
    await h.idle();
    const res = await h.suggest({
      action_id: 'customer_pick',
      block_id: 'customer_existing',
      value: 'acme',
      view: echoView(currentView(h.slack, viewId)),
    });
    const options = (res.json as { options: Array<{ text: { text: string }; value: string }> }).options;
    expect(options.map((o) => o.value)).toEqual([existing.id]);
    const picked = { customer_existing: { value: options[0]!.value, text: options[0]!.text.text } };
    // Submitted before the form could show the customer's facts: it is shown again with them, nothing created.
    const shown = await submitView(h, viewId, picked);
    expect(shown.response_action).toBe('update');
    const again = visibleText(shown.view?.blocks);
    expect(again).toContain('Look again before onboarding Acme Corp');
    expect(again).toContain('already has an open onboarding');
    expect(again).toContain('Sam Lee · sam@acme.example is the primary contact of this customer and is kept.');
    await h.idle();
    expect(h.pivotal.state.count(h.orgId, 'onboardings')).toBe(onboardingsBefore);
    h.slack.putView(shown.view as ModalView, viewId);

    await submitView(h, viewId, { ...picked, onboard_open_another: ['another'] });
    await h.idle();
    expect(h.pivotal.state.count(h.orgId, 'customers')).toBe(customersBefore);
    expect(h.pivotal.state.count(h.orgId, 'contacts')).toBe(contactsBefore);
    expect(h.pivotal.state.count(h.orgId, 'onboardings')).toBe(onboardingsBefore + 1);
    const receipt = visibleText(currentView(h.slack, viewId).view.blocks);
    expect(receipt).toMatch(/Customer .*Acme Corp.* — existing/);
    expect(receipt).toContain('Primary contact Sam Lee · sam@acme.example — kept');
    expect(receipt).not.toContain('to add later');
  });

  it('leaves the contact for later when the person says so', async () => {
    const contactsBefore = h.pivotal.state.count(h.orgId, 'contacts');
    const viewId = await openOnboard(h, 'Cobalt Logistics');
    await submitView(h, viewId, { contact_later: ['later'] });
    await h.idle();
    expect(h.pivotal.state.count(h.orgId, 'contacts')).toBe(contactsBefore);
    expect(h.pivotal.state.list(h.orgId, 'onboardings').some((o) => o.metadata?.slack_user_id === CSM.id)).toBe(true);
    expect(visibleText(currentView(h.slack, viewId).view.blocks)).toContain('Primary contact — to add later');
  });
});

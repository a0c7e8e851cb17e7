import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PHASES } from '../../src/domain/phases.js';
import { savePhaseSequence } from '../../src/store/phases.js';
import { ADMIN, CSM, TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { FILLED, daysFromNow, openOnboard, submitView } from '../harness/onboard-flow.js';
import { currentView, echoView, visibleText, type Answer } from '../harness/view-submission.js';

type Block = {
  block_id?: string;
  type: string;
  element?: Record<string, unknown>;
  accessory?: { action_id: string; value: string };
};
const blocksOf = (h: Harness, viewId: string) => currentView(h.slack, viewId).view.blocks as Block[];
const elementOf = (h: Harness, viewId: string, blockId: string) =>
  blocksOf(h, viewId).find((b) => b.block_id === blockId)?.element;
const errorLine = (h: Harness, viewId: string, blockId: string) =>
  visibleText(blocksOf(h, viewId).find((b) => b.block_id === `${blockId}__error`));

describe('/pivotal onboard: every bad input gets its message, nothing is lost', () => {
  let h: Harness;
  beforeAll(async () => {
    // Channel posts (paced at one a second) are not what this file is about; onboard.test.ts checks them.
    h = await startHarness({ simulator: { rateLimit: { live: 600 } }, env: { PIVOTAL_NOTIFY_CHANNEL: '' } });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.pivotal.faults.clear();
  });

  const posts = () => h.pivotal.requests.filter((r) => r.method === 'POST').length;

  it.each<[string, Record<string, Answer>, string, RegExp]>([
    ['no customer name', { customer_name: null, customer_slug: null }, 'customer_name', /Enter the customer's name/],
    [
      'a slug with capitals and spaces',
      { customer_slug: 'Acme Corp' },
      'customer_slug',
      /lower-case letters, digits and single dashes/,
    ],
    [
      'a name no slug can be made from',
      { customer_name: '東京', customer_slug: null },
      'customer_slug',
      /No slug can be made/,
    ],
    [
      'a domain that is no hostname',
      { customer_domain: 'acme corp/home' },
      'customer_domain',
      /hostname such as acme.com/,
    ],
    [
      'a contact without name, and "later" not ticked',
      { contact_name: null },
      'contact_name',
      /Enter the contact's name, or tick "Add the primary contact later"/,
    ],
    ['a contact without email', { contact_email: null }, 'contact_email', /Enter the contact's email address/],
    ['an email that is not one', { contact_email: 'jane.acme.example' }, 'contact_email', /not an email address/],
    ['"later" ticked with contact details', { contact_later: ['later'] }, 'contact_later', /clear them, or untick/],
    ['a target launch date in the past', { onboarding_target: daysFromNow(-3) }, 'onboarding_target', /in the past/],
    ['no CSM', { onboarding_csm: null }, 'onboarding_csm', /Pick the CSM/],
  ])(
    'answers %s with response_action errors on that field, before any request',
    async (_what, answers, block, message) => {
      const before = posts();
      const viewId = await openOnboard(h, 'Initech');
      const ack = await submitView(h, viewId, { ...FILLED, ...answers });
      expect(ack.response_action).toBe('errors');
      expect(Object.keys(ack.errors ?? {})).toEqual([block]);
      expect(ack.errors?.[block]).toMatch(message);
      expect(posts()).toBe(before);
    },
  );

  it('switches to an existing customer keeping what was typed, and asks for the pick', async () => {
    const viewId = await openOnboard(h, 'Initech');
    const echoed = echoView(currentView(h.slack, viewId), { ...FILLED, onboarding_state: 'paused' });
    const res = await h.action(
      {
        action_id: 'onboard_customer_mode',
        block_id: 'onboard_customer_mode',
        type: 'radio_buttons',
        selected_option: { text: { type: 'plain_text', text: 'Existing customer' }, value: 'existing' },
      },
      { kind: 'view', view: echoed },
    );
    expect(res.status).toBe(200);
    await h.idle();
    expect(elementOf(h, viewId, 'customer_name')).toBeUndefined();
    expect(elementOf(h, viewId, 'customer_existing')?.type).toBe('external_select');
    expect(elementOf(h, viewId, 'contact_name')?.initial_value).toBe('Jane Doe');
    expect(elementOf(h, viewId, 'onboarding_state')?.initial_option).toMatchObject({ value: 'paused' });
    const ack = await submitView(h, viewId);
    expect(ack.errors).toEqual({ customer_existing: expect.stringContaining('Pick the existing customer') as unknown });

    // And back: the new-customer fields return as they were typed.
    await h.action(
      {
        action_id: 'onboard_customer_mode',
        block_id: 'onboard_customer_mode',
        type: 'radio_buttons',
        selected_option: { text: { type: 'plain_text', text: 'New customer' }, value: 'new' },
      },
      { kind: 'view', view: echoView(currentView(h.slack, viewId)) },
    );
    await h.idle();
    expect(elementOf(h, viewId, 'customer_name')?.initial_value).toBe('Initech');
    expect(elementOf(h, viewId, 'customer_domain')?.initial_value).toBe('acme.example');
    expect(elementOf(h, viewId, 'contact_name')?.initial_value).toBe('Jane Doe');
  });

  it('normalises a pasted URL into the domain', async () => {
    const viewId = await openOnboard(h, 'Umbrella');
    await submitView(h, viewId, {
      ...FILLED,
      customer_domain: 'https://Umbrella.example/',
      contact_email: 'u@umbrella.example',
    });
    await h.idle();
    expect(h.pivotal.state.list(h.orgId, 'customers').find((c) => c.name === 'Umbrella')?.domain).toBe(
      'umbrella.example',
    );
  });

  it('slug_taken: back to the form with the slug marked, a free slug offered, everything kept; then done', async () => {
    const viewId = await openOnboard(h, 'Globex');
    await h.idle();
    // Made "in the Pivotal UI" while the modal is open: the read model does not know them, only Pivotal can refuse.
    h.pivotal.state.createCustomer(h.orgId, { name: 'Globex (old)', slug: 'globex' });
    h.pivotal.state.createCustomer(h.orgId, { name: 'Globex 2', slug: 'globex-2' });
    const target = daysFromNow(10);
    await submitView(h, viewId, {
      ...FILLED,
      contact_email: 'jane@globex.example',
      onboarding_target: target,
      onboarding_state: 'waiting',
    });
    await h.idle();

    expect(currentView(h.slack, viewId).view.callback_id).toBe('onboard');
    expect(errorLine(h, viewId, 'customer_slug')).toContain(
      'globex is already the slug of another customer in Pivotal',
    );
    const suggestion = blocksOf(h, viewId).find((b) => b.block_id === 'customer_slug_suggestion')!;
    expect(suggestion.accessory).toMatchObject({ action_id: 'onboard_use_slug', value: 'globex-3' });
    expect(elementOf(h, viewId, 'customer_name')?.initial_value).toBe('Globex');
    expect(elementOf(h, viewId, 'customer_slug')?.initial_value).toBe('globex');
    expect(elementOf(h, viewId, 'customer_domain')?.initial_value).toBe('acme.example');
    expect(elementOf(h, viewId, 'contact_email')?.initial_value).toBe('jane@globex.example');
    expect(elementOf(h, viewId, 'contact_title')?.initial_value).toBe('CTO');
    expect(elementOf(h, viewId, 'onboarding_phase')?.initial_option).toMatchObject({ value: 'program_design' });
    expect(elementOf(h, viewId, 'onboarding_state')?.initial_option).toMatchObject({ value: 'waiting' });
    expect(elementOf(h, viewId, 'onboarding_target')?.initial_date).toBe(target);
    expect(elementOf(h, viewId, 'onboarding_csm')?.initial_user).toBe(CSM.id);
    expect(h.pivotal.state.list(h.orgId, 'contacts').filter((c) => c.email === 'jane@globex.example')).toHaveLength(0);

    await h.action(
      { action_id: 'onboard_use_slug', block_id: 'customer_slug_suggestion', value: 'globex-3' },
      { kind: 'view', view: echoView(currentView(h.slack, viewId)) },
    );
    await h.idle();
    expect(elementOf(h, viewId, 'customer_slug')?.initial_value).toBe('globex-3');

    const ack = await submitView(h, viewId);
    expect(ack.response_action).toBe('update');
    await h.idle();
    const mine = h.pivotal.state.list(h.orgId, 'customers').filter((c) => c.name === 'Globex');
    expect(mine.map((c) => c.slug)).toEqual(['globex-3']);
    expect(h.pivotal.state.list(h.orgId, 'onboardings').filter((o) => o.customer_id === mine[0]!.id)).toHaveLength(1);
    expect(currentView(h.slack, viewId).view.title).toMatchObject({ text: 'Onboarding opened' });
  });

  it('refuses at once a slug the read model already knows, naming its customer and a free one', async () => {
    const before = posts();
    const viewId = await openOnboard(h, 'Globex Two');
    const ack = await submitView(h, viewId, { ...FILLED, customer_slug: 'globex-3' });
    expect(ack.errors?.customer_slug).toMatch(
      /globex-3 is already the slug of Globex \(#\d+\)\. Choose "Existing customer".*such as globex-4/,
    );
    expect(posts()).toBe(before);
  });

  it('email_taken: the customer is kept, the email is marked, a corrected email finishes without a second customer', async () => {
    const other = h.pivotal.state.createCustomer(h.orgId, { name: 'Hooli', slug: 'hooli' });
    h.pivotal.state.createContact(h.orgId, other.id, { name: 'Gavin', email: 'taken@hooli.example' });
    const viewId = await openOnboard(h, 'Hooli XYZ');
    await submitView(h, viewId, { ...FILLED, contact_email: 'taken@hooli.example' });
    await h.idle();

    const customers = () => h.pivotal.state.list(h.orgId, 'customers').filter((c) => c.name === 'Hooli XYZ');
    expect(customers()).toHaveLength(1);
    expect(errorLine(h, viewId, 'contact_email')).toContain('already uses this email address');
    const text = visibleText(blocksOf(h, viewId));
    expect(text).toContain('is already in Pivotal and is kept');
    expect(text).toContain('Already created and kept: the customer.');
    expect(elementOf(h, viewId, 'customer_name')).toBeUndefined();
    expect(elementOf(h, viewId, 'contact_email')?.initial_value).toBe('taken@hooli.example');

    await submitView(h, viewId, { contact_email: 'jane@hooli-xyz.example' });
    await h.idle();
    expect(customers()).toHaveLength(1);
    expect(
      h.pivotal.state
        .list(h.orgId, 'contacts')
        .filter((c) => c.customer_id === customers()[0]!.id)
        .map((c) => c.email),
    ).toEqual(['jane@hooli-xyz.example']);
    expect(
      h.pivotal.state.list(h.orgId, 'onboardings').filter((o) => o.customer_id === customers()[0]!.id),
    ).toHaveLength(1);
    expect(
      h.pivotal.requests.filter(
        (r) =>
          r.method === 'POST' && r.path.endsWith('/customers') && r.idempotencyKey?.startsWith(`onboard:${viewId}:`),
      ),
    ).toHaveLength(1);
  });

  it('a 400 naming a field marks that field; customer and contact already made are kept', async () => {
    // A workspace phase Pivotal's org does not accept: the API answers 400 with field "phase".
    await savePhaseSequence(h.app.ctx.store.db, TEAM.id, [
      { key: 'kickoff', name: 'Kickoff', archived: false },
      ...DEFAULT_PHASES,
    ]);
    try {
      const viewId = await openOnboard(h, 'Massive Dynamic');
      expect(elementOf(h, viewId, 'onboarding_phase')?.initial_option).toMatchObject({ value: 'kickoff' });
      await submitView(h, viewId, { ...FILLED, contact_email: 'nina@massive.example', onboarding_phase: 'kickoff' });
      await h.idle();
      expect(errorLine(h, viewId, 'onboarding_phase')).toContain('Pivotal refused this');
      const text = visibleText(blocksOf(h, viewId));
      expect(text).toContain('Already created and kept: the customer and its primary contact.');
      expect(elementOf(h, viewId, 'contact_email')).toBeUndefined();

      await submitView(h, viewId, { onboarding_phase: 'review' });
      await h.idle();
      const customer = h.pivotal.state.list(h.orgId, 'customers').filter((c) => c.name === 'Massive Dynamic');
      expect(customer).toHaveLength(1);
      expect(h.pivotal.state.list(h.orgId, 'contacts').filter((c) => c.customer_id === customer[0]!.id)).toHaveLength(
        1,
      );
      expect(
        h.pivotal.state
          .list(h.orgId, 'onboardings')
          .filter((o) => o.customer_id === customer[0]!.id)
          .map((o) => o.phase),
      ).toEqual(['review']);
    } finally {
      await savePhaseSequence(h.app.ctx.store.db, TEAM.id, []);
    }
  });

  it('a 400 naming no field comes back as a clear message at the top of the form', async () => {
    const viewId = await openOnboard(h, 'Stark Industries');
    h.pivotal.faults.failNext(1, 400, { code: 'invalid_request', message: 'Request not accepted' });
    await submitView(h, viewId, { ...FILLED, contact_email: 'pepper@stark.example' });
    await h.idle();
    const banner = visibleText(blocksOf(h, viewId).find((b) => b.block_id === 'form_banner'));
    expect(banner).toContain('Pivotal rejected the request: Request not accepted');
    expect(elementOf(h, viewId, 'customer_name')?.initial_value).toBe('Stark Industries');
    await submitView(h, viewId);
    await h.idle();
    expect(h.pivotal.state.list(h.orgId, 'customers').filter((c) => c.name === 'Stark Industries')).toHaveLength(1);
  });
});

describe('/pivotal onboard without a connection, and with a test key', () => {
  it('tells a workspace without a Pivotal key that an admin must connect it (onboard, contact, customer)', async () => {
    const h = await startHarness({ bootstrapKey: false });
    try {
      for (const command of ['onboard Acme', 'contact Acme', 'customer Acme']) {
        const res = await h.command(command);
        await h.idle();
        const reply = h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)?.body as {
          response_type: string;
          blocks: unknown[];
        };
        expect(reply.response_type).toBe('ephemeral');
        expect(visibleText(reply.blocks)).toContain(
          `not connected to Pivotal yet. Ask <@${ADMIN.id}> to connect it with \`/pivotal connect\``,
        );
      }
      expect(h.slack.callsTo('views.open')).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it('labels the modal, the result and the DM, and flags every record as a test', async () => {
    const h = await startHarness({ bootstrapKey: 'test' });
    try {
      const viewId = await openOnboard(h, 'Test Co');
      expect(blocksOf(h, viewId)[0]?.block_id).toBe('test_key_label');
      const ack = await submitView(h, viewId, FILLED);
      expect((ack.view?.blocks as Block[] | undefined)?.[0]?.block_id).toBe('test_key_label');
      await h.idle();
      expect(blocksOf(h, viewId)[0]?.block_id).toBe('test_key_label');
      const dm = h.slack.messages.find((m) => m.channel === CSM.id)!;
      expect(dm.text).toMatch(/^\[:test_tube: TEST MODE\] /);
      expect((dm.blocks as Block[])[0]?.block_id).toBe('test_key_label');
      for (const kind of ['customers', 'contacts', 'onboardings'] as const) {
        expect(h.pivotal.state.list(h.orgId, kind).map((r) => r.metadata?.test)).toEqual([true]);
      }
    } finally {
      await h.close();
    }
  });
});

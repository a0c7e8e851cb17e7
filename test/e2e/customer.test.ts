import type { ModalView } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { FILLED, daysFromNow, openOnboard, submitView } from '../harness/onboard-flow.js';
import { currentView, echoView, visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

interface Message {
  response_type?: string;
  replace_original?: boolean;
  text: string;
  blocks: Array<{
    type: string;
    block_id?: string;
    accessory?: { action_id: string; value: string };
    elements?: Array<{ action_id?: string; value?: string; url?: string }>;
  }>;
}

/** The command's answer: in the ack when the read model knows, else posted to response_url. */
async function ask(h: Harness, text: string): Promise<Message> {
  const res = await h.command(text);
  await h.idle();
  if (res.text) return res.json as Message;
  const posted = h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId);
  if (!posted) throw new Error(`no answer to ${text}`);
  return posted.body as unknown as Message;
}

/** Submits the modal as Slack would, applying an ack's `update` to the stored view, and waits until the app is idle. */
async function submitModal(h: Harness, viewId: string, answers: Parameters<typeof echoView>[1]) {
  const res = await h.submit(echoView(currentView(h.slack, viewId), answers));
  const answer = res.json as { response_action?: string; view?: ModalView } | undefined;
  if (answer?.response_action === 'update' && answer.view) h.slack.putView(answer.view, viewId);
  await h.idle();
  return answer;
}

/** Runs a command that opens a modal and returns the new modal's id. */
async function openModal(h: Harness, text: string): Promise<string> {
  const before = new Set(h.slack.views.keys());
  await h.command(text);
  return waitFor(() => [...h.slack.views.keys()].find((k) => !before.has(k)), {
    what: `the modal of /pivotal ${text}`,
  });
}

describe('/pivotal customer and /pivotal contact', () => {
  let h: Harness;
  let acme: { id: string; display_id: number };

  beforeAll(async () => {
    h = await startHarness({ simulator: { rateLimit: { live: 600 } }, env: { PIVOTAL_NOTIFY_CHANNEL: '' } });
    const viewId = await openOnboard(h, 'Acme Corp');
    await submitView(h, viewId, { ...FILLED, onboarding_target: daysFromNow(12) });
    await h.idle();
    acme = h.pivotal.state.list(h.orgId, 'customers').find((c) => c.name === 'Acme Corp')!;
  });
  afterAll(async () => {
    await h.close();
  });

  it('asks which customer when no query is given', async () => {
    const reply = await ask(h, 'customer');
    expect(reply.text).toContain('Which customer?');
  });

  it('shows the card from the read model: fields, primary contact, open onboarding with its timing, buttons', async () => {
    const reply = await ask(h, 'customer acme');
    expect(reply.response_type).toBe('ephemeral');
    const text = visibleText(reply.blocks);
    expect(text).toContain(`Acme Corp · #${acme.display_id}`);
    expect(text).toContain('*Slug*\n`acme-corp`');
    expect(text).toContain('*Domain*\nacme.example');
    expect(text).toContain('*Status*\nOnboarding');
    expect(text).toContain('Jane Doe, CTO\njane@acme.example');
    expect(text).toMatch(
      /\*#\d+\* · Program design \(2\/7\) · Active\nTarget launch: \w{3} \d{1,2}, \d{4} \(in 12 days\)/,
    );
    const buttons: Array<{ action_id?: string; url?: string }> = reply.blocks.flatMap((b) => [
      ...(b.accessory ? [b.accessory] : []),
      ...(b.elements ?? []),
    ]);
    expect(buttons.map((b) => b.action_id)).toEqual(['move_open', 'customer_card_add_contact', 'customer_card_open']);
    expect(buttons.find((b) => b.action_id === 'customer_card_open')?.url).toBe(
      `https://my.pivotal.app/customers/${acme.display_id}`,
    );
  });

  it.each([
    ['a display id', () => `#${acme.display_id}`],
    ['a bare display id', () => String(acme.display_id)],
    ['a slug', () => 'acme-corp'],
    ['a cuid', () => acme.id],
  ])('finds the customer by %s', async (_what, ref) => {
    const reply = await ask(h, `customer ${ref()}`);
    expect(visibleText(reply.blocks)).toContain(`Acme Corp · #${acme.display_id}`);
  });

  it('says so when nothing matches, here or in Pivotal', async () => {
    const reply = await ask(h, 'customer Nonexistent Widgets');
    expect(reply.text).toContain('No customer matches "Nonexistent Widgets"');
  });

  it('asks Pivotal when the read model does not know the customer, with overdue onboardings and the primary contact', async () => {
    const c = h.pivotal.state.createCustomer(h.orgId, {
      name: 'Oldtimer Outfitters',
      slug: 'oldtimer',
      domain: 'oldtimer.example',
    });
    h.pivotal.state.createContact(h.orgId, c.id, {
      name: 'Olga Old',
      email: 'olga@oldtimer.example',
      is_primary: true,
    });
    h.pivotal.state.createOnboarding(h.orgId, {
      customer_id: c.id,
      phase: 'launch',
      target_launch_date: `${daysFromNow(-3)}T00:00:00.000Z`,
    });
    h.pivotal.state.createOnboarding(h.orgId, { customer_id: c.id, phase: 'completed' });
    const reply = await ask(h, 'customer oldtimer outfitters');
    const text = visibleText(reply.blocks);
    expect(text).toContain('Olga Old');
    expect(text).toContain('Launch (6/7) · Active');
    expect(text).toContain('(3 days overdue)');
    expect(text).not.toContain('Completed');
    // The customer is in the read model now: the next lookup answers in the ack.
    const again = await h.command('customer oldtimer');
    expect((again.json as Message).text).toContain('Oldtimer Outfitters');
  });

  it('offers a short pick list for several matches; "Show" replaces it with the card', async () => {
    h.pivotal.state.createCustomer(h.orgId, { name: 'Wayne Enterprises', slug: 'wayne-enterprises' });
    h.pivotal.state.createCustomer(h.orgId, { name: 'Wayne Foods', slug: 'wayne-foods' });
    const reply = await ask(h, 'customer wayne');
    expect(reply.text).toContain('2 customers match');
    const show = reply.blocks.find((b) => visibleText(b).includes('Wayne Foods'))!.accessory!;
    expect(show.action_id).toBe('customer_card_show');
    const responseUrl = h.slack.responseUrl('pick-list');
    await h.action(
      { action_id: show.action_id, value: show.value },
      { kind: 'message', channelId: 'C0GENERAL', messageTs: '1.2', responseUrl },
    );
    await h.idle();
    const card = h.slack.responseUrlPosts.find((p) => p.id === 'pick-list')!.body as unknown as Message;
    expect(card.replace_original).toBe(true);
    expect(visibleText(card.blocks)).toContain('Wayne Foods · #');
    expect(visibleText(card.blocks)).toContain('_No open onboardings._');
  });

  it('escapes names so a customer cannot ping the channel', async () => {
    h.pivotal.state.createCustomer(h.orgId, { name: '<!channel> Ltd', slug: 'channel-ltd' });
    const reply = await ask(h, 'customer channel-ltd');
    const text = visibleText(reply.blocks.filter((b) => b.type !== 'header'));
    expect(text).not.toContain('<!channel>');
    expect(reply.text).toContain('&lt;!channel&gt; Ltd');
  });

  it('"Move phase" on the card opens the move modal for that onboarding', async () => {
    const reply = await ask(h, 'customer acme');
    const move = reply.blocks.find((b) => b.accessory?.action_id === 'move_open')!.accessory!;
    const onboarding = h.pivotal.state.list(h.orgId, 'onboardings').find((o) => o.customer_id === acme.id)!;
    expect(move.value).toBe(onboarding.id);
    const before = h.slack.callsTo('views.open').length;
    await h.action(
      { action_id: move.action_id, value: move.value },
      { kind: 'message', channelId: 'C0GENERAL', messageTs: '1.3', responseUrl: h.slack.responseUrl('move') },
    );
    await h.idle();
    const opened = h.slack.callsTo('views.open').slice(before);
    const final = h.slack.callsTo('views.update').at(-1) ?? opened.at(-1);
    expect(opened).toHaveLength(1);
    expect(JSON.stringify(final!.args.view)).toContain('move_submit');
  });

  it('suggests customers for the picker from the read model, and from Pivotal when the read model has none', async () => {
    const local = await h.suggest({ action_id: 'customer_pick', block_id: 'contact_customer', value: 'acm' });
    const options = (local.json as { options: Array<{ text: { text: string }; value: string }> }).options;
    expect(options).toEqual([
      {
        text: { type: 'plain_text', text: `Acme Corp · #${acme.display_id} · acme-corp`, emoji: true },
        value: acme.id,
      },
    ]);

    const long = h.pivotal.state.createCustomer(h.orgId, {
      name: `Zebra ${'Very Long Name '.repeat(8)}`,
      slug: 'zebra',
    });
    const remote = await h.suggest({ action_id: 'customer_pick', block_id: 'contact_customer', value: 'zebra' });
    const found = (remote.json as { options: Array<{ text: { text: string }; value: string }> }).options;
    expect(found.map((o) => o.value)).toEqual([long.id]);
    expect([...found[0]!.text.text].length).toBeLessThanOrEqual(75);
    expect(found[0]!.text.text).toMatch(/… · #\d+ · zebra$/);
  });

  it('answers the picker in time even when Pivotal is slow: empty rather than late', async () => {
    // Longer than the picker's budget, shorter than Slack's 3 s: the answer must not wait for Pivotal.
    h.pivotal.faults.latencyMs = 2_800;
    try {
      const before = h.pivotal.requests.length;
      const res = await h.suggest({ action_id: 'customer_pick', block_id: 'contact_customer', value: 'no such name' });
      // Judged by order, not by a stopwatch: Pivotal was asked and had not answered yet.
      const asked = h.pivotal.requests.slice(before);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.map((r) => r.status)).toEqual(asked.map(() => null));
      expect((res.json as { options: unknown[] }).options).toEqual([]);
      await h.idle();
    } finally {
      h.pivotal.faults.latencyMs = 0;
    }
  });

  describe('/pivotal contact', () => {
    it('opens with the customer picked and says who is primary now; a new primary demotes the previous one', async () => {
      const viewId = await openModal(h, 'contact Acme Corp');
      const view = currentView(h.slack, viewId).view;
      const blocks = view.blocks as Array<{ block_id?: string; element?: { initial_option?: { value: string } } }>;
      expect(blocks.find((b) => b.block_id === 'contact_customer')?.element?.initial_option?.value).toBe(acme.id);
      expect(visibleText(view.blocks)).toContain('Current primary contact: Jane Doe, CTO · jane@acme.example');
      // A primary exists, so "make primary" starts unticked and names who it would replace.
      const primaryBox = (view.blocks as Array<{ block_id?: string; element?: Record<string, unknown> }>).find(
        (b) => b.block_id === 'contact_primary',
      )?.element;
      expect(primaryBox?.initial_options).toBeUndefined();
      expect(visibleText([primaryBox])).toContain('Make this the primary contact instead of Jane Doe');

      const ack = await submitModal(h, viewId, {
        contact_name: 'Rui Novo',
        contact_email: 'rui@acme.example',
        contact_primary: ['primary'],
      });
      expect(ack?.response_action).toBe('update');
      const contacts = h.pivotal.state.list(h.orgId, 'contacts').filter((c) => c.customer_id === acme.id);
      expect(contacts.map((c) => [c.name, c.is_primary])).toEqual([
        ['Rui Novo', true],
        ['Jane Doe', false],
      ]);
      expect(contacts[0]!.metadata).toMatchObject({ source: 'slack', slack_user_id: CSM.id });
      const result = visibleText(currentView(h.slack, viewId).view.blocks);
      expect(result).toContain('as the *primary contact*');
      expect(result).toContain('Jane Doe is no longer the primary contact; they stay a contact');
      const card = await ask(h, 'customer acme-corp');
      expect(visibleText(card.blocks)).toContain('Rui Novo');
    });

    it('adds an ordinary contact when "primary" is unticked', async () => {
      const viewId = await openModal(h, `contact #${acme.display_id}`);
      await submitModal(h, viewId, {
        contact_name: 'Tom Extra',
        contact_email: 'tom@acme.example',
        contact_primary: [],
      });
      const tom = h.pivotal.state.list(h.orgId, 'contacts').find((c) => c.email === 'tom@acme.example');
      expect(tom?.is_primary).toBe(false);
      expect(visibleText(currentView(h.slack, viewId).view.blocks)).toContain('as a contact');
    });

    it('checks the fields at once', async () => {
      const viewId = await openModal(h, 'contact acme-corp');
      const res = await h.submit(
        echoView(currentView(h.slack, viewId), { contact_name: 'No Mail', contact_email: 'nomail' }),
      );
      expect(res.json).toEqual({
        response_action: 'errors',
        errors: { contact_email: expect.stringContaining('not an email address') as unknown },
      });
    });

    it('marks the email field when Pivotal says it is taken, and the modal keeps all it showed', async () => {
      const viewId = await openModal(h, 'contact acme-corp');
      const before = currentView(h.slack, viewId).view;
      expect(visibleText(before.blocks)).toContain('Current primary contact: Rui Novo');
      const contactsBefore = h.pivotal.state.count(h.orgId, 'contacts');
      const res = await h.submit(
        echoView(currentView(h.slack, viewId), {
          contact_name: 'Copy Cat',
          contact_email: 'rui@acme.example',
          contact_title: 'Twin',
        }),
      );
      // A field error in the ack: Slack marks the field and leaves the modal as it was (current primary included).
      expect(res.json).toEqual({
        response_action: 'errors',
        errors: { contact_email: 'Another contact in Pivotal already uses this email address. Use another one.' },
      });
      await h.idle();
      expect(h.pivotal.state.count(h.orgId, 'contacts')).toBe(contactsBefore);
      expect(currentView(h.slack, viewId).view).toEqual(before);
    });

    it('when Pivotal answers too late for the ack, shows the refusal under the field and the current primary still', async () => {
      const viewId = await openModal(h, 'contact acme-corp');
      h.pivotal.faults.latencyMs = 2_500;
      try {
        const res = await h.submit(
          echoView(currentView(h.slack, viewId), { contact_name: 'Copy Cat', contact_email: 'rui@acme.example' }),
        );
        expect((res.json as { response_action: string }).response_action).toBe('update');
        await h.idle();
      } finally {
        h.pivotal.faults.latencyMs = 0;
      }
      const view = currentView(h.slack, viewId).view;
      const blocks = view.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>;
      expect(visibleText(blocks.find((b) => b.block_id === 'contact_email__error'))).toContain(
        'already uses this email address',
      );
      expect(blocks.find((b) => b.block_id === 'contact_name')?.element?.initial_value).toBe('Copy Cat');
      expect(visibleText(view.blocks)).toContain('Current primary contact: Rui Novo');
    });

    it('opens with an empty picker when the reference matches no single customer', async () => {
      const viewId = await openModal(h, 'contact nobody-like-this');
      const view = currentView(h.slack, viewId).view;
      expect(visibleText(view.blocks)).toContain('No single customer matches `nobody-like-this`');
      const res = await h.submit(
        echoView(currentView(h.slack, viewId), { contact_name: 'X', contact_email: 'x@example.com' }),
      );
      expect((res.json as { errors: Record<string, string> }).errors.contact_customer).toContain('Pick the customer');
    });

    it('"Add contact" on the card opens the same modal for that customer', async () => {
      const reply = await ask(h, 'customer acme');
      const add = reply.blocks
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === 'customer_card_add_contact')!;
      const before = new Set(h.slack.views.keys());
      await h.action(
        { action_id: add.action_id!, value: add.value! },
        { kind: 'message', channelId: 'C0GENERAL', messageTs: '1.4', responseUrl: h.slack.responseUrl('add') },
      );
      const viewId = await waitFor(() => [...h.slack.views.keys()].find((k) => !before.has(k)), {
        what: 'the contact modal',
      });
      expect(currentView(h.slack, viewId).view.callback_id).toBe('contact_add');
    });
  });
});

describe('/pivotal customer and /pivotal contact with a test key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: 'test' });
    h.pivotal.state.createCustomer(h.orgId, { name: 'Trial Widgets', slug: 'trial-widgets' });
    h.pivotal.state.createCustomer(h.orgId, { name: 'Trial Gadgets', slug: 'trial-gadgets' });
  });
  afterAll(async () => {
    await h.close();
  });

  function expectLabelled(reply: Message): void {
    expect(reply.blocks[0]?.block_id).toBe('test_key_label');
    expect(reply.text).toMatch(/^\[:test_tube: TEST MODE\] /);
  }

  it('labels the usage reply, the "no match" reply, the pick list and the card', async () => {
    expectLabelled(await ask(h, 'customer'));
    const none = await ask(h, 'customer Nonexistent Widgets');
    expect(none.text).toContain('No customer matches');
    expectLabelled(none);
    const many = await ask(h, 'customer trial');
    expect(many.text).toContain('2 customers match');
    expectLabelled(many);
    const card = await ask(h, 'customer trial-widgets');
    expect(visibleText(card.blocks)).toContain('Trial Widgets · #');
    expectLabelled(card);
  });

  it('labels the contact modal and its result, and flags the contact as a test', async () => {
    const viewId = await openModal(h, 'contact trial-widgets');
    const label = (id: string) => (currentView(h.slack, id).view.blocks as Array<{ block_id?: string }>)[0]?.block_id;
    expect(label(viewId)).toBe('test_key_label');
    // The customer has no primary contact yet, so "make primary" starts ticked.
    await submitModal(h, viewId, { contact_name: 'Tina Trial', contact_email: 'tina@trial.example' });
    expect(visibleText(currentView(h.slack, viewId).view.blocks)).toContain('as the *primary contact*');
    expect(label(viewId)).toBe('test_key_label');
    expect(
      h.pivotal.state.list(h.orgId, 'contacts').find((c) => c.email === 'tina@trial.example')?.metadata,
    ).toMatchObject({ test: true });
  });
});

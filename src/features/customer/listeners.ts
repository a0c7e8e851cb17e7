import type {
  Middleware,
  SlackActionMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { z } from 'zod';
import { settleWithin } from '../../background.js';
import type { AppContext } from '../../context.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import { answeredNotConnected, disconnectedBlocks } from '../onboard/not-connected.js';
import type { WebClient } from '@slack/web-api';
import { linkButtonPressed } from '../shared/link-button.js';
import { openSession, type Session } from '../shared/session.js';
import { CONTACT_CALLBACK, readContactForm, validateContactForm, type ContactFormValues } from './contact-fields.js';
import { FormState, ViewStateValues } from '../../views/form-values.js';
import { commandText } from '../../views/text.js';
import { noticeModal } from '../../views/banners.js';
import { CUSTOMER_PICK, SUGGESTION_BUDGET_MS, customerChoice, searchCustomers, suggestionOptions } from './search.js';
import {
  addContact,
  contactFormCustomer,
  customerCardById,
  lookupCustomer,
  type AddContactOutcome,
} from './service.js';
import {
  CARD_ACTIONS,
  contactModal,
  contactResultView,
  contactWorkingView,
  customerCardMessage,
  parseContactMeta,
  lookupMessage,
  usageMessage,
} from './views.js';

const Submission = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    id: z.string(),
    private_metadata: z.string().optional(),
    state: z.object({ values: ViewStateValues }),
  }),
});
const Suggestion = z.object({ value: z.string() });
const ButtonPress = z.object({
  trigger_id: z.string(),
  actions: z.tuple([z.object({ value: z.string() })]).rest(z.unknown()),
});
const ShowValue = z.object({ id: z.string(), p: z.boolean() });

/** `/pivotal customer`, `/pivotal contact`, the customer picker of every modal and the card's buttons. */
export function registerCustomer(app: SlackListeners, ctx: AppContext, router: CommandRouter): void {
  router.register(contactCommand(ctx));
  router.register(customerCommand(ctx));
  app.options(CUSTOMER_PICK, customerOptions(ctx));
  app.view(CONTACT_CALLBACK, contactSubmitted(ctx));
  app.action(CARD_ACTIONS.show, cardShown(ctx));
  app.action(CARD_ACTIONS.addContact, cardContactAdded(ctx));
  app.action(CARD_ACTIONS.open, linkButtonPressed);
}

function contactCommand(ctx: AppContext): Subcommand {
  return {
    name: 'contact',
    summary: 'add a contact to a customer, as its primary contact or not',
    task: 'contacts',
    example: '/pivotal contact Acme Corp',
    handle: async (command) => {
      const { ack, context, args, body, client } = command;
      const session = await openSession(ctx, context);
      if (await answeredNotConnected(ctx, session, command)) return;
      const reference = commandText(args);
      const known = await contactFormCustomer(ctx, session, reference);
      await ack();
      const values = newContactValues(known);
      const unmatched = reference && !known.row ? reference : undefined;
      await client.views.open({
        trigger_id: body.trigger_id,
        view: contactModal(values, {
          mode: session.mode,
          currentPrimary: known.primary,
          ...(unmatched ? { unmatched } : {}),
        }),
      });
    },
  };
}

/** An empty contact form for the customer found; "primary" is ticked only when the customer has none yet. */
function newContactValues(known: Awaited<ReturnType<typeof contactFormCustomer>>): ContactFormValues {
  return {
    customer: known.row && customerChoice(known.row),
    contact: { name: '', email: '', title: '' },
    primary: !known.primary,
  };
}

function customerCommand(ctx: AppContext): Subcommand {
  return {
    name: 'customer',
    summary: 'look a customer up: primary contact, open onboardings, links',
    task: 'find',
    example: '/pivotal customer Acme Corp',
    handle: async (command) => {
      const { ack, context, args, client, respond } = command;
      const session = await openSession(ctx, context);
      if (await answeredNotConnected(ctx, session, command)) return;
      const query = commandText(args);
      if (!query) return ack(usageMessage('customer', session.mode));
      const local = await lookupCustomer(ctx, session, client, query, { localOnly: true });
      if (local.kind !== 'none') return ack(lookupMessage(local, query, { mode: session.mode, now: ctx.now() }));
      // Asking Pivotal may take longer than the ack allows; the answer follows through response_url.
      await ack();
      const found = await lookupCustomer(ctx, session, client, query, { localOnly: false });
      await respond(lookupMessage(found, query, { mode: session.mode, now: ctx.now() }));
    },
  };
}

function customerOptions(ctx: AppContext): Middleware<SlackOptionsMiddlewareArgs<'block_suggestion'>> {
  return async ({ ack, body, context }) => {
    const { value } = Suggestion.parse(body);
    const session = await openSession(ctx, context);
    const search = await searchCustomers(ctx, session, value, { budgetMs: SUGGESTION_BUDGET_MS, limit: 100 });
    await ack({ options: suggestionOptions(search) });
  };
}

/** Slack waits 3 s for the ack: within this much of it Pivotal's answer still comes back as field errors. */
const CONTACT_ACK_BUDGET_MS = 2_000;

function contactSubmitted(ctx: AppContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, body, context, client }) => {
    const submission = Submission.parse(body);
    const values = readContactForm(new FormState(submission.view.state.values));
    const checked = validateContactForm(values);
    if ('errors' in checked) return ack({ response_action: 'errors', errors: checked.errors });
    const session = await openSession(ctx, context);
    if (!session.connection)
      return ack({ response_action: 'update', view: noticeModal('Add a contact', disconnectedBlocks()) });
    const shown = parseContactMeta(submission.view.private_metadata);
    const adding = ctx.background.track(() =>
      addContact(ctx, session, client, {
        viewId: submission.view.id,
        userId: submission.user.id,
        customerId: checked.customerId,
        contact: checked.contact,
        primary: values.primary,
      }),
    );
    const outcomeView = (outcome: AddContactOutcome) =>
      outcome.kind === 'added'
        ? contactResultView(outcome.result, session.mode)
        : contactModal(values, {
            mode: session.mode,
            ...shown,
            errors: outcome.errors,
            ...(outcome.problem ? { problem: outcome.problem } : {}),
          });
    const early = await settleWithin(adding, CONTACT_ACK_BUDGET_MS);
    if (early !== 'late' && 'value' in early) {
      const outcome = early.value;
      // A refused field is marked the way Slack marks its own checks; the modal keeps all it showed.
      if (outcome.kind === 'refused' && !outcome.problem && Object.keys(outcome.errors).length > 0)
        return ack({ response_action: 'errors', errors: outcome.errors });
      return ack({ response_action: 'update', view: outcomeView(outcome) });
    }
    await ack({ response_action: 'update', view: contactWorkingView(values, session.mode) });
    ctx.background.run('contact.add', async () => {
      const outcome = await adding;
      try {
        await client.views.update({ view_id: submission.view.id, view: outcomeView(outcome) });
      } catch (err) {
        // The person closed the modal; the contact was still added (or refused) as shown in Pivotal.
        ctx.logger.warn({ err, outcome: outcome.kind }, 'contact: could not update the modal');
      }
    });
  };
}

function cardShown(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, context, respond }) => {
    await ack();
    const { id, p } = ShowValue.parse(JSON.parse(ButtonPress.parse(body).actions[0].value));
    const session = await openSession(ctx, context);
    const card = await customerCardById(ctx, session, id, p);
    if (card)
      await respond({ ...customerCardMessage(card, { mode: session.mode, now: ctx.now() }), replace_original: true });
    else
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That customer is no longer in Pivotal.',
      });
  };
}

function cardContactAdded(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, context, client }) => {
    const press = ButtonPress.parse(body);
    const session = await openSession(ctx, context);
    await openContactForm(ctx, session, client, {
      triggerId: press.trigger_id,
      customerRef: press.actions[0].value,
      ack,
    });
  };
}

/** The contact form for a customer, from a card's button or a Home row's menu; `ack` once the customer is known. */
export async function openContactForm(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  opts: { triggerId: string; customerRef: string; ack: () => Promise<void> },
): Promise<void> {
  const known = await contactFormCustomer(ctx, session, opts.customerRef);
  await opts.ack();
  const values = newContactValues(known);
  await client.views.open({
    trigger_id: opts.triggerId,
    view: contactModal(values, { mode: session.mode, currentPrimary: known.primary }),
  });
}

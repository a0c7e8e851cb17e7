import type { Middleware, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackListeners } from '../../slack/listener-registry.js';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import { FormState, ViewStateValues } from '../../views/form-values.js';
import { commandText, mrkdwn } from '../../views/text.js';
import { noticeModal } from '../../views/banners.js';
import type { ContactFieldValues } from '../customer/contact-fields.js';
import { openSession, type Session } from '../shared/session.js';
import { answeredNotConnected, notConnectedReply } from './not-connected.js';
import type { SourceMessage } from './source-message.js';
import { formContext, hintExistingCustomer, openingForm, retryOnboarding, submitOnboarding } from './service.js';
import { openOnboardForm } from './open-form.js';
import { BLOCKS, parseMeta, readOnboardForm, type OnboardFormValues } from './validation.js';
import { CUSTOMER_PICK } from '../customer/search.js';
import { ONBOARD_ACTIONS, ONBOARD_CALLBACK, RETRY_CALLBACK, onboardForm } from './views.js';
import type { OnboardWorker } from './worker.js';

const SubmittedView = z.object({
  id: z.string(),
  hash: z.string().optional(),
  private_metadata: z.string().optional(),
  state: z.object({ values: ViewStateValues }),
});
const Submission = z.object({ user: z.object({ id: z.string() }), view: SubmittedView });
const FormAction = z.object({
  view: SubmittedView,
  actions: z
    .tuple([z.object({ value: z.string().optional(), selected_option: z.object({ value: z.string() }).nullish() })])
    .rest(z.unknown()),
});

/**
 * `/pivotal onboard` (one modal: customer, primary contact, onboarding); `worker` runs what a
 * submission starts.
 */
export function registerOnboard(
  app: SlackListeners,
  ctx: AppContext,
  router: CommandRouter,
  worker: OnboardWorker,
): void {
  router.register(onboardCommand(ctx));
  app.view(ONBOARD_CALLBACK, onboardSubmitted(ctx, worker));
  app.view(RETRY_CALLBACK, retrySubmitted(ctx, worker));

  // New or existing customer: the form is drawn again with the other fields, keeping what was typed.
  app.action(ONBOARD_ACTIONS.customerMode, customerModeChosen(ctx));

  // "Use acme-2" after Pivotal said the slug was taken.
  app.action(ONBOARD_ACTIONS.useSlug, suggestedSlugUsed(ctx));

  // A customer picked, "add later" or "replace the primary contact" ticked: drawn again to match.
  app.action({ action_id: CUSTOMER_PICK, block_id: BLOCKS.pick }, formChanged(ctx));
  app.action(BLOCKS.contactLater, formChanged(ctx));
  app.action(BLOCKS.replacePrimary, formChanged(ctx));
}

function onboardCommand(ctx: AppContext): Subcommand {
  return {
    name: 'onboard',
    summary: 'a new customer, its primary contact and an onboarding, from one form',
    task: 'onboard',
    example: '/pivotal onboard Acme Corp',
    handle: async (command) => {
      const { ack, context, args, body, client } = command;
      const session = await openSession(ctx, context);
      if (await answeredNotConnected(ctx, session, command)) return;
      await ack();
      await openOnboardForm(ctx, session, client, {
        triggerId: body.trigger_id,
        userId: body.user_id,
        typed: commandText(args),
      });
    },
  };
}

/** What a shortcut fills the onboard form with, on top of what `/pivotal onboard <name>` would. */
export interface OnboardPrefill {
  customerName: string;
  domain?: string;
  contact?: ContactFieldValues;
  notes?: string;
  source?: SourceMessage;
}

/**
 * The onboard modal from a shortcut: a loading modal at once (the trigger expires 3 s after the
 * click), then the form, filled from `prefill` (which may ask Slack, e.g. for a permalink).
 */
export async function openOnboardFromShortcut(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  who: { triggerId: string; userId: string },
  prefill: () => Promise<OnboardPrefill>,
): Promise<void> {
  const opened = await client.views.open({
    trigger_id: who.triggerId,
    view: noticeModal('Onboard a customer', [{ type: 'section', text: mrkdwn(':hourglass_flowing_sand: Opening…') }]),
  });
  const viewId = opened.view!.id!;
  try {
    await fillOnboardForm(ctx, session, client, { viewId, userId: who.userId }, prefill);
  } catch (err) {
    // The loading modal says so, instead of loading for ever; the error goes on to the global handler.
    const failed = noticeModal('Onboard a customer', [
      { type: 'section', text: mrkdwn(':warning: Something went wrong on our side. Close this and try again.') },
    ]);
    await client.views.update({ view_id: viewId, view: failed }).catch(() => undefined);
    throw err;
  }
}

async function fillOnboardForm(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  where: { viewId: string; userId: string },
  prefill: () => Promise<OnboardPrefill>,
): Promise<void> {
  const { viewId } = where;
  if (!session.connection) {
    const reply = await notConnectedReply(ctx, session, client, where.userId);
    await client.views.update({ view_id: viewId, view: noticeModal('Onboard a customer', reply.blocks) });
    return;
  }
  const p = await prefill();
  const opening = await openingForm(ctx, session, p.customerName, where.userId);
  const isNew = opening.values.customerMode === 'new';
  const values: OnboardFormValues = {
    ...opening.values,
    ...(isNew && p.domain ? { domain: p.domain } : {}),
    ...(p.contact ? { contact: p.contact } : {}),
    ...(p.source ? { source: p.source, notes: p.notes ?? '' } : {}),
  };
  const updated = await client.views.update({
    view_id: viewId,
    view: onboardForm(values, { mode: session.mode, phases: opening.phases }),
  });
  if (opening.lookUpInPivotal) {
    const view = { id: viewId, hash: updated.view?.hash };
    ctx.background.run('onboard.existing-customer', () =>
      hintExistingCustomer(ctx, session, client, view, { ...opening, values }),
    );
  }
}

function onboardSubmitted(
  ctx: AppContext,
  worker: OnboardWorker,
): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, body, context, client }) => {
    const { user, view } = Submission.parse(body);
    const session = await openSession(ctx, context);
    const meta = parseMeta(view.private_metadata);
    const values = readOnboardForm(new FormState(view.state.values), meta);
    const outcome = await submitOnboarding(ctx, session, {
      viewId: view.id,
      userId: user.id,
      values,
      shownFacts: meta.facts,
      shownInputs: new Set(Object.keys(view.state.values)),
    });
    if (outcome.kind === 'errors') return ack({ response_action: 'errors', errors: outcome.errors });
    await ack({ response_action: 'update', view: outcome.view });
    if (outcome.kind === 'started') worker.launch(outcome.key, outcome.lease, client);
  };
}

function retrySubmitted(ctx: AppContext, worker: OnboardWorker): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, body, context, client }) => {
    const { view } = Submission.parse(body);
    const outcome = await retryOnboarding(ctx, await openSession(ctx, context), view.id);
    await ack({ response_action: 'update', view: outcome.view });
    if (outcome.kind === 'started') worker.launch(outcome.key, outcome.lease, client);
  };
}

function customerModeChosen(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, context, client }) => {
    await ack();
    const { view, actions } = FormAction.parse(body);
    const values = readOnboardForm(new FormState(view.state.values), parseMeta(view.private_metadata));
    const customerMode = actions[0].selected_option?.value === 'existing' ? 'existing' : 'new';
    const next = { ...values, customerMode } as const;
    const form = await formContext(ctx, await openSession(ctx, context), next);
    await redraw(ctx, client, view, onboardForm(next, form));
  };
}

function suggestedSlugUsed(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, context, client }) => {
    await ack();
    const { view, actions } = FormAction.parse(body);
    const values = readOnboardForm(new FormState(view.state.values), parseMeta(view.private_metadata));
    const next = { ...values, slug: actions[0].value ?? values.slug, derivedSlug: '' };
    const form = await formContext(ctx, await openSession(ctx, context), next);
    await redraw(ctx, client, view, onboardForm(next, form));
  };
}

function formChanged(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, context, client }) => {
    await ack();
    const { view } = FormAction.parse(body);
    const values = readOnboardForm(new FormState(view.state.values), parseMeta(view.private_metadata));
    const form = await formContext(ctx, await openSession(ctx, context), values);
    await redraw(ctx, client, view, onboardForm(values, form));
  };
}

/** `hash` makes a stale redraw lose against an update made meanwhile (the result of a submission, say). */
async function redraw(
  ctx: AppContext,
  client: WebClient,
  view: z.infer<typeof SubmittedView>,
  next: ModalView,
): Promise<void> {
  try {
    await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: next });
  } catch (err) {
    ctx.logger.debug({ err }, 'onboard: the modal changed before it could be redrawn');
  }
}

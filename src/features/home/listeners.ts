import type {
  ActionHandler,
  EventHandler,
  SlackListeners,
  ViewSubmissionHandler,
} from '../../slack/listener-registry.js';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import { workspaceId } from '../../domain/workspace-ref.js';
import { ensureWorkspace, setNotifyChannel } from '../../store/workspaces.js';
import { getSyncState } from '../../store/sync-state.js';
import { webhookPathFor } from '../../webhooks/route.js';
import { saveWebhookSecret, webhookSecretProblem } from '../../webhooks/secret.js';
import { refuseUnlessAdmin } from '../../security/admin-guard.js';
import { FormState } from '../../views/form-values.js';
import { openSequenceEditor } from '../phase-sequence/sequence-service.js';
import { sequenceEditorModal } from '../phase-sequence/sequence-views.js';
import { linkButtonPressed } from '../shared/link-button.js';
import { openSession } from '../shared/session.js';
import { getFilters, recordOpened, saveFilters, type HomeFilters } from './home-views-store.js';
import { publishHome } from './service.js';
import { HOME_ACTIONS, ROW_MORE_CONTACT, webhookSecretModal } from './views.js';
import { FOCUSES } from '../../domain/pipeline-focus.js';
import { openContactForm } from '../customer/listeners.js';
import { openOnboardForm } from '../onboard/open-form.js';

const HomeOpened = z.object({ user: z.string(), tab: z.string().optional() });
const User = z.object({ id: z.string() });
const SelectPress = z.object({
  user: User,
  actions: z
    .tuple([z.object({ action_id: z.string(), selected_option: z.object({ value: z.string() }) })])
    .rest(z.unknown()),
});
const ButtonPress = z.object({
  user: User,
  trigger_id: z.string(),
  actions: z.tuple([z.object({ action_id: z.string(), value: z.string().optional() })]).rest(z.unknown()),
});
const MenuPick = z.object({
  trigger_id: z.string(),
  actions: z.tuple([z.object({ selected_option: z.object({ value: z.string() }) })]).rest(z.unknown()),
});
const ChannelPick = z.object({
  user: User,
  trigger_id: z.string(),
  actions: z.tuple([z.object({ selected_conversation: z.string().nullish() })]).rest(z.unknown()),
});
const Submission = z.object({
  user: User,
  view: z.object({ state: z.object({ values: z.unknown() }) }),
});

const CHANGE_CHANNEL = 'change where onboarding updates go';
const SET_UP_WEBHOOKS = 'set up Pivotal webhooks';

/** The filter a select changes; any other filter stays, and the page goes back to the first. */
function withSelection(filters: HomeFilters, actionId: string, value: string): HomeFilters {
  const any = value === 'any' ? null : value;
  if (actionId === 'home_filter_owner') return { ...filters, whose: value === 'mine' ? 'mine' : 'everyone', offset: 0 };
  if (actionId === 'home_filter_state') return { ...filters, state: any, offset: 0 };
  return { ...filters, phase: any === null ? null : any.replace(/^phase:/, ''), offset: 0 };
}

/**
 * A summary count lists just those, whose ever they are, so the rows match the number pressed; pressed
 * again, it lists everything again. The finished button shows or hides finished onboardings.
 */
function withButton(filters: HomeFilters, actionId: string, value: string | undefined): HomeFilters {
  if (actionId === HOME_ACTIONS.finished) return { ...filters, finished: value === 'show', offset: 0 };
  const focus = FOCUSES.find((f) => f === value) ?? null;
  if (focus === null || filters.focus === focus) return { ...filters, focus: null, offset: 0 };
  return { ...filters, focus, state: null, phase: null, offset: 0 };
}

/**
 * The Home tab: published from the store on every visit (never a Pivotal call), its
 * filters and paging, and the admin settings (notification channel, user mapping, webhooks).
 */
export function registerHome(app: SlackListeners, ctx: AppContext): void {
  app.event('app_home_opened', homeOpened(ctx));
  app.action(/^home_filter_(owner|state|phase)$/, filterChosen(ctx));
  app.action(/^home_page_(prev|next)$/, pageTurned(ctx));
  app.action(new RegExp(`^(${HOME_ACTIONS.focusPrefix}[a-z_]+|${HOME_ACTIONS.finished})$`), filterPressed(ctx));
  app.action(HOME_ACTIONS.onboard, onboardOpened(ctx));
  app.action(HOME_ACTIONS.rowMore, rowMenuChosen(ctx));
  app.action('home_open_in_pivotal', linkButtonPressed);
  app.action('home_notify_channel', notifyChannelPicked(ctx));
  app.action('home_webhook_open', webhookSecretOpened(ctx));
  app.view('home_webhook_secret', webhookSecretSubmitted(ctx));

  // "Edit phases" opens the `/pivotal phases` editor, whose submission that feature handles.
  app.action('phases_open', phasesOpened(ctx));
}

function homeOpened(ctx: AppContext): EventHandler<'app_home_opened'> {
  const db = ctx.store.db;
  return async ({ event, client, context }) => {
    const opened = HomeOpened.parse(event);
    if (opened.tab !== undefined && opened.tab !== 'home') return;
    const workspace = workspaceFromContext(context);
    await recordOpened(db, workspaceId(workspace), opened.user, ctx.now());
    await publishHome(ctx, client, workspace, opened.user);
  };
}

/** Saves the person's filters as `change` makes them from the action, and draws their Home again. */
function filtersChanged(ctx: AppContext, change: (filters: HomeFilters, body: unknown) => HomeFilters): ActionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const userId = User.parse((body as { user?: unknown }).user).id;
    const workspace = workspaceFromContext(context);
    const ws = workspaceId(workspace);
    await saveFilters(db, ws, userId, change(await getFilters(db, ws, userId), body), ctx.now());
    await publishHome(ctx, client, workspace, userId);
  };
}

function filterChosen(ctx: AppContext): ActionHandler {
  return filtersChanged(ctx, (filters, body) => {
    const [action] = SelectPress.parse(body).actions;
    return withSelection(filters, action.action_id, action.selected_option.value);
  });
}

function filterPressed(ctx: AppContext): ActionHandler {
  return filtersChanged(ctx, (filters, body) => {
    const [action] = ButtonPress.parse(body).actions;
    return withButton(filters, action.action_id, action.value);
  });
}

function pageTurned(ctx: AppContext): ActionHandler {
  return filtersChanged(ctx, (filters, body) => {
    const offset = Number(ButtonPress.parse(body).actions[0].value);
    return { ...filters, offset: Number.isInteger(offset) && offset >= 0 ? offset : 0 };
  });
}

/** "Onboard a customer": the modal `/pivotal onboard` opens. */
function onboardOpened(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = ButtonPress.parse(body);
    const session = await openSession(ctx, context);
    // A Home published before the key was removed: drawing it again shows how to connect.
    if (!session.connection) return publishHome(ctx, client, session.workspace, press.user.id);
    await openOnboardForm(ctx, session, client, { triggerId: press.trigger_id, userId: press.user.id, typed: '' });
  };
}

/** A row's overflow menu: the contact form of its customer; the link to Pivotal opens in the browser. */
function rowMenuChosen(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    const menu = MenuPick.parse(body);
    const value = menu.actions[0].selected_option.value;
    if (!value.startsWith(ROW_MORE_CONTACT)) return ack();
    const session = await openSession(ctx, context);
    await openContactForm(ctx, session, client, {
      triggerId: menu.trigger_id,
      customerRef: value.slice(ROW_MORE_CONTACT.length),
      ack,
    });
  };
}

function notifyChannelPicked(ctx: AppContext): ActionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const pick = ChannelPick.parse(body);
    const session = await openSession(ctx, context);
    const workspace = session.workspace;
    // Settings are only shown to admins; a stale Home of someone who lost the right says so and refreshes.
    const refused = await refuseUnlessAdmin(ctx, session, { userId: pick.user.id, slack: client }, CHANGE_CHANNEL);
    if (refused) await client.views.open({ trigger_id: pick.trigger_id, view: refused.modal() });
    else {
      await ensureWorkspace(db, workspace);
      await setNotifyChannel(db, workspaceId(workspace), pick.actions[0].selected_conversation ?? null);
      ctx.logger.info(
        { workspace: workspaceId(workspace), by: pick.user.id },
        'notification channel changed from Home',
      );
    }
    await publishHome(ctx, client, workspace, pick.user.id);
  };
}

function webhookSecretOpened(ctx: AppContext): ActionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = ButtonPress.parse(body);
    const session = await openSession(ctx, context);
    const refused = await refuseUnlessAdmin(ctx, session, { userId: press.user.id, slack: client }, SET_UP_WEBHOOKS);
    const view =
      refused?.modal() ??
      webhookSecretModal({
        path: webhookPathFor(session.workspaceId),
        configured: Boolean((await getSyncState(db, session.workspaceId))?.webhook_secret_ciphertext),
        mode: session.mode,
      });
    await client.views.open({ trigger_id: press.trigger_id, view });
  };
}

function webhookSecretSubmitted(ctx: AppContext): ViewSubmissionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, view, client, context }) => {
    const submission = Submission.parse(body);
    const session = await openSession(ctx, context);
    const refused = await refuseUnlessAdmin(
      ctx,
      session,
      { userId: submission.user.id, slack: client },
      SET_UP_WEBHOOKS,
    );
    if (refused) return ack(refused.onSubmission(view, 'webhook_secret'));
    const secret = FormState.from(submission.view.state.values).text('webhook_secret');
    const workspace = workspaceFromContext(context);
    const ws = workspaceId(workspace);
    const configured = Boolean((await getSyncState(db, ws))?.webhook_secret_ciphertext);
    const problem = secret
      ? webhookSecretProblem(secret)
      : configured
        ? undefined
        : "Paste the endpoint's signing secret from Pivotal (it starts with whsec_).";
    if (problem) return ack({ response_action: 'errors', errors: { webhook_secret: problem } });
    await ack();
    await saveWebhookSecret(ctx, ws, secret || null);
    ctx.logger.info({ workspace: ws, by: submission.user.id, removed: !secret }, 'webhook secret changed');
    await publishHome(ctx, client, workspace, submission.user.id);
  };
}

function phasesOpened(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = ButtonPress.parse(body);
    const session = await openSession(ctx, context);
    const access = await openSequenceEditor(ctx, session, { userId: press.user.id, slack: client });
    const view = access.ok ? sequenceEditorModal(access.data, session.mode) : access.refusal.modal();
    await client.views.open({ trigger_id: press.trigger_id, view });
  };
}

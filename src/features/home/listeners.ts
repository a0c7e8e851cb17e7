import type {
  Middleware,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import { workspaceId } from '../../slack/workspace-ref.js';
import { listUserMappings, setUserMapping } from '../../store/user-mappings.js';
import { ensureWorkspace, setNotifyChannel } from '../../store/workspaces.js';
import { getSyncState } from '../../sync/sync-state.js';
import { webhookPathFor } from '../../webhooks/route.js';
import { saveWebhookSecret, webhookSecretProblem } from '../../webhooks/secret.js';
import { refuseUnlessAdmin } from '../../security/admin-guard.js';
import { FormState } from '../../views/form-values.js';
import { openSequenceEditor } from '../phase-sequence/sequence-service.js';
import { sequenceEditorModal } from '../phase-sequence/sequence-views.js';
import { openSession } from '../shared/session.js';
import { getFilters, recordOpened, saveFilters, type HomeFilters } from './home-views-store.js';
import { publishHome } from './service.js';
import { userMappingModal, webhookSecretModal } from './views.js';

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
const MAP_PEOPLE = 'map Slack people to Pivotal users';
const SET_UP_WEBHOOKS = 'set up Pivotal webhooks';

const PIVOTAL_USER_ID = /^\S{1,100}$/;

/** The filter a select changes; any other filter stays, and the page goes back to the first. */
function withSelection(filters: HomeFilters, actionId: string, value: string): HomeFilters {
  const any = value === 'any' ? null : value;
  if (actionId === 'home_filter_owner') return { ...filters, owner: value === 'mine' ? 'mine' : 'everyone', offset: 0 };
  if (actionId === 'home_filter_state') return { ...filters, state: any, offset: 0 };
  return { ...filters, phase: any === null ? null : any.replace(/^phase:/, ''), offset: 0 };
}

/**
 * The Home tab: published from the store on every visit (never a Pivotal call), its
 * filters and paging, and the admin settings (notification channel, user mapping, webhooks).
 */
export function registerHome(app: SlackListeners, ctx: AppContext): void {
  app.event('app_home_opened', homeOpened(ctx));
  app.action(/^home_filter_(owner|state|phase)$/, filterChosen(ctx));
  app.action(/^home_page_(prev|next)$/, pageTurned(ctx));

  // A link button still sends an interaction; Slack shows an error unless it is acknowledged.
  app.action('home_open_in_pivotal', async ({ ack }) => ack());
  app.action('home_notify_channel', notifyChannelPicked(ctx));
  app.action('home_user_mapping_open', userMappingOpened(ctx));
  app.view('home_user_mapping', userMappingSubmitted(ctx));
  app.action('home_webhook_open', webhookSecretOpened(ctx));
  app.view('home_webhook_secret', webhookSecretSubmitted(ctx));

  // "Edit phases" opens the `/pivotal phases` editor, whose submission that feature handles.
  app.action('phases_open', phasesOpened(ctx));
}

function homeOpened(ctx: AppContext): Middleware<SlackEventMiddlewareArgs<'app_home_opened'>> {
  const db = ctx.store.db;
  return async ({ event, client, context }) => {
    const opened = HomeOpened.parse(event);
    if (opened.tab !== undefined && opened.tab !== 'home') return;
    const workspace = workspaceFromContext(context);
    await recordOpened(db, workspaceId(workspace), opened.user, ctx.now());
    await publishHome(ctx, client, workspace, opened.user);
  };
}

function filterChosen(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = SelectPress.parse(body);
    const [action] = press.actions;
    const workspace = workspaceFromContext(context);
    const ws = workspaceId(workspace);
    const filters = withSelection(
      await getFilters(db, ws, press.user.id),
      action.action_id,
      action.selected_option.value,
    );
    await saveFilters(db, ws, press.user.id, filters, ctx.now());
    await publishHome(ctx, client, workspace, press.user.id);
  };
}

function pageTurned(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = ButtonPress.parse(body);
    const offset = Number(press.actions[0].value);
    const workspace = workspaceFromContext(context);
    const ws = workspaceId(workspace);
    const filters = await getFilters(db, ws, press.user.id);
    await saveFilters(
      db,
      ws,
      press.user.id,
      { ...filters, offset: Number.isInteger(offset) && offset >= 0 ? offset : 0 },
      ctx.now(),
    );
    await publishHome(ctx, client, workspace, press.user.id);
  };
}

function notifyChannelPicked(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
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

function userMappingOpened(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = ButtonPress.parse(body);
    const session = await openSession(ctx, context);
    const refused = await refuseUnlessAdmin(ctx, session, { userId: press.user.id, slack: client }, MAP_PEOPLE);
    const view =
      refused?.modal() ??
      userMappingModal({ mappings: await listUserMappings(db, session.workspaceId), mode: session.mode });
    await client.views.open({ trigger_id: press.trigger_id, view });
  };
}

function userMappingSubmitted(ctx: AppContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const db = ctx.store.db;
  return async ({ ack, body, view, client, context }) => {
    const submission = Submission.parse(body);
    const session = await openSession(ctx, context);
    const refused = await refuseUnlessAdmin(ctx, session, { userId: submission.user.id, slack: client }, MAP_PEOPLE);
    if (refused) return ack(refused.onSubmission(view, 'mapping_user'));
    const form = FormState.from(submission.view.state.values);
    const slackUser = form.user('mapping_user');
    const pivotalId = form.text('mapping_pivotal');
    const errors: Record<string, string> = {};
    if (!slackUser) errors.mapping_user = 'Pick the Slack person to map.';
    if (pivotalId && !PIVOTAL_USER_ID.test(pivotalId))
      errors.mapping_pivotal =
        'A Pivotal user id is one word of at most 100 characters, such as user_csm_001 (the csm_id of their onboardings).';
    if (Object.keys(errors).length) return ack({ response_action: 'errors', errors });
    await ack();
    const workspace = workspaceFromContext(context);
    await setUserMapping(db, workspaceId(workspace), slackUser!, pivotalId || null, ctx.now().toISOString());
    await publishHome(ctx, client, workspace, submission.user.id);
  };
}

function webhookSecretOpened(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
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

function webhookSecretSubmitted(ctx: AppContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
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

function phasesOpened(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = ButtonPress.parse(body);
    const session = await openSession(ctx, context);
    const access = await openSequenceEditor(ctx, session, { userId: press.user.id, slack: client });
    const view = access.ok ? sequenceEditorModal(access.data, session.mode) : access.refusal.modal();
    await client.views.open({ trigger_id: press.trigger_id, view });
  };
}

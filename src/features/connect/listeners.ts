import type {
  Middleware,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewClosedAction,
  ViewSubmitAction,
} from '@slack/bolt';
import { sharedChannelsLine } from '../subscriptions/shared-posts.js';
import { mrkdwn } from '../../views/text.js';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { SlackClients } from '../../slack/clients.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import type { WorkspaceRef } from '../../domain/workspace-ref.js';
import type { EphemeralMessage } from '../../views/ephemeral.js';
import { FormState } from '../../views/form-values.js';
import { explainToPerson } from '../shared/explain-to-person.js';
import { openSession } from '../shared/session.js';
import { reportModeMismatch } from './mode-check.js';
import {
  cancelSwitch,
  checkStatus,
  confirmSwitch,
  connectionState,
  disconnect,
  forgetInstallation,
  planDisconnect,
  requireAdmin,
  requireConnection,
  submitKey,
} from './service.js';
import {
  connectedView,
  connectModal,
  CONNECT_CALLBACK,
  CONNECT_OPEN_ACTION,
  DISCONNECT_CANCEL_ACTION,
  DISCONNECT_CONFIRM_ACTION,
  disconnectPlanMessage,
  disconnectResultMessage,
  KEY_BLOCK,
  statusMessage,
  switchConfirmView,
  switchExpiredView,
  SWITCH_CALLBACK,
  type CheckedKey,
  type LiveCheck,
  type Message,
} from './views.js';

const SwitchMetadata = z.object({ switchId: z.string().min(1) });
const ActionBody = z.object({
  trigger_id: z.string(),
  user: z.object({ id: z.string() }),
  container: z.object({ type: z.string() }),
  view: z.object({ type: z.string() }).optional(),
  actions: z.array(z.object({ value: z.string().optional() })).min(1),
});
const EventBody = z.object({ event_time: z.number().optional() });
const CONNECT = 'connect Pivotal';
const DISCONNECT = 'disconnect Pivotal';

function ephemeral(message: Message): EphemeralMessage {
  return { response_type: 'ephemeral', replace_original: false, ...message };
}

/**
 * /pivotal connect, status and disconnect, the Connect button, uninstalls. (Keys Pivotal rejects and the
 * start-up check of PIVOTAL_API_KEY run outside requests: bootstrap wires them, see revocation.ts
 * and mode-check.ts.)
 */
export function registerConnect(
  app: SlackListeners,
  ctx: AppContext,
  router: CommandRouter,
  clients: SlackClients,
): void {
  router.register(connectCommand(ctx));

  // The Connect button of the not-connected reply, the attention banner and DM, and Home.
  app.action(CONNECT_OPEN_ACTION, connectOpened(ctx));
  app.view(CONNECT_CALLBACK, keySubmitted(ctx, clients));
  app.view(SWITCH_CALLBACK, switchConfirmed(ctx, clients));
  app.view({ callback_id: SWITCH_CALLBACK, type: 'view_closed' }, switchClosed(ctx));
  router.register(statusCommand(ctx));
  router.register(disconnectCommand(ctx));
  app.action(DISCONNECT_CONFIRM_ACTION, disconnectConfirmed(ctx));
  app.action(DISCONNECT_CANCEL_ACTION, disconnectCancelled(ctx));
  app.event('app_uninstalled', appUninstalled(ctx));
  app.event('tokens_revoked', tokensRevoked(ctx));
}

function connectCommand(ctx: AppContext): Subcommand {
  return {
    name: 'connect',
    summary: 'connect this Slack workspace to Pivotal with an API key, or replace the key',
    task: 'admin',
    handle: async ({ ack, body, client, context, respond }) => {
      await ack();
      const workspace = workspaceFromContext(context);
      const [refusal, state] = await Promise.all([
        requireAdmin(ctx, client, workspace, body.user_id, CONNECT),
        connectionState(ctx, workspace),
      ]);
      if (refusal) {
        await respond(refusal.message());
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: connectModal(state) });
    },
  };
}

function connectOpened(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, client, context, respond }) => {
    await ack();
    const action = ActionBody.parse(body);
    const workspace = workspaceFromContext(context);
    const [refusal, state] = await Promise.all([
      requireAdmin(ctx, client, workspace, action.user.id, CONNECT),
      connectionState(ctx, workspace),
    ]);
    const inModal = action.view?.type === 'modal';
    if (refusal) {
      if (action.container.type === 'message') await respond(refusal.message());
      else if (inModal) await client.views.push({ trigger_id: action.trigger_id, view: refusal.modal() });
      else await client.views.open({ trigger_id: action.trigger_id, view: refusal.modal() });
      return;
    }
    // Over an open modal a new one must be pushed onto its stack.
    if (inModal) await client.views.push({ trigger_id: action.trigger_id, view: connectModal(state) });
    else await client.views.open({ trigger_id: action.trigger_id, view: connectModal(state) });
  };
}

function keySubmitted(ctx: AppContext, clients: SlackClients): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, body, view, client, context }) => {
    const workspace = workspaceFromContext(context);
    const refusal = await requireAdmin(ctx, client, workspace, body.user.id, CONNECT);
    if (refusal) {
      await ack(refusal.onSubmission(view, KEY_BLOCK));
      return;
    }
    const pasted = FormState.from(view.state.values).rawText(KEY_BLOCK);
    const result = await submitKey(ctx, { workspace, userId: body.user.id, pasted });
    if (result.kind === 'invalid') await ack({ response_action: 'errors', errors: { [KEY_BLOCK]: result.problem } });
    else if (result.kind === 'confirm-switch')
      await ack({ response_action: 'update', view: switchConfirmView(result) });
    else {
      await ack({ response_action: 'update', view: connectedView(result.key, result.outcome) });
      tellOtherAdminsOfModeMismatch(ctx, clients, workspace, result.key, body.user.id);
    }
  };
}

function switchConfirmed(
  ctx: AppContext,
  clients: SlackClients,
): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, body, view, client, context }) => {
    const workspace = workspaceFromContext(context);
    const refusal = await requireAdmin(ctx, client, workspace, body.user.id, 'switch the Pivotal organization');
    if (refusal) {
      await ack(refusal.onSubmission(view));
      return;
    }
    // Metadata that does not parse names no pending switch, which reads as an expired one.
    const result = await confirmSwitch(ctx, {
      workspace,
      userId: body.user.id,
      switchId: parseSwitchId(view.private_metadata) ?? '',
    });
    await ack({
      response_action: 'update',
      view: result.kind === 'expired' ? switchExpiredView(result.mode) : connectedView(result.key, result.outcome),
    });
    if (result.kind === 'connected') tellOtherAdminsOfModeMismatch(ctx, clients, workspace, result.key, body.user.id);
  };
}

function switchClosed(ctx: AppContext): Middleware<SlackViewMiddlewareArgs<ViewClosedAction>> {
  return async ({ ack, view, context }) => {
    await ack();
    const switchId = parseSwitchId(view.private_metadata);
    if (switchId) await cancelSwitch(ctx, workspaceFromContext(context), switchId);
  };
}

function statusCommand(ctx: AppContext): Subcommand {
  return {
    name: 'status',
    summary: 'show how this workspace is connected to Pivotal, and check that the key works',
    task: 'workspace',
    handle: async ({ ack, body, client, context, respond }) => {
      await ack();
      const session = await openSession(ctx, context);
      const need = await requireConnection(ctx, session, client, body.user_id);
      if (!need.connected) {
        await respond(ephemeral(need.message));
        return;
      }
      const status = await checkStatus(ctx, session.workspace, need.connection);
      const check: LiveCheck = status.ok
        ? {
            ok: true,
            reportedMode: status.identity.mode,
            orgName: status.identity.organization?.name ?? null,
            orgSlug: status.identity.organization?.slug ?? null,
          }
        : { ok: false, problem: await explainToPerson(ctx, client, session.workspaceId, status.error) };
      const isAdmin = await ctx.permissions.isAdmin(client, session.workspaceId, body.user_id);
      const message = statusMessage(status.state, check, { isAdmin });
      const shared = await sharedChannelsLine(ctx, session.workspaceId);
      await respond(ephemeral({ ...message, blocks: [...message.blocks, { type: 'section', text: mrkdwn(shared) }] }));
    },
  };
}

function disconnectCommand(ctx: AppContext): Subcommand {
  return {
    name: 'disconnect',
    summary: 'disconnect this workspace from Pivotal, after a confirmation',
    task: 'admin',
    handle: async ({ ack, body, client, context, respond }) => {
      await ack();
      const workspace = workspaceFromContext(context);
      const [refusal, plan] = await Promise.all([
        requireAdmin(ctx, client, workspace, body.user_id, DISCONNECT),
        planDisconnect(ctx, workspace),
      ]);
      if (refusal) {
        await respond(refusal.message());
        return;
      }
      await respond(ephemeral(disconnectPlanMessage(plan)));
    },
  };
}

function disconnectConfirmed(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, client, context, respond }) => {
    await ack();
    const action = ActionBody.parse(body);
    const workspace = workspaceFromContext(context);
    const refusal = await requireAdmin(ctx, client, workspace, action.user.id, DISCONNECT);
    if (refusal) {
      await respond(refusal.message());
      return;
    }
    const result = await disconnect(ctx, workspace, action.actions[0]!.value ?? '');
    await respond({ response_type: 'ephemeral', replace_original: true, ...disconnectResultMessage(result) });
  };
}

function disconnectCancelled(ctx: AppContext): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, respond }) => {
    await ack();
    await respond({ delete_original: true });
  };
}

function appUninstalled(ctx: AppContext): Middleware<SlackEventMiddlewareArgs<'app_uninstalled'>> {
  return async ({ body, context }) => {
    await forgetInstallation(ctx, {
      workspace: workspaceFromContext(context),
      isEnterpriseInstall: context.isEnterpriseInstall === true,
      eventTime: eventTime(body),
    });
  };
}

function tokensRevoked(ctx: AppContext): Middleware<SlackEventMiddlewareArgs<'tokens_revoked'>> {
  return async ({ event, body, context }) => {
    // Only the bot token matters: the app acts as its bot user and keeps no user tokens.
    if (!event.tokens.bot?.length) return;
    await forgetInstallation(ctx, {
      workspace: workspaceFromContext(context),
      isEnterpriseInstall: context.isEnterpriseInstall === true,
      eventTime: eventTime(body),
    });
  };
}

/** The admin who connected sees a mode disagreement in the modal; the other admins get a DM. */
function tellOtherAdminsOfModeMismatch(
  ctx: AppContext,
  clients: SlackClients,
  workspace: WorkspaceRef,
  key: CheckedKey,
  connectedBy: string,
): void {
  ctx.background.run('connect: key mode check', () =>
    reportModeMismatch(ctx, clients, workspace, key, 'stored', connectedBy),
  );
}

function parseSwitchId(privateMetadata: string | undefined): string | undefined {
  try {
    const parsed = SwitchMetadata.safeParse(JSON.parse(privateMetadata ?? ''));
    return parsed.success ? parsed.data.switchId : undefined;
  } catch {
    return undefined;
  }
}

function eventTime(body: unknown): Date | null {
  const parsed = EventBody.safeParse(body);
  return parsed.success && parsed.data.event_time !== undefined ? new Date(parsed.data.event_time * 1000) : null;
}

import { sharedChannelsLine } from '../subscriptions/shared-posts.js';
import { mrkdwn } from '../../views/text.js';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { CommandRouter } from '../../slack/command-router.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import type { WorkspaceRef } from '../../slack/workspace-ref.js';
import { explainToPerson } from '../shared/pivotal-errors.js';
import { openSession } from '../shared/session.js';
import type { FeatureLifecycle } from '../index.js';
import { checkStartupKey, reportModeMismatch } from './mode-check.js';
import { watchForRejectedKeys } from './revocation.js';
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
  adminOnlyModal,
  connectedView,
  connectModal,
  CONNECT_CALLBACK,
  CONNECT_OPEN_ACTION,
  DISCONNECT_CANCEL_ACTION,
  DISCONNECT_CONFIRM_ACTION,
  disconnectPlanMessage,
  disconnectResultMessage,
  KEY_ACTION,
  KEY_BLOCK,
  statusMessage,
  switchConfirmView,
  switchExpiredView,
  SWITCH_CALLBACK,
  type CheckedKey,
  type LiveCheck,
  type Message,
} from './views.js';

const KeyValues = z.object({ [KEY_BLOCK]: z.object({ [KEY_ACTION]: z.object({ value: z.string().nullish() }) }) });
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

function ephemeral(message: Message) {
  return { response_type: 'ephemeral' as const, replace_original: false, ...message };
}

/**
 * /pivotal connect, status and disconnect, the Connect button, revoked keys, uninstalls; at start-up,
 * the check of PIVOTAL_API_KEY with /me.
 */
export function registerConnect(app: SlackListeners, ctx: AppContext, router: CommandRouter): FeatureLifecycle {
  watchForRejectedKeys(ctx);

  router.register({
    name: 'connect',
    summary: 'connect this Slack workspace to Pivotal with an API key, or replace the key (admins)',
    example: '/pivotal connect',
    handle: async ({ ack, body, client, context, respond }) => {
      await ack();
      const workspace = workspaceFromContext(context);
      const [gate, state] = await Promise.all([
        requireAdmin(ctx, client, workspace, body.user_id, CONNECT),
        connectionState(ctx, workspace),
      ]);
      if (!gate.admin) {
        await respond(ephemeral(gate.message));
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: connectModal(state) });
    },
  });

  // The Connect button of the not-connected reply, the attention banner and DM, and Home.
  app.action(CONNECT_OPEN_ACTION, async ({ ack, body, client, context, respond }) => {
    await ack();
    const action = ActionBody.parse(body);
    const workspace = workspaceFromContext(context);
    const [gate, state] = await Promise.all([
      requireAdmin(ctx, client, workspace, action.user.id, CONNECT),
      connectionState(ctx, workspace),
    ]);
    const inModal = action.view?.type === 'modal';
    if (!gate.admin) {
      if (action.container.type === 'message') await respond(ephemeral(gate.message));
      else if (inModal) await client.views.push({ trigger_id: action.trigger_id, view: adminOnlyModal(gate.message) });
      else await client.views.open({ trigger_id: action.trigger_id, view: adminOnlyModal(gate.message) });
      return;
    }
    // Over an open modal a new one must be pushed onto its stack.
    if (inModal) await client.views.push({ trigger_id: action.trigger_id, view: connectModal(state) });
    else await client.views.open({ trigger_id: action.trigger_id, view: connectModal(state) });
  });

  app.view(CONNECT_CALLBACK, async ({ ack, body, view, client, context }) => {
    const workspace = workspaceFromContext(context);
    const gate = await requireAdmin(ctx, client, workspace, body.user.id, CONNECT);
    if (!gate.admin) {
      await ack({ response_action: 'update', view: adminOnlyModal(gate.message) });
      return;
    }
    const values = KeyValues.safeParse(view.state.values);
    const pasted = values.success ? (values.data[KEY_BLOCK][KEY_ACTION].value ?? '') : '';
    const result = await submitKey(ctx, { workspace, userId: body.user.id, pasted });
    if (result.kind === 'invalid') await ack({ response_action: 'errors', errors: { [KEY_BLOCK]: result.problem } });
    else if (result.kind === 'confirm-switch')
      await ack({ response_action: 'update', view: switchConfirmView(result) });
    else {
      await ack({ response_action: 'update', view: connectedView(result.key, result.outcome) });
      tellOtherAdminsOfModeMismatch(ctx, workspace, result.key, body.user.id);
    }
  });

  app.view(SWITCH_CALLBACK, async ({ ack, body, view, client, context }) => {
    const workspace = workspaceFromContext(context);
    const gate = await requireAdmin(ctx, client, workspace, body.user.id, 'switch the Pivotal organization');
    if (!gate.admin) {
      await ack({ response_action: 'update', view: adminOnlyModal(gate.message) });
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
    if (result.kind === 'connected') tellOtherAdminsOfModeMismatch(ctx, workspace, result.key, body.user.id);
  });

  app.view({ callback_id: SWITCH_CALLBACK, type: 'view_closed' }, async ({ ack, view, context }) => {
    await ack();
    const switchId = parseSwitchId(view.private_metadata);
    if (switchId) await cancelSwitch(ctx, workspaceFromContext(context), switchId);
  });

  router.register({
    name: 'status',
    summary: 'show how this workspace is connected to Pivotal, and check that the key works',
    example: '/pivotal status',
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
      const message = statusMessage(status.state, check);
      const shared = await sharedChannelsLine(ctx, session.workspaceId);
      await respond(ephemeral({ ...message, blocks: [...message.blocks, { type: 'section', text: mrkdwn(shared) }] }));
    },
  });

  router.register({
    name: 'disconnect',
    summary: 'disconnect this workspace from Pivotal, after a confirmation (admins)',
    example: '/pivotal disconnect',
    handle: async ({ ack, body, client, context, respond }) => {
      await ack();
      const workspace = workspaceFromContext(context);
      const [gate, plan] = await Promise.all([
        requireAdmin(ctx, client, workspace, body.user_id, DISCONNECT),
        planDisconnect(ctx, workspace),
      ]);
      if (!gate.admin) {
        await respond(ephemeral(gate.message));
        return;
      }
      await respond(ephemeral(disconnectPlanMessage(plan)));
    },
  });

  app.action(DISCONNECT_CONFIRM_ACTION, async ({ ack, body, client, context, respond }) => {
    await ack();
    const action = ActionBody.parse(body);
    const workspace = workspaceFromContext(context);
    const gate = await requireAdmin(ctx, client, workspace, action.user.id, DISCONNECT);
    if (!gate.admin) {
      await respond(ephemeral(gate.message));
      return;
    }
    const result = await disconnect(ctx, workspace, action.actions[0]!.value ?? '');
    await respond({ response_type: 'ephemeral', replace_original: true, ...disconnectResultMessage(result) });
  });

  app.action(DISCONNECT_CANCEL_ACTION, async ({ ack, respond }) => {
    await ack();
    await respond({ delete_original: true });
  });

  app.event('app_uninstalled', async ({ body, context }) => {
    await forgetInstallation(ctx, {
      workspace: workspaceFromContext(context),
      isEnterpriseInstall: context.isEnterpriseInstall === true,
      eventTime: eventTime(body),
    });
  });

  app.event('tokens_revoked', async ({ event, body, context }) => {
    // Only the bot token matters: the app acts as its bot user and keeps no user tokens.
    if (!event.tokens.bot?.length) return;
    await forgetInstallation(ctx, {
      workspace: workspaceFromContext(context),
      isEnterpriseInstall: context.isEnterpriseInstall === true,
      eventTime: eventTime(body),
    });
  });

  return {
    start: (info) => checkStartupKey(ctx, info?.botWorkspace),
    stop: async () => {},
  };
}

/** The admin who connected sees a mode disagreement in the modal; the other admins get a DM. */
function tellOtherAdminsOfModeMismatch(
  ctx: AppContext,
  workspace: WorkspaceRef,
  key: CheckedKey,
  connectedBy: string,
): void {
  ctx.background.run('connect: key mode check', () => reportModeMismatch(ctx, workspace, key, 'stored', connectedBy));
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

import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { AppContext } from '../../context.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { FormState } from '../../views/form-values.js';
import { openSession } from '../shared/session.js';
import { openSequenceEditor, saveSequenceEdit } from './sequence-service.js';
import { SEQUENCE_BLOCKS, SEQUENCE_CALLBACK, sequenceEditorModal, sequenceSavedModal } from './sequence-views.js';

/** `/pivotal phases` (admins): the workspace's onboarding phases, renamed, reordered, added or archived in one modal. */
export function registerPhaseSequence(app: SlackListeners, ctx: AppContext, router: CommandRouter): void {
  router.register(phasesCommand(ctx));
  app.view(SEQUENCE_CALLBACK, sequenceSubmitted(ctx));
}

function phasesCommand(ctx: AppContext): Subcommand {
  return {
    name: 'phases',
    summary: "edit the workspace's onboarding phases: rename, reorder, add, archive",
    task: 'admin',
    handle: async ({ ack, body, client, context }) => {
      const session = await openSession(ctx, context);
      const access = await openSequenceEditor(ctx, session, { userId: body.user_id, slack: client });
      if (!access.ok) {
        await ack(access.refusal.message());
        return;
      }
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: sequenceEditorModal(access.data, session.mode) });
    },
  };
}

function sequenceSubmitted(ctx: AppContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, body, view, client, context }) => {
    const session = await openSession(ctx, context);
    const form = FormState.from(view.state.values);
    const edit = { active: form.rawText(SEQUENCE_BLOCKS.active), archived: form.rawText(SEQUENCE_BLOCKS.archived) };
    const result = await saveSequenceEdit(ctx, session, { userId: body.user.id, slack: client }, edit);
    if (!result.ok) await ack({ response_action: 'errors', errors: result.errors });
    else await ack({ response_action: 'update', view: sequenceSavedModal(result.phases, session.mode) });
  };
}

import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { MOVE_OPEN_ACTION } from '../../notifications/post-views.js';
import type { KeyMode } from '../../domain/key-mode.js';
import type { CommandRouter, Subcommand } from '../../slack/command-router.js';
import type { ActionHandler, SlackListeners, ViewSubmissionHandler } from '../../slack/listener-registry.js';
import { ephemeral } from '../../views/ephemeral.js';
import { FILL_FAILED_TEXT, fillLoadingModal } from '../shared/loading-modal.js';
import { openSession, type Session } from '../shared/session.js';
import { checkSubmission, openMove, pickAnyOnboarding, saveMove, type MoveScreen } from './move-service.js';
import { awaitAnswer, claimSubmission, rememberAnswer, submissionId } from './move-submissions.js';
import {
  loadingModal,
  messageModal,
  MOVE_BLOCKS,
  MOVE_PICK_CALLBACK,
  MOVE_SUBMIT_CALLBACK,
  movedModal,
  moveFormModal,
  pickModal,
  savingModal,
} from './move-views.js';
import { MoveOpenBody, moveInput, parseSnapshot } from './payloads.js';
import { FormState } from '../../views/form-values.js';

function render(screen: MoveScreen, mode: KeyMode | null) {
  switch (screen.kind) {
    case 'message':
      return messageModal(screen.text, mode);
    case 'pick':
      return pickModal(screen.candidates, screen.reference, mode);
    case 'form':
      return moveFormModal(screen.form);
    case 'moved':
      return movedModal(screen.result);
  }
}

/**
 * Fills a modal that is already open. Should the work itself fail, the modal says so before the
 * error goes on to the global handler (which logs it with a reference), instead of loading for ever.
 * `shown` hears of whatever the modal ends up showing, the failure included.
 */
function fillModal(
  client: WebClient,
  viewId: string,
  mode: KeyMode | null,
  work: () => Promise<MoveScreen>,
  shown?: (view: ModalView) => Promise<void>,
): Promise<void> {
  return fillLoadingModal(
    client,
    viewId,
    async () => render(await work(), mode),
    () => messageModal(FILL_FAILED_TEXT, mode),
    shown,
  );
}

const STALE_FORM = 'This form is from an older version of the app. Close it and run `/pivotal move` again.';

/** Phase moves: `/pivotal move`, every "Move phase" button (posts, Home, customer cards), the pick and the form. */
export function registerMove(app: SlackListeners, ctx: AppContext, router: CommandRouter): void {
  router.register(moveCommand(ctx));
  app.action(MOVE_OPEN_ACTION, moveOpened(ctx));
  app.view(MOVE_PICK_CALLBACK, movePicked(ctx));
  app.view(MOVE_SUBMIT_CALLBACK, moveSubmitted(ctx));
}

/** `/pivotal move <customer or #number>`: a loading modal at once (the trigger expires), then the form or a pick. */
function moveCommand(ctx: AppContext): Subcommand {
  return {
    name: 'move',
    summary: 'move an onboarding to another phase, or change its state or target launch date',
    task: 'move',
    example: '/pivotal move Acme Corp',
    handle: async ({ ack, args, body, client, context }) => {
      const session = await openSession(ctx, context);
      if (!args) {
        await ack(
          ephemeral(
            'Which onboarding? Name its customer or give its number, e.g. `/pivotal move Acme Corp` or `/pivotal move #12`.',
            session.mode,
          ),
        );
        return;
      }
      await ack();
      const opened = await client.views.open({ trigger_id: body.trigger_id, view: loadingModal(session.mode) });
      await fillModal(client, opened.view!.id!, session.mode, () =>
        openMove(ctx, session, { userId: body.user_id, slack: client }, { reference: args }),
      );
    },
  };
}

/** The "Move an onboarding" shortcut: a loading modal at once (the trigger expires), then the picker. */
export async function openMovePicker(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  triggerId: string,
): Promise<void> {
  const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal(session.mode) });
  await fillModal(client, opened.view!.id!, session.mode, () => pickAnyOnboarding(ctx, session));
}

/** A "Move phase" button. */
function moveOpened(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    await ack();
    const payload = MoveOpenBody.parse(body);
    const session = await openSession(ctx, context);
    const loading = { trigger_id: payload.trigger_id, view: loadingModal(session.mode) };
    // From a modal (a customer card) the move stacks on top of it; from a message or Home it opens.
    const opened = payload.view?.type === 'modal' ? await client.views.push(loading) : await client.views.open(loading);
    const actor = { userId: payload.user.id, slack: client };
    await fillModal(client, opened.view!.id!, session.mode, () =>
      openMove(ctx, session, actor, { onboardingId: payload.actions[0]!.value }),
    );
  };
}

/** The onboarding picked among several that matched the command's words. */
function movePicked(ctx: AppContext): ViewSubmissionHandler {
  return async ({ ack, body, view, client, context }) => {
    const onboardingId = FormState.from(view.state.values).option(MOVE_BLOCKS.pick)?.value;
    if (!onboardingId) {
      await ack({ response_action: 'errors', errors: { [MOVE_BLOCKS.pick]: 'Pick the onboarding to move.' } });
      return;
    }
    const session = await openSession(ctx, context);
    await ack({ response_action: 'update', view: loadingModal(session.mode) });
    await fillModal(client, view.id, session.mode, () =>
      openMove(ctx, session, { userId: body.user.id, slack: client }, { onboardingId }),
    );
  };
}

/** The move form: checked, claimed once per submission, saved in Pivotal, answered in the modal. */
function moveSubmitted(ctx: AppContext): ViewSubmissionHandler {
  return async ({ ack, body, view, client, context }) => {
    const session = await openSession(ctx, context);
    const snapshot = parseSnapshot(view.private_metadata);
    if (!snapshot) {
      await ack({ response_action: 'update', view: messageModal(STALE_FORM, session.mode) });
      return;
    }
    const input = moveInput(FormState.from(view.state.values));
    const actor = { userId: body.user.id, slack: client };
    const check = await checkSubmission(ctx, session, actor, snapshot, input);
    if (!check.ok) {
      await ack({ response_action: 'errors', errors: check.errors });
      return;
    }
    // Copies of one submission (Slack's duplicates, a double click) reach Pivotal once.
    const submission = {
      workspaceId: session.workspaceId,
      id: submissionId(view),
      onboardingId: snapshot.shown.id,
      userId: body.user.id,
    };
    const claim = await claimSubmission(ctx, submission);
    if (claim.kind === 'answered') {
      await ack({ response_action: 'update', view: claim.view });
      return;
    }
    await ack({ response_action: 'update', view: savingModal(session.mode) });
    if (claim.kind === 'in-flight') {
      const answer = await awaitAnswer(ctx, submission);
      if (answer) await client.views.update({ view_id: view.id, view: answer });
      return;
    }
    const interaction = `slack:${view.id}:${snapshot.shown.updatedAt ?? ''}`;
    await fillModal(
      client,
      view.id,
      session.mode,
      () => saveMove(ctx, session, actor, { snapshot, plan: check.plan, entered: input, interaction }),
      // Losing the answer only costs a later copy its wait; the person must still see the outcome.
      (shown) =>
        rememberAnswer(ctx, submission, shown).catch((err: unknown) =>
          ctx.logger.warn({ err }, 'could not keep the answer to a move submission'),
        ),
    );
  };
}

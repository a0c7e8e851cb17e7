import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { ActionHandler, SlackListeners, ViewSubmissionHandler } from '../../slack/listener-registry.js';
import { workspaceId, type WorkspaceRef } from '../../domain/workspace-ref.js';
import type { KeyMode } from '../../domain/key-mode.js';
import { refuseUnlessAdmin } from '../../security/admin-guard.js';
import { createClaim, decideClaim, getClaim, isSeenPivotalUser } from '../../store/people.js';
import { assignPivotalUser, setUserMapping, slackUsersFor } from '../../store/user-mappings.js';
import { mrkdwn } from '../../views/text.js';
import { noticeModal } from '../../views/banners.js';
import { FormState } from '../../views/form-values.js';
import { publishHome } from '../home/service.js';
import { openSession, type Session } from '../shared/session.js';
import { peopleRows, personName, PIVOTAL_USER_ID, slackPersonProblem } from './service.js';
import {
  CLAIM_APPROVE,
  CLAIM_CALLBACK,
  CLAIM_DECLINE,
  CLAIM_OPEN,
  claimModal,
  claimRequestMessage,
  MAP_BLOCKS,
  mapModal,
  PEOPLE_MAP_CALLBACK,
  PEOPLE_MAP_OPEN,
  PEOPLE_OPEN,
  PEOPLE_REMOVE,
  peopleModal,
  pivotalIdText,
  textMessage,
  type MapModalState,
} from './views.js';

const Press = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  view: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  actions: z.tuple([z.object({ value: z.string().optional() })]).rest(z.unknown()),
});
const Submission = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    private_metadata: z.string().optional(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  }),
});
const MAP_PEOPLE = 'map Slack people to Pivotal users';
const MapState = z.object({ rootViewId: z.string().nullable(), confirmUnseen: z.string().nullable() });

function mapState(raw: string | undefined): MapModalState {
  try {
    return MapState.parse(JSON.parse(raw ?? '{}'));
  } catch {
    return { rootViewId: null, confirmUnseen: null };
  }
}

/**
 * People settings (admins map Slack people to Pivotal user ids), "These are mine" (anyone claims an
 * id; an admin approves when someone else holds it) and the admins' one-click decision in a DM.
 */
export function registerPeople(app: SlackListeners, ctx: AppContext): void {
  app.action(PEOPLE_OPEN, peopleOpened(ctx));
  app.action(PEOPLE_MAP_OPEN, mapOpened(ctx));
  app.action(PEOPLE_REMOVE, mappingRemoved(ctx));
  app.view(PEOPLE_MAP_CALLBACK, mappingSubmitted(ctx));
  app.action(CLAIM_OPEN, claimOpened(ctx));
  app.view(CLAIM_CALLBACK, claimSubmitted(ctx));
  app.action(CLAIM_APPROVE, claimDecided(ctx, true));
  app.action(CLAIM_DECLINE, claimDecided(ctx, false));
}

function refusal(ctx: AppContext, client: WebClient, session: Session, userId: string) {
  return refuseUnlessAdmin(ctx, session, { userId, slack: client }, MAP_PEOPLE);
}

/** Draws the People list again under the modal on top of it, if it is still open. */
async function refreshList(
  ctx: AppContext,
  client: WebClient,
  workspace: WorkspaceRef,
  viewId: string | null,
  mode: KeyMode | null,
): Promise<void> {
  if (!viewId) return;
  await client.views
    .update({ view_id: viewId, view: peopleModal(await peopleRows(ctx, workspaceId(workspace)), mode) })
    .catch((err: unknown) => ctx.logger.info({ err }, 'people: the list was closed before it could be refreshed'));
}

/** Home › People: the list of Pivotal user ids and who they are in Slack. */
function peopleOpened(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = Press.parse(body);
    const session = await openSession(ctx, context);
    const view =
      (await refusal(ctx, client, session, press.user.id))?.modal() ??
      peopleModal(await peopleRows(ctx, session.workspaceId), session.mode);
    await client.views.open({ trigger_id: press.trigger_id, view });
  };
}

/** A row's "Map": the mapping form, stacked on the list. */
function mapOpened(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = Press.parse(body);
    const session = await openSession(ctx, context);
    const view =
      (await refusal(ctx, client, session, press.user.id))?.modal() ??
      mapModal({
        pivotalUserId: press.actions[0].value ?? '',
        slackUserId: null,
        state: { rootViewId: press.view?.id ?? null, confirmUnseen: null },
        mode: session.mode,
      });
    await client.views.push({ trigger_id: press.trigger_id, view });
  };
}

/** A row's "Remove": the Slack person no longer stands for that Pivotal user. */
function mappingRemoved(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = Press.parse(body);
    const session = await openSession(ctx, context);
    const refused = await refusal(ctx, client, session, press.user.id);
    if (refused) {
      await client.views.push({ trigger_id: press.trigger_id, view: refused.modal() });
      return;
    }
    const slackUser = press.actions[0].value ?? '';
    await setUserMapping(ctx.store.db, session.workspaceId, slackUser, null, ctx.now().toISOString());
    ctx.logger.info({ workspace: session.workspaceId, by: press.user.id, slackUser }, 'people: mapping removed');
    await refreshList(ctx, client, session.workspace, press.view?.id ?? null, session.mode);
    await publishHome(ctx, client, session.workspace, press.user.id);
  };
}

/** What is wrong with a mapping as entered, per field; empty when it can be saved. */
async function mappingErrors(
  ctx: AppContext,
  client: WebClient,
  ws: string,
  slackUser: string | null | undefined,
  pivotalId: string,
): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  if (!slackUser) errors[MAP_BLOCKS.person] = 'Pick the Slack person to map.';
  else {
    const problem = await slackPersonProblem(client, slackUser);
    if (problem) errors[MAP_BLOCKS.person] = problem;
  }
  if (!PIVOTAL_USER_ID.test(pivotalId))
    errors[MAP_BLOCKS.pivotalId] =
      'A Pivotal user id is one word of letters, digits and _ . : @ - (at most 100), e.g. user_csm_001: the csm_id of their onboardings, not a name.';
  else if (slackUser) {
    const other = (await slackUsersFor(ctx.store.db, ws, pivotalId)).find((u) => u !== slackUser);
    if (other)
      errors[MAP_BLOCKS.pivotalId] =
        `${pivotalId} is already mapped to ${await personName(client, other)}. Remove that mapping in People first: one Pivotal user is one person.`;
  }
  return errors;
}

/** The mapping form: checked, confirmed once when no onboarding has that id yet, then saved. */
function mappingSubmitted(ctx: AppContext): ViewSubmissionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, view, client, context }) => {
    const submission = Submission.parse(body);
    const form = FormState.from(submission.view.state.values);
    const state = mapState(submission.view.private_metadata);
    const session = await openSession(ctx, context);
    const ws = session.workspaceId;
    const slackUser = form.user(MAP_BLOCKS.person);
    const pivotalId = form.text(MAP_BLOCKS.pivotalId);
    const refused = await refusal(ctx, client, session, submission.user.id);
    if (refused) return ack(refused.onSubmission(view, MAP_BLOCKS.person));
    const errors = await mappingErrors(ctx, client, ws, slackUser, pivotalId);
    if (Object.keys(errors).length) return ack({ response_action: 'errors', errors });
    if (state.confirmUnseen !== pivotalId && !(await isSeenPivotalUser(db, ws, pivotalId))) {
      const view = mapModal({
        pivotalUserId: pivotalId,
        slackUserId: slackUser,
        state: { ...state, confirmUnseen: pivotalId },
        mode: session.mode,
      });
      return ack({ response_action: 'update', view });
    }
    await ack();
    await setUserMapping(db, ws, slackUser!, pivotalId, ctx.now().toISOString());
    ctx.logger.info({ workspace: ws, by: submission.user.id, slackUser }, 'people: mapping saved');
    await refreshList(ctx, client, session.workspace, state.rootViewId, session.mode);
    await publishHome(ctx, client, session.workspace, submission.user.id);
  };
}

/** Home's "These are mine": the ids that own onboardings, but not the presser's own. */
function claimOpened(ctx: AppContext): ActionHandler {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = Press.parse(body);
    const session = await openSession(ctx, context);
    const rows = await peopleRows(ctx, session.workspaceId);
    const choices = rows.filter((r) => r.onboardings > 0 && r.slackUserId !== press.user.id);
    await client.views.open({ trigger_id: press.trigger_id, view: claimModal(choices, session.mode) });
  };
}

const claimNotice = (text: string) => noticeModal('These are mine', [{ type: 'section', text: mrkdwn(text) }]);

/** A claim: a free id is the claimer's at once; one held by someone else goes to the admins to decide. */
function claimSubmitted(ctx: AppContext): ViewSubmissionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    const submission = Submission.parse(body);
    const pivotalId = FormState.from(submission.view.state.values).option(MAP_BLOCKS.claim)?.value;
    if (!pivotalId)
      return ack({ response_action: 'errors', errors: { [MAP_BLOCKS.claim]: 'Pick your Pivotal user id.' } });
    const session = await openSession(ctx, context);
    const ws = session.workspaceId;
    const claimer = submission.user.id;
    const now = ctx.now().toISOString();
    const holder = (await slackUsersFor(db, ws, pivotalId)).find((u) => u !== claimer) ?? null;
    if (!holder) {
      await setUserMapping(db, ws, claimer, pivotalId, now);
      ctx.logger.info({ workspace: ws, slackUser: claimer }, 'people: a free Pivotal user id was claimed');
      await ack({
        response_action: 'update',
        view: claimNotice(
          `:white_check_mark: ${pivotalIdText(pivotalId)} is yours: its onboardings are now listed as yours, and you hear about them.`,
        ),
      });
      await publishHome(ctx, client, session.workspace, claimer);
      return;
    }
    const claimId = await createClaim(db, ws, claimer, pivotalId, now);
    const admins = await ctx.permissions.admins(client, ws);
    const owns = (await peopleRows(ctx, ws)).find((r) => r.pivotalUserId === pivotalId) ?? {
      onboardings: 0,
      exampleCustomers: [],
    };
    await ack({
      response_action: 'update',
      view: claimNotice(
        `:hourglass_flowing_sand: ${pivotalIdText(pivotalId)} is mapped to someone else, so an admin decides: ${admins.map((a) => `<@${a}>`).join(', ') || 'no admin found'} got your request in a DM.`,
      ),
    });
    const message = claimRequestMessage({
      claimId,
      claimer,
      pivotalUserId: pivotalId,
      holder,
      owns,
      mode: session.mode,
    });
    await sendToAdmins(ctx, client, admins, message);
  };
}

/** The claim in each admin's DM, one after the other; an admin Slack refuses does not stop the others. */
async function sendToAdmins(
  ctx: AppContext,
  client: WebClient,
  admins: readonly string[],
  message: ReturnType<typeof claimRequestMessage>,
): Promise<void> {
  for (const admin of admins) {
    await client.chat
      .postMessage({ channel: admin, ...message })
      .catch((err: unknown) => ctx.logger.warn({ err, admin }, 'people: could not send a claim to an admin'));
  }
}

/** An admin's "Approve" or "Decline" in the claim's DM: decided once, the DM and the claimer told. */
function claimDecided(ctx: AppContext, approve: boolean): ActionHandler {
  const db = ctx.store.db;
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = Press.parse(body);
    const session = await openSession(ctx, context);
    const ws = session.workspaceId;
    const admin = press.user.id;
    const channel = press.container?.channel_id;
    const ts = press.container?.message_ts;
    const answer = async (text: string) => {
      if (channel && ts) await client.chat.update({ channel, ts, ...textMessage(text, session.mode) });
    };
    const refused = await refuseUnlessAdmin(
      ctx,
      session,
      { userId: admin, slack: client },
      'decide who a Pivotal user is',
    );
    if (refused) return answer(refused.text);
    const claim = await getClaim(db, ws, press.actions[0].value ?? '');
    if (!claim) return answer('This request is no longer known.');
    const now = ctx.now().toISOString();
    if (!(await decideClaim(db, claim.id, approve ? 'approved' : 'declined', admin, now)))
      return answer(`This request was already ${claim.status}.`);
    const id = pivotalIdText(claim.pivotal_user_id);
    if (approve) await assignPivotalUser(db, ws, claim.slack_user_id, claim.pivotal_user_id, now);
    ctx.logger.info({ workspace: ws, by: admin, approved: approve }, 'people: a claim was decided');
    await answer(
      `${approve ? ':white_check_mark: Approved' : ':x: Declined'} by <@${admin}>: ${id} → <@${claim.slack_user_id}>.`,
    );
    await tellClaimer(ctx, client, claim.slack_user_id, {
      text: approve
        ? `:white_check_mark: <@${admin}> approved: ${id} is yours now, and so are its onboardings.`
        : `:x: <@${admin}> declined your claim on ${id}. Ask them if you think it is yours.`,
      mode: session.mode,
    });
    if (approve) await publishHome(ctx, client, session.workspace, claim.slack_user_id);
  };
}

/** A DM to the person who claimed; the decision stands should Slack not deliver it. */
async function tellClaimer(
  ctx: AppContext,
  client: WebClient,
  claimer: string,
  decision: { text: string; mode: KeyMode | null },
): Promise<void> {
  await client.chat
    .postMessage({ channel: claimer, ...textMessage(decision.text, decision.mode) })
    .catch((err: unknown) => ctx.logger.warn({ err }, 'people: could not tell the claimer'));
}

import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { HomeView, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../context.js';
import { getWorkspace } from '../store/workspaces.js';
import { LIMITS, mrkdwn, plain } from '../views/text.js';
import { workspaceId } from '../domain/workspace-ref.js';
import { actorOf, isGuest, type Host, type PersonRecord } from './membership.js';

const PEOPLE_CACHE_MS = 10 * 60_000;
const PEOPLE_CACHE_MAX = 5_000;

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;
type Body = Record<string, unknown> & {
  type?: string;
  command?: string;
  response_url?: string;
  container?: { type?: string };
  view?: { id?: string; type?: string };
};

/** The line every refused person reads: it names the host and shows nothing of its data. */
export function guestRefusal(workspaceName: string | undefined): string {
  return `:lock: This app serves ${workspaceName ? `*${workspaceName}*` : "this workspace's"} members only, so it cannot show or change anything for you here.`;
}

/** What an outsider's Home shows: the refusal alone, published in place of the host's Home. */
function refusalHome(line: string): HomeView {
  return { type: 'home', blocks: [{ type: 'section', text: mrkdwn(line) }] };
}

function refusalModal(line: string): ModalView {
  return {
    type: 'modal',
    title: plain('Pivotal', LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [{ type: 'section', text: mrkdwn(line) }],
  };
}

/**
 * Runs before every listener. A request from someone outside the host organisation (see
 * membership.ts for the rule) is answered here, politely and in the place Slack expects for its
 * kind, and goes no further: no listener runs, so no store read, Pivotal call or post happens.
 */
export function guestGuard(ctx: AppContext): Middleware<AnyMiddlewareArgs> {
  const people = new Map<string, { value: PersonRecord; expires: number }>();

  /**
   * Slack's own record of the person, kept a while so a member's Home opens ask Slack once per
   * period; failing to ask is not cached and counts as "not the host's" (see membership.ts).
   */
  async function recordOf(client: WebClient, hostId: string, userId: string): Promise<PersonRecord | undefined> {
    const key = `${hostId}\u0000${userId}`;
    const cached = people.get(key);
    if (cached && cached.expires > Date.now()) return cached.value;
    let value: PersonRecord;
    try {
      const res = await client.users.info({ user: userId });
      const user = res.user as { team_id?: string; enterprise_user?: { enterprise_id?: string } } | undefined;
      value = { teamId: user?.team_id || undefined, enterpriseId: user?.enterprise_user?.enterprise_id || undefined };
    } catch (err) {
      ctx.logger.warn(
        { err, userId },
        'users.info failed while checking whether a person belongs to this organisation',
      );
      return undefined;
    }
    if (people.size >= PEOPLE_CACHE_MAX) people.clear();
    people.set(key, { value, expires: Date.now() + PEOPLE_CACHE_MS });
    return value;
  }

  return async (args) => {
    const a = args as Args;
    const host: Host = { teamId: a.context.teamId, enterpriseId: a.context.enterpriseId };
    const hostId = host.teamId
      ? workspaceId({ teamId: host.teamId, enterpriseId: host.enterpriseId })
      : (host.enterpriseId ?? '');
    const actor = actorOf(a.body);
    if (!(await isGuest(actor, host, (userId) => recordOf(a.client, hostId, userId)))) {
      await a.next();
      return;
    }
    ctx.logger.info(
      { kind: (a.body as Body).type ?? 'command', actorTeam: actor.teamId, externalChannel: actor.inExternalChannel },
      'refused a request from outside the workspace',
    );
    await refuse(a, guestRefusal(await workspaceName(ctx, a, hostId)));
  };
}

async function workspaceName(ctx: AppContext, args: Args, hostId: string): Promise<string | undefined> {
  const fromAuth = (args.context as { teamName?: unknown }).teamName;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  return (await getWorkspace(ctx.store.db, hostId))?.team_name ?? undefined;
}

/**
 * Answers in the place each kind of request expects. Events were acked by Bolt; only opening the Home
 * tab gets an answer, the refusal as their Home, so they never see a stale or empty one.
 */
async function refuse(args: Args, line: string): Promise<void> {
  const body = args.body as Body;
  if (body.type === 'event_callback') {
    const event = (body as { event?: { type?: unknown; user?: unknown; tab?: unknown } }).event;
    if (event?.type === 'app_home_opened' && typeof event.user === 'string' && (event.tab ?? 'home') === 'home')
      await args.client.views.publish({ user_id: event.user, view: refusalHome(line) });
    return;
  }
  const ack = (args as { ack?: (answer?: unknown) => Promise<void> }).ack;
  if (!ack) return;
  if (typeof body.command === 'string') return ack({ response_type: 'ephemeral', text: line });
  switch (body.type) {
    case 'view_submission':
      return ack({ response_action: 'update', view: refusalModal(line) });
    case 'block_suggestion':
      return ack({ options: [] });
    case 'block_actions': {
      await ack();
      const respond = (args as { respond?: (message: unknown) => Promise<unknown> }).respond;
      if (body.response_url && respond) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: line });
      } else if (body.container?.type === 'view' && body.view?.type === 'modal' && body.view.id) {
        await args.client.views.update({ view_id: body.view.id, view: refusalModal(line) });
      }
      return;
    }
    case 'shortcut':
    case 'message_action': {
      await ack();
      // A shortcut has no reply URL for this: the trigger opens a modal that says why nothing happens.
      const triggerId = (body as { trigger_id?: unknown }).trigger_id;
      if (typeof triggerId === 'string')
        await args.client.views.open({ trigger_id: triggerId, view: refusalModal(line) });
      return;
    }
    default:
      return ack();
  }
}

/**
 * Who a Slack request acts for, and whether that person belongs to the workspace the app is
 * installed in. In a Slack Connect channel people of another organisation click our buttons and
 * type our command too; they must get nothing of the host's data.
 *
 * The rule: a person is a member when their home team is the host team, or, when the host is part
 * of an Enterprise Grid, when they belong to the same enterprise (a colleague from a sibling
 * workspace of one organisation is not a guest). Everyone else is a guest. A request that names no
 * acting team (lifecycle events such as app_uninstalled) is not about a person and passes, except an
 * event that names a person but never their team (app_home_opened): there Slack's record of the
 * person says which team they belong to.
 */

export interface Actor {
  userId: string | undefined;
  /** The acting person's home team, as the payload names it. */
  teamId: string | undefined;
  /** Events API: the event happened in a channel shared with another organisation. */
  inExternalChannel: boolean;
  /** The payload names the person but never their team, so a missing `teamId` is no answer. */
  teamUnstated?: boolean;
}

/** Slack's own record of a person (users.info): their home team and, inside a Grid, their enterprise. */
export interface PersonRecord {
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

/** Events about a person whose payload carries no team of theirs (no `user_team`, no user object). */
const EVENTS_WITHOUT_TEAM = new Set(['app_home_opened']);

export interface Host {
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;
const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;

/**
 * Where each kind of payload names the acting person's team:
 * - slash commands: `user_team` when Slack sends it, otherwise `team_id`, which is the team the
 *   person was in when they typed the command;
 * - interactions (block_actions, view_submission, view_closed, block_suggestion, shortcuts):
 *   `user.team_id` (`team` is the installation's context and may be the host's, so it only
 *   stands in when a payload leaves the person's team out);
 * - events: the event's `user_team`, or `user.team_id` where the user is an object, and the
 *   envelope's `is_ext_shared_channel`.
 */
export function actorOf(body: unknown): Actor {
  const b = record(body) ?? {};
  if (typeof b.command === 'string') {
    return { userId: text(b.user_id), teamId: text(b.user_team) ?? text(b.team_id), inExternalChannel: false };
  }
  if (b.type === 'event_callback') {
    const event = record(b.event) ?? {};
    const user = record(event.user);
    return {
      userId: text(event.user) ?? text(user?.id),
      teamId: text(event.user_team) ?? text(user?.team_id),
      inExternalChannel: b.is_ext_shared_channel === true,
      ...(EVENTS_WITHOUT_TEAM.has(String(event.type)) ? { teamUnstated: true } : {}),
    };
  }
  const user = record(b.user);
  return { userId: text(user?.id), teamId: text(user?.team_id) ?? text(record(b.team)?.id), inExternalChannel: false };
}

/**
 * True when the request comes from outside the host organisation. `recordOf` (Slack's own record of
 * the person) is asked only when the payload cannot answer: its team is unstated, or the teams differ
 * inside a Grid. The enterprise ids in payloads describe where the request happened, not whom it came
 * from, so trusting them could let a guest in; a person Slack cannot describe is kept out.
 */
export async function isGuest(
  actor: Actor,
  host: Host,
  recordOf: (userId: string) => Promise<PersonRecord | undefined>,
): Promise<boolean> {
  if (actor.inExternalChannel) return true;
  let teamId = actor.teamId;
  if (!teamId && actor.teamUnstated) {
    if (!actor.userId) return true;
    teamId = (await recordOf(actor.userId))?.teamId;
    if (!teamId) return true;
  }
  if (!teamId || teamId === host.teamId) return false;
  if (!host.enterpriseId) return true;
  if (!actor.userId) return true;
  return (await recordOf(actor.userId))?.enterpriseId !== host.enterpriseId;
}

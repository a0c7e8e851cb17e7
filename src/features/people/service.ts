import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { seenPivotalUsers } from '../../store/people.js';
import { listUserMappings } from '../../store/user-mappings.js';
import type { PersonRow } from './views.js';

/** A Pivotal user id: one word, as Pivotal writes them (`user_csm_001`); "Casey!!" is a name, not an id. */
export const PIVOTAL_USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/;

/** Every id seen on onboardings, with its person, then the mapped ids no onboarding has (yet). */
export async function peopleRows(ctx: AppContext, workspaceId: string): Promise<PersonRow[]> {
  const db = ctx.store.db;
  const [seen, mappings] = await Promise.all([seenPivotalUsers(db, workspaceId), listUserMappings(db, workspaceId)]);
  const holder = new Map<string, string>();
  for (const m of mappings) if (!holder.has(m.pivotal_user_id)) holder.set(m.pivotal_user_id, m.slack_user_id);
  const rows: PersonRow[] = seen.map((s) => ({ ...s, slackUserId: holder.get(s.pivotalUserId) ?? null }));
  const listed = new Set(rows.map((r) => r.pivotalUserId));
  for (const m of mappings)
    if (!listed.has(m.pivotal_user_id))
      rows.push({
        pivotalUserId: m.pivotal_user_id,
        onboardings: 0,
        exampleCustomers: [],
        slackUserId: m.slack_user_id,
      });
  return rows;
}

/**
 * Why this Slack user cannot own onboardings, or null. Slack's users.info says whether the account
 * is deactivated or a bot: neither can read a DM.
 */
export async function slackPersonProblem(client: WebClient, slackUserId: string): Promise<string | null> {
  try {
    const res = await client.users.info({ user: slackUserId });
    const user = res.user;
    const name = user?.real_name || user?.name || 'This person';
    if (user?.deleted) return `${name} is deactivated in Slack: pick someone who can read their DMs.`;
    if (user?.is_bot || user?.id === 'USLACKBOT') return `${name} is a bot: pick a person.`;
    return null;
  } catch {
    return 'Slack does not know this person (they may have left the workspace): pick someone else.';
  }
}

/** How a person is named in a plain-text field error (mentions do not render there). */
export async function personName(client: WebClient, slackUserId: string): Promise<string> {
  try {
    const res = await client.users.info({ user: slackUserId });
    const u = res.user;
    return u?.real_name ? `${u.real_name}${u.name ? ` (@${u.name})` : ''}` : u?.name ? `@${u.name}` : slackUserId;
  } catch {
    return slackUserId;
  }
}

import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { BoundedMap } from '../shared/bounded-map.js';

const ADMIN_CACHE_MS = 5 * 60_000;
/**
 * Answers kept at most (each a few dozen bytes); past that the least recently asked go first. Far more
 * people than click within five minutes in any one deployment, so the limit only bounds memory.
 */
export const ADMIN_CACHE_SIZE = 20_000;

/**
 * Who may connect, rotate, disconnect and change settings: Slack workspace admins and owners, plus
 * `configuredAdmins` (PIVOTAL_ADMIN_SLACK_IDS, given only when the app serves a single workspace: with
 * OAuth distribution a listed id would be an admin of every workspace that installs it). Slack is asked
 * (users.info, users.list) and the answer kept for a few minutes, so a burst of clicks is not a burst
 * of Slack calls.
 */
export class Permissions {
  /** By workspace and user: in an Enterprise Grid one user id is a member of several workspaces, admin of some. */
  private readonly users: BoundedMap<string, boolean>;
  private readonly adminLists: BoundedMap<string, string[]>;

  constructor(
    private readonly configuredAdmins: readonly string[],
    private readonly logger: Logger,
    now: () => number = Date.now,
    capacity = ADMIN_CACHE_SIZE,
  ) {
    this.users = new BoundedMap({ capacity, maxAgeMs: ADMIN_CACHE_MS, now });
    this.adminLists = new BoundedMap({ capacity, maxAgeMs: ADMIN_CACHE_MS, now });
  }

  /** `client` must be the workspace's own client: users.info answers for the workspace of its token. */
  async isAdmin(client: WebClient, workspaceId: string, userId: string): Promise<boolean> {
    if (this.configuredAdmins.includes(userId)) return true;
    const cacheKey = `${workspaceId}\u0000${userId}`;
    const cached = this.users.get(cacheKey);
    if (cached !== undefined) return cached;
    let value = false;
    try {
      const res = await client.users.info({ user: userId });
      value = Boolean(res.user?.is_admin || res.user?.is_owner || res.user?.is_primary_owner);
    } catch (err) {
      // Refusing is the safe answer when Slack cannot tell us; the refusal names who can act.
      this.logger.warn({ err, workspaceId, userId }, 'users.info failed while checking admin rights');
      return false;
    }
    this.users.set(cacheKey, value);
    return value;
  }

  /** Every admin of the workspace: configured ones first, then Slack's admins and owners. */
  async admins(client: WebClient, workspaceId: string): Promise<string[]> {
    const cached = this.adminLists.get(workspaceId);
    if (cached) return cached;
    const found = new Set(this.configuredAdmins);
    try {
      let cursor: string | undefined;
      do {
        const page = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
        for (const m of page.members ?? []) {
          if (m.id && !m.deleted && !m.is_bot && (m.is_admin || m.is_owner || m.is_primary_owner)) found.add(m.id);
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
    } catch (err) {
      this.logger.warn({ err, workspaceId }, 'users.list failed while listing admins');
    }
    const value = [...found];
    this.adminLists.set(workspaceId, value);
    return value;
  }
}

/** "<@U1>, <@U2> or <@U3>" — or a plain hint when nobody is known. */
export function mentionList(userIds: readonly string[]): string {
  if (userIds.length === 0) return 'a Slack workspace admin';
  const mentions = userIds.slice(0, 5).map((id) => `<@${id}>`);
  return mentions.length === 1 ? mentions[0]! : `${mentions.slice(0, -1).join(', ')} or ${mentions.at(-1)!}`;
}

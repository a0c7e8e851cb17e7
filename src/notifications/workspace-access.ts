import type { AppContext } from '../context.js';
import { createInstallationStore } from '../store/installation-store.js';
import type { WorkspaceRef } from '../slack/workspace-ref.js';
import type { KeyMode } from '../views/test-key-label.js';

/** The inverse of workspaceId(): background work starts from a stored id, not from a Slack request. */
export function workspaceRefFromId(id: string): WorkspaceRef {
  const [first, second] = id.split(':');
  return second ? { enterpriseId: first, teamId: second } : { teamId: id };
}

/** Live or test, as the gateway decides it for requests, so posts carry the same label as modals. */
export async function workspaceMode(ctx: AppContext, workspaceId: string): Promise<KeyMode | null> {
  const connection = await ctx.pivotal.forWorkspace(workspaceRefFromId(workspaceId));
  return connection?.mode ?? null;
}

/**
 * The bot token for posting outside a request: the configured one in single-workspace modes, the
 * stored installation (team install, else the org-wide one) with OAuth.
 */
export async function botTokenFor(ctx: AppContext, workspaceId: string): Promise<string | null> {
  const slack = ctx.config.slack;
  if (slack.kind === 'http' || slack.kind === 'socket') return slack.botToken;
  if (slack.kind !== 'oauth') return null;
  const store = createInstallationStore(ctx.store.db, ctx.keyRing);
  const ref = workspaceRefFromId(workspaceId);
  const queries = [
    { teamId: ref.teamId, enterpriseId: ref.enterpriseId, isEnterpriseInstall: false as const },
    ...(ref.enterpriseId
      ? [{ teamId: undefined, enterpriseId: ref.enterpriseId, isEnterpriseInstall: true as const }]
      : []),
  ];
  for (const query of queries) {
    try {
      const installation = await store.fetchInstallation(query);
      if (installation.bot?.token) return installation.bot.token;
    } catch {
      // Not installed that way; the next kind of install is tried.
    }
  }
  return null;
}

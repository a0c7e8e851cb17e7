import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { AppContext } from '../context.js';
import { createInstallationStore } from '../store/installation-store.js';
import { workspaceRefFromId } from '../domain/workspace-ref.js';

export function slackClientOptions(ctx: AppContext): WebClientOptions {
  return {
    slackApiUrl: ctx.config.slackApiUrl,
    // Interactive paths must answer quickly; long retries belong to the outbox (WebClient's default is ~30 min).
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1500, randomize: true },
    timeout: 10_000,
  };
}

/**
 * A client for work outside a request (no listener client to borrow), with the workspace's bot
 * token; null when the workspace has none. `options` go over the usual ones where a use needs its
 * own (the outbox retries by itself, so its client does not). `reuse` keeps one client per token
 * for a caller that posts often.
 */
export async function backgroundClient(
  ctx: AppContext,
  workspaceId: string,
  options: WebClientOptions = {},
  reuse?: Map<string, WebClient>,
): Promise<WebClient | null> {
  const token = await botTokenFor(ctx, workspaceId);
  if (!token) return null;
  const known = reuse?.get(token);
  if (known) return known;
  const client = new WebClient(token, { ...slackClientOptions(ctx), ...options });
  reuse?.set(token, client);
  return client;
}

/**
 * The configured token in single-workspace modes (HTTP, Socket Mode); with OAuth the stored
 * installation, the team's own install first, else the org-wide one.
 */
async function botTokenFor(ctx: AppContext, workspaceId: string): Promise<string | null> {
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

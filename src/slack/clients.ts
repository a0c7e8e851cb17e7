import type { App, InstallationStore } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackMode } from '../config.js';
import { boltLogger } from './bolt-logger.js';
import { workspaceRefFromId } from '../domain/workspace-ref.js';
import { SharedWebClient } from './shared-web-client.js';

/**
 * Work outside a request, by who does it: `background` (Home refreshes, onboard runs taken over,
 * test-record cleanups, admin DMs) retries briefly like a listener's client; the `outbox` retries
 * and backs off by itself, so its client gives a rate limit or failure straight back.
 */
export type BackgroundUse = 'background' | 'outbox';

export interface SlackClientsDeps {
  slack: SlackMode;
  slackApiUrl: string;
  logger: Logger;
  /** Where OAuth installs keep their bot tokens (unused in single-workspace modes). */
  installations: InstallationStore;
}

/**
 * Every Slack WebClient the app makes itself, built once by bootstrap: the options of each use, one
 * client per use shared by every workspace (see shared-web-client.ts), and the one lookup of a
 * workspace's bot token.
 */
export class SlackClients {
  /** The clients Bolt hands to listeners and its installer: interactive paths must answer quickly. */
  readonly requestOptions: WebClientOptions;
  private readonly byUse: Record<BackgroundUse, SharedWebClient>;

  constructor(private readonly deps: SlackClientsDeps) {
    this.requestOptions = {
      slackApiUrl: deps.slackApiUrl,
      // WebClient's default retries last ~30 min; long retries belong to the outbox.
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1500, randomize: true },
      timeout: 10_000,
    };
    const logger = boltLogger(deps.logger);
    this.byUse = {
      background: new SharedWebClient({ ...this.requestOptions, logger }),
      outbox: new SharedWebClient({
        ...this.requestOptions,
        logger,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      }),
    };
  }

  /** The one `auth.test` at start-up: no retries, so a bad token stops the process at once. */
  identityCheck(botToken: string): WebClient {
    return new WebClient(botToken, { ...this.requestOptions, retryConfig: { retries: 0 } });
  }

  /** A client with the workspace's bot token; null when the workspace has none. */
  async forWorkspace(workspaceId: string, use: BackgroundUse = 'background'): Promise<WebClient | null> {
    const token = await this.botTokenFor(workspaceId);
    if (!token) return null;
    return this.byUse[use].forToken(token, workspaceRefFromId(workspaceId).teamId);
  }

  /**
   * The configured token in single-workspace modes (HTTP, Socket Mode); with OAuth the stored
   * installation, the team's own install first, else the org-wide one.
   */
  private async botTokenFor(workspaceId: string): Promise<string | null> {
    const { slack, installations } = this.deps;
    if (slack.kind === 'http' || slack.kind === 'socket') return slack.botToken;
    if (slack.kind !== 'oauth') return null;
    const ref = workspaceRefFromId(workspaceId);
    const queries = [
      { teamId: ref.teamId, enterpriseId: ref.enterpriseId, isEnterpriseInstall: false as const },
      ...(ref.enterpriseId
        ? [{ teamId: undefined, enterpriseId: ref.enterpriseId, isEnterpriseInstall: true as const }]
        : []),
    ];
    for (const query of queries) {
      try {
        const installation = await installations.fetchInstallation(query);
        if (installation.bot?.token) return installation.bot.token;
      } catch {
        // Not installed that way; the next kind of install is tried.
      }
    }
    return null;
  }
}

/**
 * Bolt makes a WebClient per workspace token for its listeners and keeps it for the life of the
 * process, in a per-team table (App's `clients`, read and written only as `clients[teamOrEnterpriseId]`,
 * each a pool asked to `getOrCreate(token, options)`). That table is replaced with one whose every team
 * is answered from one shared client, made from the options Bolt passes the first time (see
 * shared-web-client.ts): nothing is kept per team. Fails loudly at start-up if a Bolt upgrade moved the
 * table, rather than silently making a client per workspace again (test/unit/shared-web-client.test.ts
 * drives it through Bolt's own dispatch).
 */
export function shareBoltClients(app: App): void {
  const internals = app as unknown as { clients?: unknown };
  const current = internals.clients;
  if (typeof current !== 'object' || current === null || Object.keys(current).length > 0)
    throw new Error('Bolt no longer keeps its per-team Web API clients where expected: they cannot be shared');
  let shared: SharedWebClient | undefined;
  const pool = {
    getOrCreate: (token: string, options: WebClientOptions): WebClient => {
      const { teamId, ...common } = options;
      shared ??= new SharedWebClient(common);
      return shared.forToken(token, teamId);
    },
  };
  internals.clients = new Proxy({}, { get: () => pool, set: () => true });
}

import type { InstallationStore } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackMode } from '../config.js';
import { boltLogger } from './bolt-logger.js';
import { workspaceRefFromId } from '../domain/workspace-ref.js';

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
 * Every Slack WebClient the app makes itself, built once by bootstrap: the options of each use, and
 * the one lookup of a workspace's bot token. Clients are kept per token, so a worker that posts often
 * reuses its connection.
 */
export class SlackClients {
  /** The clients Bolt hands to listeners and its installer: interactive paths must answer quickly. */
  readonly requestOptions: WebClientOptions;
  private readonly byUse: Record<BackgroundUse, WebClientOptions>;
  private readonly known = new Map<string, WebClient>();

  constructor(private readonly deps: SlackClientsDeps) {
    this.requestOptions = {
      slackApiUrl: deps.slackApiUrl,
      // WebClient's default retries last ~30 min; long retries belong to the outbox.
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1500, randomize: true },
      timeout: 10_000,
    };
    const logger = boltLogger(deps.logger);
    this.byUse = {
      background: { ...this.requestOptions, logger },
      outbox: { ...this.requestOptions, logger, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } },
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
    const { teamId } = workspaceRefFromId(workspaceId);
    const key = `${use}:${teamId ?? ''}:${token}`;
    let client = this.known.get(key);
    if (!client) {
      client = new WebClient(token, { ...this.byUse[use], teamId });
      this.known.set(key, client);
    }
    return client;
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

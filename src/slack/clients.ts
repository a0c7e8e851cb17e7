import type { App, InstallationStore } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackMode } from '../config.js';
import { boltLogger } from './bolt-logger.js';
import { workspaceRefFromId } from '../domain/workspace-ref.js';
import { BoundedMap } from '../shared/bounded-map.js';

/**
 * WebClients kept at most, per keeper (ours, and Bolt's per-workspace pools): each costs about 26 KB
 * (it binds every Web API method to itself) and about 0.15 ms to make again, so a thousand workspaces
 * active in turn would otherwise hold some 26 MB of clients for good; past this many, the least
 * recently used is made again on its next use.
 */
export const SLACK_CLIENTS_KEPT = 100;

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
  /** Default SLACK_CLIENTS_KEPT. */
  maxClients?: number;
}

/**
 * Every Slack WebClient the app makes itself, built once by bootstrap: the options of each use, and
 * the one lookup of a workspace's bot token. Clients are kept per token, so a worker that posts often
 * reuses its connection, within SLACK_CLIENTS_KEPT.
 */
export class SlackClients {
  /** The clients Bolt hands to listeners and its installer: interactive paths must answer quickly. */
  readonly requestOptions: WebClientOptions;
  private readonly byUse: Record<BackgroundUse, WebClientOptions>;
  private readonly known: BoundedMap<string, WebClient>;

  constructor(private readonly deps: SlackClientsDeps) {
    this.known = new BoundedMap({ capacity: deps.maxClients ?? SLACK_CLIENTS_KEPT });
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

/**
 * Bolt makes a WebClient per workspace token for its listeners and keeps it for the life of the
 * process, in a per-team table it offers no option to limit (App's `clients`, read and written only
 * as `clients[teamOrEnterpriseId]`). That table is replaced with one that keeps at most `capacity`
 * teams, the least recently used going first: a dropped team's client is made again, as on its first
 * request. Fails loudly at start-up if a Bolt upgrade moved the table, rather than silently going
 * unbounded (test/unit/slack-client-bounds.test.ts proves the bound through Bolt's own dispatch).
 */
export function boundBoltClientPools(app: App, capacity = SLACK_CLIENTS_KEPT): void {
  const internals = app as unknown as { clients?: unknown };
  const current = internals.clients;
  if (typeof current !== 'object' || current === null || Object.keys(current).length > 0)
    throw new Error('Bolt no longer keeps its per-team Web API clients where expected: they cannot be bounded');
  const pools = new BoundedMap<string, unknown>({ capacity });
  internals.clients = new Proxy(
    {},
    {
      get: (_target, key) => (typeof key === 'string' ? pools.get(key) : undefined),
      set: (_target, key, value) => {
        if (typeof key === 'string') pools.set(key, value);
        return true;
      },
    },
  );
}

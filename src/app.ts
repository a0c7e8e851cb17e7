import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  HTTPReceiver,
  SocketModeReceiver,
  type AnyMiddlewareArgs,
  type AuthorizeResult,
  type CustomRoute,
  type Middleware,
} from '@slack/bolt';
import type { AppContext } from './context.js';
import type { WorkspaceRef } from './domain/workspace-ref.js';
import { boltLogger } from './slack/bolt-logger.js';
import { shareBoltClients, type SlackClients } from './slack/clients.js';
import { CommandRouter } from './slack/command-router.js';
import { createSlackHttpServer, listen } from './slack/http-server.js';
import { REPLAY_GUARD_CAPACITY, ReplayGuard } from './slack/replay-guard.js';
import { responseUrlPolicy } from './slack/response-url.js';
import { isRepeatedEvent } from './slack/event-dedupe.js';
import { guestGuard } from './slack/guest-guard.js';
import { nextAckingOnFailure, registerErrorReporting } from './slack/error-reporting.js';
import { createInstallationStore } from './store/installation-store.js';
import { createListenerRegistry, type SlackListeners } from './slack/listener-registry.js';
import { AppMetrics, SlackRequestMetrics, metricsRoute } from './metrics/index.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Bolt's default conversation store keeps per-channel state in memory and costs a middleware hop on
 * every request (a few % of CPU under load); the app keeps no conversation state, so it is off.
 */
const APP_OPTIONS = { extendedErrorHandler: true, convoStore: false } as const;

/** Bot scopes asked for at install (kept in step with manifest.yml). */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:join',
  'users:read',
  'channels:read',
  'groups:read',
  'im:write',
  'links:read',
  'links:write',
];

/** What the Slack app is given by bootstrap (the composition root). */
export interface SlackAppWiring {
  slackClients: SlackClients;
  /** HTTP routes served beside Slack's (Pivotal's webhooks). */
  routes: CustomRoute[];
  /** Global middleware run after the request envelope and the guest guard. */
  middleware: Middleware<AnyMiddlewareArgs>[];
  /** Registers every listener and `/pivotal` subcommand, before the app listens. */
  register(listeners: SlackListeners, router: CommandRouter): void;
}

export interface RunningApp {
  app: App;
  /** Where listeners are registered (the features' registry, not Bolt's own list). */
  listeners: SlackListeners;
  router: CommandRouter;
  /** The bound port in HTTP modes (useful with PORT=0), undefined in Socket Mode. */
  port: number | undefined;
  /** The interface the HTTP server is bound to (`::` or `0.0.0.0`: all of them), undefined in Socket Mode. */
  listenAddress: string | undefined;
  /** The one workspace of a single-token install, when Slack's auth.test named it at start-up. */
  botWorkspace: WorkspaceRef | undefined;
  stop(): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/** Errors that mean the bot token itself is wrong: stop with a message rather than run deaf. */
const FATAL_AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/**
 * One `auth.test` at start-up: a bad token stops the process with a clear message. The team's name
 * rides along on every request's context, for the line that turns away people of other organisations.
 */
async function botIdentity(
  ctx: AppContext,
  clients: SlackClients,
  botToken: string,
): Promise<Pick<AuthorizeResult, 'botId' | 'botUserId' | 'teamId' | 'enterpriseId'> & { teamName?: string }> {
  try {
    const res = await clients.identityCheck(botToken).auth.test();
    return {
      botId: res.bot_id,
      botUserId: res.user_id,
      teamId: res.team_id,
      enterpriseId: res.enterprise_id,
      teamName: res.team,
    };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code && FATAL_AUTH_ERRORS.has(code)) {
      throw new StartupError(
        `Slack rejected SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token (xoxb-…) from your app's "OAuth & Permissions" page.`,
      );
    }
    ctx.logger.warn({ err }, 'auth.test failed at start-up; continuing, the bot user id will be unknown');
    return {};
  }
}

function healthRoutes(ctx: AppContext): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        ctx.store
          .ping()
          .then(() =>
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ status: 'ready', store: ctx.store.dialect })),
          )
          .catch((err: unknown) => {
            ctx.logger.warn({ err }, 'readiness check: store unreachable');
            res
              .writeHead(503, { 'content-type': 'application/json' })
              .end(JSON.stringify({ status: 'unavailable', store: ctx.store.dialect }));
          });
      },
    },
  ];
}

export async function startSlackApp(ctx: AppContext, wiring: SlackAppWiring): Promise<RunningApp> {
  const { config } = ctx;
  const slack = config.slack;
  const logger = boltLogger(ctx.logger);
  const metrics = new AppMetrics(ctx);
  const requestMetrics = new SlackRequestMetrics(metrics);
  ctx.pivotal.onResponse((workspace, info) => metrics.observePivotalResponse(workspace, info));
  ctx.pivotal.onUnfitRecord((workspace, record) => metrics.observeUnfitRecord(workspace, record));
  const customRoutes = [
    ...healthRoutes(ctx),
    ...(config.metricsToken ? [metricsRoute(metrics, config.metricsToken, ctx.logger)] : []),
    ...wiring.routes,
  ];
  const clientOptions = wiring.slackClients.requestOptions;

  let app: App;
  let server: Server | undefined;
  /** Single-token modes learn their one workspace from auth.test at start-up. */
  let botWorkspace: WorkspaceRef | undefined;
  if (slack.kind === 'socket') {
    const identity = await botIdentity(ctx, wiring.slackClients, slack.botToken);
    botWorkspace = identity.teamId ? { teamId: identity.teamId, enterpriseId: identity.enterpriseId } : undefined;
    const receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger,
      customRoutes,
      installerOptions: { port: config.port, clientOptions },
    });
    app = new App({
      receiver,
      authorize: async () => ({ botToken: slack.botToken, ...identity }),
      ...APP_OPTIONS,
      logger,
      clientOptions,
    });
  } else if (slack.kind === 'http' || slack.kind === 'oauth') {
    const receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger,
      customRoutes,
      customPropertiesExtractor: requestMetrics.contextProperties,
      ...(slack.kind === 'oauth'
        ? {
            clientId: slack.clientId,
            clientSecret: slack.clientSecret,
            stateSecret: slack.stateSecret,
            scopes: BOT_SCOPES,
            installationStore: createInstallationStore(ctx.store.db, ctx.keyRing),
            installerOptions: { directInstall: true, clientOptions },
          }
        : {}),
    });
    if (slack.kind === 'http') {
      const identity = await botIdentity(ctx, wiring.slackClients, slack.botToken);
      botWorkspace = identity.teamId ? { teamId: identity.teamId, enterpriseId: identity.enterpriseId } : undefined;
      app = new App({
        receiver,
        authorize: async () => ({ botToken: slack.botToken, ...identity }),
        ...APP_OPTIONS,
        logger,
        clientOptions,
      });
    } else {
      app = new App({ receiver, ...APP_OPTIONS, logger, clientOptions });
    }
    const replays = new ReplayGuard(REPLAY_GUARD_CAPACITY, () =>
      ctx.logger.warn(
        { capacity: REPLAY_GUARD_CAPACITY },
        'the replay guard is full: the oldest remembered Slack signatures are being dropped',
      ),
    );
    metrics.watchReplayGuard(() => replays.size);
    server = createSlackHttpServer({
      receiver,
      app,
      boltLogger: logger,
      customProperties: requestMetrics.contextProperties,
      endpoint: SLACK_EVENTS_PATH,
      signingSecret: slack.signingSecret,
      replays,
      isSlackUrl: responseUrlPolicy(config.slackApiUrl),
      logger: ctx.logger,
    });
    requestMetrics.attach(server, SLACK_EVENTS_PATH);
  } else {
    throw new StartupError('sandbox mode must be resolved to HTTP mode before the app starts');
  }

  shareBoltClients(app);

  // One envelope around every request (each global middleware is a hop on the ack path): name it for
  // the metrics, drop Slack's retries of an event already handled, count its handling so shutdown and
  // tests can wait for work that runs after ack, and ack for a listener that failed before acking.
  app.use(async (args) => {
    requestMetrics.name(args.body, args.context);
    if (await isRepeatedEvent(ctx, args.body)) return;
    await ctx.background.track(() => nextAckingOnFailure(args));
  });
  // Inside the envelope above, so a refusal is counted and tracked like any other handling.
  app.use(guestGuard(ctx));
  for (const middleware of wiring.middleware) app.use(middleware);
  registerErrorReporting(app, ctx);
  const listeners = createListenerRegistry(app, ctx.logger);
  const router = new CommandRouter(listeners);
  wiring.register(listeners, router);

  let port: number | undefined;
  let listenAddress: string | undefined;
  if (server) {
    port = await listen(server, config.port, config.listenHost);
    listenAddress = (server.address() as AddressInfo).address;
  } else {
    await app.start();
  }
  ctx.logger.info({ mode: slack.kind, port }, 'Pivotal for Slack is listening');

  return {
    app,
    listeners,
    router,
    port,
    listenAddress,
    botWorkspace,
    async stop() {
      if (server) {
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      } else {
        await app.stop();
      }
      await ctx.background.idle();
    },
  };
}

import type { DestinationStream } from 'pino';
import { BackgroundTasks } from './background.js';
import { configSecrets, loadConfig, type Config } from './config.js';
import type { AppContext } from './context.js';
import { createLogger } from './logger.js';
import { KeyRing, loadOrCreateSandboxKey } from './security/key-encryption.js';
import { createDatabase } from './store/database.js';
import { RetentionJob, type RetentionTimings } from './store/retention-job.js';
import { PivotalGateway } from './workspace/pivotal-gateway.js';
import { Permissions } from './security/permissions.js';
import { startSlackApp, type RunningApp } from './app.js';
import { setPivotalWebUrl, type PivotalClientOptions } from './pivotal/index.js';
import { createSyncRuntime, type SyncRuntime } from './sync/runtime.js';
import type { SyncOptions } from './sync/options.js';
import { SlackClients } from './slack/clients.js';
import { createInstallationStore } from './store/installation-store.js';
import { OutboxDispatcher } from './notifications/dispatcher.js';
import { registerFeatures } from './features/index.js';
import { checkStartupKey } from './features/connect/mode-check.js';
import { watchForRejectedKeys } from './features/connect/revocation.js';
import { HomeRefresher } from './features/home/refresher.js';
import { OnboardWorker } from './features/onboard/worker.js';
import { TestRecordsRunner } from './features/test-records/runner.js';
import { OwnerNotificationsJob, type OwnerNotificationTimings } from './notifications/morning-list.js';
import { DigestJob } from './notifications/digest-job.js';

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Where logs go (tests capture them to check that no secret is ever written). */
  logDestination?: DestinationStream;
  /** Applied on top of the environment: the sandbox swaps in its local services this way. */
  override?: (config: Config) => Config;
  pivotalClientOptions?: Partial<PivotalClientOptions>;
  /** Sync worker timings (tests run it fast, or not at all). */
  sync?: Partial<SyncOptions>;
  /** How often old rows are pruned (tests run it fast). */
  retention?: Partial<RetentionTimings>;
  /** Needs-attention DMs and morning lists (tests run passes themselves, with a fake clock). */
  ownerNotifications?: Partial<OwnerNotificationTimings>;
  now?: () => Date;
}

export interface Started {
  config: Config;
  ctx: AppContext;
  running: RunningApp;
  /** The background workers this instance runs (tests drive and re-time them). */
  outbox: OutboxDispatcher;
  sync: SyncRuntime;
  ownerNotifications: OwnerNotificationsJob;
  /** Slack clients for work outside a request (tests build a second job on them). */
  slackClients: SlackClients;
  stop(): Promise<void>;
}

/** A background worker: started once the server listens, stopped before it closes. */
interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The composition root, the only one: config → logger → store → context → the Slack clients of
 * background work → the workers (outbox, sync with the Home refresher, onboard runs, test-record
 * cleanups, digests, retention, owner notifications) → the Slack app with every feature. Used by main
 * and by tests.
 */
export async function startPivotalForSlack(opts: StartOptions = {}): Promise<Started> {
  const base = loadConfig(opts.env ?? process.env);
  const config = opts.override ? opts.override(base) : base;
  setPivotalWebUrl(config.pivotalWebUrl);
  const { logger, scrubber } = createLogger({
    level: config.logLevel,
    secrets: configSecrets(config),
    destination: opts.logDestination,
  });

  let encryptionKey = config.keyEncryptionKey;
  if (!encryptionKey) {
    // Only single-workspace installs get here (OAuth requires the variable, see config.ts).
    encryptionKey = await loadOrCreateSandboxKey(config.dataDir);
    scrubber.add(encryptionKey);
    if (base.slack.kind !== 'sandbox') {
      logger.warn(
        `PIVOTAL_KEY_ENCRYPTION_KEY is not set: stored Pivotal keys are encrypted with a key generated into ${config.dataDir}/encryption.key. Set the variable in production.`,
      );
    }
  }
  const keyRing = KeyRing.fromBase64(encryptionKey);
  const store = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  const now = opts.now ?? (() => new Date());
  const singleWorkspace = config.slack.kind !== 'oauth';
  if (!singleWorkspace && config.adminSlackIds.length) {
    logger.warn(
      'PIVOTAL_ADMIN_SLACK_IDS is ignored with OAuth distribution: a user id is no admin of every workspace that installs the app. Each workspace is administered by its own Slack admins and owners.',
    );
  }
  const slackClients = new SlackClients({
    slack: config.slack,
    slackApiUrl: config.slackApiUrl,
    logger,
    installations: createInstallationStore(store.db, keyRing),
  });
  const ctx: AppContext = {
    config,
    logger,
    scrubber,
    store,
    keyRing,
    now,
    background: new BackgroundTasks(logger),
    permissions: new Permissions(singleWorkspace ? config.adminSlackIds : [], logger),
    pivotal: new PivotalGateway({
      store,
      keyRing,
      logger,
      baseUrl: config.pivotalApiUrl,
      bootstrapKey: singleWorkspace ? config.pivotalApiKey : undefined,
      clientOptions: opts.pivotalClientOptions,
      now,
    }),
    // The dispatcher is built right below from this very context; nothing is sent before it exists.
    outbox: {
      nudge: () => outbox.nudge(),
      forgetChannelProblems: (workspaceId) => outbox.forgetChannelProblems(workspaceId),
    },
  };
  const outbox = new OutboxDispatcher(ctx, slackClients);
  const sync = createSyncRuntime(ctx, opts.sync);
  const homeRefresher = new HomeRefresher(ctx, slackClients, sync.options);
  sync.worker.onHeldTick((ws) => homeRefresher.refresh(ws));
  const onboardWorker = new OnboardWorker(ctx, slackClients);
  const testRecords = new TestRecordsRunner(ctx, slackClients);
  const digests = new DigestJob(ctx);
  const retention = new RetentionJob({ db: store.db, logger, now, policy: config.retention }, opts.retention);
  watchForRejectedKeys(ctx, slackClients);

  let running: RunningApp;
  try {
    running = await startSlackApp(ctx, {
      slackClients,
      routes: sync.routes,
      middleware: sync.firstSight ? [sync.firstSight] : [],
      register: (listeners, router) =>
        registerFeatures(listeners, ctx, { router, slackClients, onboardWorker, testRecords }),
    });
  } catch (err) {
    await store.destroy();
    throw err;
  }
  const { botWorkspace } = running;
  const workers: Worker[] = [
    { start: () => checkStartupKey(ctx, slackClients, botWorkspace), stop: async () => {} },
    outbox,
    onboardWorker,
    { start: () => sync.start(botWorkspace), stop: () => sync.stop() },
    testRecords,
    digests,
  ];
  const stopWorkers = async () => {
    for (const worker of [...workers].reverse()) await worker.stop();
  };
  try {
    for (const worker of workers) await worker.start();
  } catch (err) {
    await stopWorkers();
    await running.stop();
    await store.destroy();
    throw err;
  }
  retention.start();
  const ownerNotifications = new OwnerNotificationsJob(ctx, slackClients, opts.ownerNotifications);
  ownerNotifications.start();
  return {
    config,
    ctx,
    running,
    outbox,
    sync,
    ownerNotifications,
    slackClients,
    stop: async () => {
      await ownerNotifications.stop();
      await retention.stop();
      await stopWorkers();
      await running.stop();
      await store.destroy();
    },
  };
}

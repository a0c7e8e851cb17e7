import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { startPivotalForSlack, type StartOptions, type Started } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { SLACK_EVENTS_PATH } from '../src/app.js';
import { SQLITE_FILE_NAME } from '../src/store/database.js';
import { webhookPathFor } from '../src/webhooks/route.js';
import { listUserMappings, setUserMapping } from '../src/store/user-mappings.js';
import {
  SANDBOX_CHANNEL,
  SANDBOX_PEOPLE,
  SANDBOX_TEAM,
  SANDBOX_USERS,
  startSandboxServices,
  type SandboxServices,
} from './sandbox-services.js';
import { readSandboxData, sandboxDataPath } from './sandbox-data.js';

export interface RunningSandbox {
  started: Started;
  close(): Promise<void>;
  banner: string;
  /** The local Slack page. */
  pageUrl: string;
  /** The simulator, the Slack stand-in and the page, for tests. */
  services: SandboxServices;
}

/** `npm start -- --reset` or SANDBOX_RESET=1: the sandbox and the app's store start afresh. */
export function resetRequested(env: NodeJS.ProcessEnv, argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes('--reset') || /^(1|true|yes)$/i.test(env.SANDBOX_RESET ?? '');
}

/**
 * The sandbox's Pivotal and channel, and the app's read model of them, persist or start afresh
 * together: a store kept from another sandbox would show records that no longer exist. So the app's
 * SQLite store in DATA_DIR is cleared whenever the sandbox's own state is not there to restore.
 */
async function startFreshWhenNeeded(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<{ dataDir: string; fresh: boolean }> {
  const config = loadConfig(env);
  const reset = resetRequested(env);
  const saved = !reset && (await readSandboxData(config.dataDir)) !== undefined;
  if (saved) return { dataDir: config.dataDir, fresh: false };
  if (config.databaseUrl) {
    if (reset)
      throw new Error(
        "--reset clears the sandbox and the app's SQLite store in DATA_DIR, but DATABASE_URL points the app at another database: drop that database yourself, or unset DATABASE_URL for the sandbox.",
      );
    logger.warn("a fresh sandbox with DATABASE_URL set: that database may still hold a previous sandbox's records");
  }
  await rm(sandboxDataPath(config.dataDir), { force: true });
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    await rm(path.join(config.dataDir, `${SQLITE_FILE_NAME}${suffix}`), { force: true });
  return { dataDir: config.dataDir, fresh: true };
}

/** `npm start` with no Slack credentials: local Pivotal + local Slack + the real app in HTTP mode. */
export async function startSandbox(
  env: NodeJS.ProcessEnv = process.env,
  /** Tests shorten timings (sync, …) this way; `npm start` passes nothing. */
  startOptions: Omit<StartOptions, 'env' | 'override'> = {},
): Promise<RunningSandbox> {
  const { logger } = createLogger({ level: env.LOG_LEVEL ?? 'info', name: 'sandbox' });
  const { dataDir, fresh } = await startFreshWhenNeeded(env, logger);
  // The page gets the port after the app's (3001 for the default 3000), so its address stays the same
  // from one run to the next; with PORT=0 (tests) both are free ports.
  const appPort = Number(env.PORT ?? 3000);
  const services = await startSandboxServices({
    logger,
    slackPort: appPort > 0 && appPort < 65535 ? appPort + 1 : 0,
    dataDir,
  });
  let started: Started;
  try {
    started = await startPivotalForSlack({
      ...startOptions,
      env,
      override: (config) => ({
        ...config,
        slack: { kind: 'http', signingSecret: services.signingSecret, botToken: services.botToken },
        slackApiUrl: services.slack.apiUrl,
        pivotalApiUrl: services.simulator.url,
        pivotalApiKey: services.testKey,
        // "Open in Pivotal" goes to the simulator's own record pages.
        pivotalWebUrl: services.simulator.webUrl,
        notifyChannel: config.notifyChannel ?? SANDBOX_CHANNEL.id,
        adminSlackIds: [...config.adminSlackIds, SANDBOX_USERS.admin.id],
        // A development tool with demo data: nothing outside this machine may reach it.
        listenHost: '127.0.0.1',
      }),
    });
  } catch (err) {
    await services.close();
    throw err;
  }
  await mapDemoPeople(started);
  const appUrl = `http://127.0.0.1:${started.running.port}`;
  services.attachApp({
    eventsUrl: `${appUrl}${SLACK_EVENTS_PATH}`,
    webhookUrl: `${appUrl}${webhookPathFor(SANDBOX_TEAM.id)}`,
  });
  started.ctx.scrubber.add(services.signingSecret);

  const banner = [
    '',
    'Pivotal for Slack — sandbox mode (no Slack credentials were set)',
    '',
    `  Open the local Slack page:  ${services.page.url}`,
    `    type /pivotal help in #${SANDBOX_CHANNEL.name}, open the Home tab, switch between the demo CSMs and admin`,
    '    each demo person owns some onboardings: their DMs and morning list show under Messages',
    '',
    `  App (Slack requests)   ${appUrl}${SLACK_EVENTS_PATH}   health: ${appUrl}/healthz`,
    `  Local Slack stand-in   ${services.slack.url}   (the Slack Web API the app calls, and the page)`,
    `  Pivotal simulator      ${services.simulator.url}   (demo org "Demo Company", connected with a TEST key)`,
    '',
    fresh
      ? `  A fresh sandbox: its Pivotal data, keys and channel are kept in ${sandboxDataPath(dataDir)}.`
      : `  Restored from ${sandboxDataPath(dataDir)}: the same records, keys and channel as last time.`,
    "  Start afresh (the sandbox and the app's store in DATA_DIR) with: npm start -- --reset",
    '  The page\'s "Pivotal" tab changes records as someone in Pivotal, makes keys, webhooks and faults.',
    '',
    '  Or from a terminal, as the demo CSM:',
    `    curl -s -X POST ${services.slack.url}/sandbox/command -d '{"text":"help","user":"${SANDBOX_USERS.csm.id}"}'`,
    '',
    '  Stop with Ctrl+C. To run against real Slack, set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (see README).',
    '',
  ].join('\n');
  process.stdout.write(banner);

  return {
    started,
    banner,
    pageUrl: services.page.url,
    services,
    close: async () => {
      await services.close();
    },
  };
}

/**
 * The demo people own the demo onboardings, as an admin would set it in Home › Settings › People, so
 * their DMs show under Messages from the start. A mapping changed on the page is kept on the next start.
 */
async function mapDemoPeople(started: Started): Promise<void> {
  const db = started.ctx.store.db;
  const existing = await listUserMappings(db, SANDBOX_TEAM.id);
  const taken = new Set(existing.flatMap((m) => [m.slack_user_id, m.pivotal_user_id]));
  const now = started.ctx.now().toISOString();
  for (const p of SANDBOX_PEOPLE)
    if (!taken.has(p.slackUserId) && !taken.has(p.pivotalUserId))
      await setUserMapping(db, SANDBOX_TEAM.id, p.slackUserId, p.pivotalUserId, now);
}

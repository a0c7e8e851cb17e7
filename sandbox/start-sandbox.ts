import { startPivotalForSlack, type StartOptions, type Started } from '../src/bootstrap.js';
import { createLogger } from '../src/logger.js';
import { SLACK_EVENTS_PATH } from '../src/app.js';
import { listUserMappings, setUserMapping } from '../src/store/user-mappings.js';
import {
  SANDBOX_CHANNEL,
  SANDBOX_PEOPLE,
  SANDBOX_TEAM,
  SANDBOX_USERS,
  startSandboxServices,
} from './sandbox-services.js';

export interface RunningSandbox {
  started: Started;
  close(): Promise<void>;
  banner: string;
  /** The local Slack page. */
  pageUrl: string;
}

/** `npm start` with no Slack credentials: local Pivotal + local Slack + the real app in HTTP mode. */
export async function startSandbox(
  env: NodeJS.ProcessEnv = process.env,
  /** Tests shorten timings (sync, …) this way; `npm start` passes nothing. */
  startOptions: Omit<StartOptions, 'env' | 'override'> = {},
): Promise<RunningSandbox> {
  const { logger } = createLogger({ level: env.LOG_LEVEL ?? 'info', name: 'sandbox' });
  // The page gets the port after the app's (3001 for the default 3000), so its address stays the same
  // from one run to the next; with PORT=0 (tests) both are free ports.
  const appPort = Number(env.PORT ?? 3000);
  const services = await startSandboxServices({ logger, slackPort: appPort > 0 && appPort < 65535 ? appPort + 1 : 0 });
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
  services.attachApp(`${appUrl}${SLACK_EVENTS_PATH}`);
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

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { startPivotalSimulator, type PivotalSimulator } from './pivotal-simulator/index.js';
import { DEMO_CSMS } from './pivotal-simulator/seed.js';
import { startFakeSlack, type FakeSlack } from './fake-slack/server.js';
import { SlackRequestSender } from './slack-requests.js';
import { mountSandboxPage, type SandboxPage } from './page/server.js';

export const SANDBOX_TEAM = { id: 'T0SANDBOX', domain: 'sandbox' };
/** Each in their own time zone, so the morning list reaches each at 09:00 their time. */
export const SANDBOX_USERS = {
  admin: { id: 'U0ADMIN', name: 'ada', real_name: 'Ada Admin', is_admin: true, tz: 'Europe/Berlin' },
  csm: { id: 'U0CSM', name: 'casey', real_name: 'Casey CSM', tz: 'America/Los_Angeles' },
  kiran: { id: 'U0KIRAN', name: 'kiran', real_name: 'Kiran CSM', tz: 'Asia/Kolkata' },
} as const;

/** Who owns the demo onboardings in Pivotal (the seed's csm_id values), mapped when the sandbox starts. */
export const SANDBOX_PEOPLE: ReadonlyArray<{ slackUserId: string; pivotalUserId: string }> = [
  { slackUserId: SANDBOX_USERS.csm.id, pivotalUserId: DEMO_CSMS[0]! },
  { slackUserId: SANDBOX_USERS.admin.id, pivotalUserId: DEMO_CSMS[1]! },
  { slackUserId: SANDBOX_USERS.kiran.id, pivotalUserId: DEMO_CSMS[2]! },
];
export const SANDBOX_CHANNEL = { id: 'C0ONBOARD', name: 'onboarding' };

export interface SandboxServices {
  simulator: PivotalSimulator;
  slack: FakeSlack;
  signingSecret: string;
  botToken: string;
  testKey: string;
  /** The local Slack page, served by the Slack stand-in. */
  page: SandboxPage;
  /** Wire the stand-in to the app once the app's port is known. */
  attachApp(eventsUrl: string): void;
  close(): Promise<void>;
}

/**
 * Everything a fresh machine lacks: a seeded Pivotal (a demo org connected with a test key, so the
 * test-key labels show) and a Slack stand-in that signs requests into the real app. The app itself
 * runs in ordinary HTTP mode against them: there is no sandbox-only code path in src/.
 */
export async function startSandboxServices(opts: {
  logger: Logger;
  slackPort?: number;
  pivotalPort?: number;
}): Promise<SandboxServices> {
  const simulator = await startPivotalSimulator({
    port: opts.pivotalPort ?? 0,
    logger: opts.logger.child({ component: 'pivotal-simulator' }),
  });
  const org = simulator.createOrg({ name: 'Demo Company', slug: 'demo-company' });
  const testKey = simulator.createKey(org.id, { mode: 'test', name: 'sandbox' });
  simulator.seedDemo(org.id);

  const slack = await startFakeSlack({ port: opts.slackPort ?? 0, teamId: SANDBOX_TEAM.id }).catch(
    (err: NodeJS.ErrnoException) => {
      // The preferred port is a convenience (a stable address to bookmark), not a requirement.
      if (err.code !== 'EADDRINUSE' || !opts.slackPort) throw err;
      opts.logger.warn({ port: opts.slackPort }, 'the sandbox page port is taken; using a free one');
      return startFakeSlack({ port: 0, teamId: SANDBOX_TEAM.id });
    },
  );
  for (const user of Object.values(SANDBOX_USERS)) slack.addUser({ ...user });
  slack.addChannel({ ...SANDBOX_CHANNEL, is_member: true });

  const signingSecret = randomBytes(24).toString('hex');
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  let sender: SlackRequestSender | undefined;

  const page = mountSandboxPage({
    slack,
    team: SANDBOX_TEAM,
    // The CSM first: the page starts as the everyday user; the switcher offers the admin and a second CSM.
    users: [SANDBOX_USERS.csm, SANDBOX_USERS.admin, SANDBOX_USERS.kiran],
    channel: SANDBOX_CHANNEL,
    sender: () => sender,
  });

  return {
    simulator,
    slack,
    signingSecret,
    botToken,
    testKey,
    page,
    attachApp: (eventsUrl) => {
      sender = new SlackRequestSender(eventsUrl, signingSecret);
    },
    close: async () => {
      page.close();
      await slack.close();
      await simulator.close();
    },
  };
}

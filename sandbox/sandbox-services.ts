import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { parse } from 'yaml';
import { startPivotalSimulator, type PivotalSimulator } from './pivotal-simulator/index.js';
import { DEMO_CSMS } from './pivotal-simulator/seed.js';
import { startFakeSlack, type FakeSlack } from './fake-slack/server.js';
import { SlackRequestSender } from './slack-requests.js';
import { mountSandboxPage, type SandboxPage } from './page/server.js';
import type { DeclaredShortcut } from './page/model.js';
import { readSandboxData, SandboxDataWriter } from './sandbox-data.js';

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
  /** The org the app is connected to. */
  orgId: string;
  /** Whether the simulator and the channel came back from DATA_DIR rather than fresh. */
  restored: boolean;
  /** The local Slack page, served by the Slack stand-in. */
  page: SandboxPage;
  /** Wire the stand-in to the app once the app's address is known. */
  attachApp(app: { eventsUrl: string; webhookUrl: string }): void;
  close(): Promise<void>;
}

/** The shortcuts the app declares, so the page offers exactly those (as Slack does from the manifest). */
export function declaredShortcuts(): DeclaredShortcut[] {
  const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')) as {
    features?: { shortcuts?: DeclaredShortcut[] };
  };
  return manifest.features?.shortcuts ?? [];
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
  /** Where the sandbox's state is kept across restarts (DATA_DIR); none: everything lives in memory. */
  dataDir?: string;
}): Promise<SandboxServices> {
  const saved = opts.dataDir ? await readSandboxData(opts.dataDir) : undefined;
  const simulator = await startPivotalSimulator({
    port: opts.pivotalPort ?? 0,
    logger: opts.logger.child({ component: 'pivotal-simulator' }),
    ...(saved ? { restore: saved.simulator } : {}),
  });
  let orgId: string;
  let testKey: string;
  if (saved) {
    orgId = saved.orgId;
    testKey = saved.appKey;
  } else {
    orgId = simulator.createOrg({ name: 'Demo Company', slug: 'demo-company' }).id;
    testKey = simulator.createKey(orgId, { mode: 'test', name: 'sandbox' });
    simulator.seedDemo(orgId);
  }

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
  if (saved) slack.messages.push(...saved.slackMessages);

  const signingSecret = randomBytes(24).toString('hex');
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  let sender: SlackRequestSender | undefined;
  let webhookUrl: string | undefined;

  const page = mountSandboxPage({
    slack,
    team: SANDBOX_TEAM,
    // The CSM first: the page starts as the everyday user; the switcher offers the admin and a second CSM.
    users: [SANDBOX_USERS.csm, SANDBOX_USERS.admin, SANDBOX_USERS.kiran],
    channel: SANDBOX_CHANNEL,
    sender: () => sender,
    shortcuts: declaredShortcuts(),
    pivotal: { simulator, orgId, webhookUrl: () => webhookUrl },
  });

  const writer = opts.dataDir
    ? new SandboxDataWriter(
        opts.dataDir,
        () => ({ version: 1, orgId, appKey: testKey, simulator: simulator.snapshot(), slackMessages: slack.messages }),
        (err) => opts.logger.error({ err }, 'could not save the sandbox state in DATA_DIR'),
      )
    : undefined;
  const unsubscribe = writer
    ? [simulator.onChange(() => writer.schedule()), slack.subscribe(() => writer.schedule())]
    : [];
  // A fresh sandbox is on disk from the start, so the next start restores it rather than the app's store alone.
  if (!saved) await writer?.flush();

  return {
    simulator,
    slack,
    signingSecret,
    botToken,
    testKey,
    orgId,
    restored: saved !== undefined,
    page,
    attachApp: (app) => {
      sender = new SlackRequestSender(app.eventsUrl, signingSecret);
      webhookUrl = app.webhookUrl;
    },
    close: async () => {
      for (const stop of unsubscribe) stop();
      await writer?.flush();
      page.close();
      await slack.close();
      await simulator.close();
    },
  };
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startPivotalForSlack, type Started } from '../../src/bootstrap.js';
import { SLACK_EVENTS_PATH } from '../../src/app.js';
import type { PivotalClientOptions } from '../../src/pivotal/index.js';
import type { RetentionTimings } from '../../src/store/retention-job.js';
import type { SyncOptions } from '../../src/sync/options.js';
import { startFakeSlack, type FakeSlack, type FakeUser } from '../../sandbox/fake-slack/server.js';
import {
  startPivotalSimulator,
  type PivotalSimulator,
  type SimulatorOptions,
} from '../../sandbox/pivotal-simulator/index.js';
import {
  SlackRequestSender,
  blockActionsPayload,
  blockSuggestionPayload,
  eventEnvelope,
  slashCommandFields,
  viewClosedPayload,
  viewSubmissionPayload,
  type ActionInput,
  type EchoedView,
  type SendOptions,
  type SlackTeamRef,
  type SlackUserRef,
} from '../../sandbox/slack-requests.js';
import { LogCapture } from './log-capture.js';
import { SurfaceWatch } from './surface-text.js';

export const TEAM: SlackTeamRef = { id: 'T0TEAM01', domain: 'acme' };
export const ADMIN: FakeUser = { id: 'U0ADMIN1', name: 'ada', real_name: 'Ada Admin', is_admin: true };
export const CSM: FakeUser = { id: 'U0CSM001', name: 'casey', real_name: 'Casey CSM' };
export const NOTIFY_CHANNEL = 'C0NOTIFY1';

export interface HarnessOptions {
  /** Connect the workspace through PIVOTAL_API_KEY with a key of this mode (default live); false: no key. */
  bootstrapKey?: 'live' | 'test' | false;
  simulator?: SimulatorOptions;
  pivotalClientOptions?: Partial<PivotalClientOptions>;
  /** Runs the background sync with these timings; without it the sync stays off, so a test's simulator requests and faults are its own. */
  sync?: Partial<SyncOptions>;
  /** How often the app prunes old rows (default: hourly, first at start). */
  retention?: Partial<RetentionTimings>;
  env?: Record<string, string>;
  /** Reuse a simulator / fake Slack across harnesses (two app instances, two workspaces). */
  shared?: { pivotal: PivotalSimulator; slack: FakeSlack };
  /** Records that already exist in Pivotal when the app starts (its start-up sync may read them at once). */
  seed?: (pivotal: PivotalSimulator, orgId: string) => void;
  /** The app's clock (default: the wall clock). */
  now?: () => Date;
  /** Runs the needs-attention and morning-list job on its own; without it tests run its passes (runOnce). */
  ownerNotifications?: { intervalMs: number };
}

export interface Harness {
  pivotal: PivotalSimulator;
  slack: FakeSlack;
  app: Started;
  logs: LogCapture;
  orgId: string;
  /** The bootstrap key, if any. */
  apiKey: string | undefined;
  /** Every secret this harness handed out; close() fails if any reached the logs. */
  secrets: string[];
  sender: SlackRequestSender;
  eventsUrl: string;
  baseUrl: string;
  newKey(mode: 'live' | 'test', orgId?: string): string;
  command(
    text: string,
    opts?: { user?: SlackUserRef; team?: SlackTeamRef; channelId?: string; send?: SendOptions },
  ): ReturnType<SlackRequestSender['send']> &
    Promise<Awaited<ReturnType<SlackRequestSender['send']>> & { responseUrlId: string }>;
  action(
    action: ActionInput,
    container: Parameters<typeof blockActionsPayload>[3],
    opts?: { user?: SlackUserRef; team?: SlackTeamRef },
  ): ReturnType<SlackRequestSender['send']>;
  submit(view: EchoedView, opts?: { user?: SlackUserRef; team?: SlackTeamRef }): ReturnType<SlackRequestSender['send']>;
  closeView(
    view: EchoedView,
    opts?: { user?: SlackUserRef; team?: SlackTeamRef },
  ): ReturnType<SlackRequestSender['send']>;
  suggest(
    input: Parameters<typeof blockSuggestionPayload>[2],
    opts?: { user?: SlackUserRef; team?: SlackTeamRef },
  ): ReturnType<SlackRequestSender['send']>;
  event(
    event: Record<string, unknown>,
    opts?: { team?: SlackTeamRef; eventId?: string; retryNum?: number },
  ): ReturnType<SlackRequestSender['send']>;
  /** Field errors with mrkdwn, and environment-variable names a non-admin saw, so far (close() fails on any). */
  surfaceProblems(): string[];
  /** Waits until every request's handling and background task has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const pivotal = opts.shared?.pivotal ?? (await startPivotalSimulator({ ...opts.simulator }));
  const slack = opts.shared?.slack ?? (await startFakeSlack({ teamId: TEAM.id }));
  slack.addUser(ADMIN);
  slack.addUser(CSM);
  slack.addChannel({ id: NOTIFY_CHANNEL, name: 'onboarding', is_member: true });

  const org = pivotal.createOrg({ name: 'Acme Onboarding', slug: `acme-${randomBytes(3).toString('hex')}` });
  opts.seed?.(pivotal, org.id);
  const secrets: string[] = [];
  const newKey = (mode: 'live' | 'test', orgId = org.id) => {
    const key = pivotal.createKey(orgId, { mode, name: `${mode}-key` });
    secrets.push(key);
    return key;
  };
  const apiKey = opts.bootstrapKey === false ? undefined : newKey(opts.bootstrapKey ?? 'live');
  const signingSecret = randomBytes(20).toString('hex');
  const botToken = `xoxb-1111-2222-${randomBytes(12).toString('hex')}`;
  const encryptionKey = randomBytes(32).toString('base64');
  secrets.push(signingSecret, botToken, encryptionKey);

  const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-slack-'));
  const logs = new LogCapture();
  const app = await startPivotalForSlack({
    env: {
      PORT: '0',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: botToken,
      SLACK_API_URL: slack.apiUrl,
      PIVOTAL_API_URL: pivotal.url,
      PIVOTAL_KEY_ENCRYPTION_KEY: encryptionKey,
      PIVOTAL_NOTIFY_CHANNEL: NOTIFY_CHANNEL,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      ...(apiKey ? { PIVOTAL_API_KEY: apiKey } : {}),
      ...opts.env,
    },
    logDestination: logs,
    pivotalClientOptions: { maxAttempts: 3, ...opts.pivotalClientOptions },
    sync: opts.sync ?? { enabled: false },
    ownerNotifications: opts.ownerNotifications ?? { enabled: false },
    ...(opts.retention ? { retention: opts.retention } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const baseUrl = `http://127.0.0.1:${app.running.port}`;
  const eventsUrl = `${baseUrl}${SLACK_EVENTS_PATH}`;
  const sender = new SlackRequestSender(eventsUrl, signingSecret);
  const who = (o?: { user?: SlackUserRef; team?: SlackTeamRef }) => ({ user: o?.user ?? CSM, team: o?.team ?? TEAM });
  const configuredAdmins = new Set(
    (opts.env?.PIVOTAL_ADMIN_SLACK_IDS ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );
  const slackAdmins = new Set<string>([ADMIN.id]);
  const surfaces = new SurfaceWatch((id) => slackAdmins.has(id) || configuredAdmins.has(id));
  /** Sends an interaction as `user`, noting what of the answer that person reads. */
  const interact = async (user: SlackUserRef, payload: Record<string, unknown>) => {
    if ((user as FakeUser).is_admin || (user as FakeUser).is_owner) slackAdmins.add(user.id);
    surfaces.sent(user.id, payload);
    const res = await sender.sendPayload(payload);
    surfaces.answered(user.id, String(payload.type), res.json ?? res.text);
    return res;
  };

  return {
    pivotal,
    slack,
    app,
    logs,
    orgId: org.id,
    apiKey,
    secrets,
    sender,
    eventsUrl,
    baseUrl,
    newKey,
    command: (async (text, o) => {
      const { user, team } = who(o);
      const responseUrlId = randomBytes(6).toString('hex');
      const fields = slashCommandFields({
        text,
        user,
        team,
        channelId: o?.channelId ?? 'C0GENERAL',
        responseUrl: slack.responseUrl(responseUrlId),
      });
      if ((user as FakeUser).is_admin || (user as FakeUser).is_owner) slackAdmins.add(user.id);
      surfaces.sent(user.id, fields);
      const res = await sender.sendForm(fields, o?.send);
      surfaces.answered(user.id, `/pivotal ${text}`.slice(0, 60), res.json ?? res.text);
      return { ...res, responseUrlId };
    }) as Harness['command'],
    action: (action, container, o) => {
      const { user, team } = who(o);
      return interact(user, blockActionsPayload(team, user, action, container));
    },
    submit: (view, o) => {
      const { user, team } = who(o);
      return interact(user, viewSubmissionPayload(team, user, view));
    },
    closeView: (view, o) => {
      const { user, team } = who(o);
      return sender.sendPayload(viewClosedPayload(team, user, view));
    },
    suggest: (input, o) => {
      const { user, team } = who(o);
      return sender.sendPayload(blockSuggestionPayload(team, user, input));
    },
    event: (event, o) =>
      sender.sendEvent(
        eventEnvelope(o?.team ?? TEAM, event, o?.eventId),
        o?.retryNum
          ? { headers: { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' } }
          : {},
      ),
    surfaceProblems: () => surfaces.problems(slack),
    idle: () => app.ctx.background.idle(),
    close: async () => {
      await app.stop();
      if (!opts.shared) {
        await slack.close();
        await pivotal.close();
      }
      await rm(dataDir, { recursive: true, force: true });
      const leaked = logs.leaked(secrets);
      if (leaked.length) throw new Error(`secrets reached the logs: ${leaked.join(', ')}`);
      const unfit = surfaces.problems(slack);
      if (unfit.length) throw new Error(`words people should not read:\n${unfit.join('\n')}`);
    },
  };
}

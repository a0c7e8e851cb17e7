import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { SlackRequestSender, slashCommandFields, viewSubmissionPayload } from '../../sandbox/slack-requests.js';
import { startPivotalForSlack } from '../../src/bootstrap.js';
import { LogCapture } from '../harness/log-capture.js';
import { CSM, TEAM } from '../harness/app-harness.js';
import { FILLED } from '../harness/onboard-flow.js';
import { currentView, echoView, visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/**
 * The process is killed (SIGKILL, no shutdown) in the middle of an onboard, between Pivotal writes.
 * The next process resumes the job once the dead one's lease has run out, and Pivotal ends up with
 * exactly one customer, one contact and one onboarding: the writes the dead process had made (or
 * had in flight) are replayed through their idempotency keys, never repeated.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What `npm start` runs: the compiled app, built here first as its start step does. */
const MAIN = join(ROOT, 'dist/src/main.js');
/** The onboard job lease (src/features/onboard/jobs.ts LEASE_MS) is 2 minutes: the next process starts "later" than that. */
const AFTER_THE_LEASE_MS = 3 * 60_000;
/**
 * How long any one step may take. On a machine running several suites at once a start takes far
 * longer than the usual second: nothing here is a timing goal, every step is waited for as an event.
 */
const UNDER_LOAD_MS = 120_000;

describe('the process killed in the middle of an onboard', () => {
  let pivotal: PivotalSimulator;
  let slack: FakeSlack;
  let dataDir: string;
  let child: ChildProcess | undefined;
  const childLogs = new LogCapture();
  const secrets: string[] = [];
  let env: Record<string, string>;
  let orgId: string;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    pivotal = await startPivotalSimulator({ rateLimit: { live: 100_000 } });
    slack = await startFakeSlack({ teamId: TEAM.id });
    slack.addUser(CSM);
    const org = pivotal.createOrg({ name: 'Crash Corp', slug: 'crash-corp' });
    orgId = org.id;
    const key = pivotal.createKey(org.id, { mode: 'live', name: 'crash' });
    dataDir = await mkdtemp(join(tmpdir(), 'pivotal-crash-'));
    env = {
      PORT: '0',
      SLACK_SIGNING_SECRET: randomBytes(20).toString('hex'),
      SLACK_BOT_TOKEN: `xoxb-1-2-${randomBytes(12).toString('hex')}`,
      SLACK_API_URL: slack.apiUrl,
      PIVOTAL_API_URL: pivotal.url,
      PIVOTAL_API_KEY: key,
      PIVOTAL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
    };
    secrets.push(env.SLACK_SIGNING_SECRET!, env.SLACK_BOT_TOKEN!, key, env.PIVOTAL_KEY_ENCRYPTION_KEY!);
  }, 180_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await slack.close();
    await pivotal.close();
    await rm(dataDir, { recursive: true, force: true });
    expect(childLogs.leaked(secrets)).toEqual([]);
  });

  /** `npm start` as a real process; resolves with its port once it listens, fails at once if it exits first. */
  async function startProcess(): Promise<number> {
    const started = spawn(process.execPath, [MAIN], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout!.pipe(childLogs, { end: false });
    let stderr = '';
    started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited: string | undefined;
    started.once(
      'exit',
      (code, signal) => (exited = `exited (${signal ?? code}) before listening: ${stderr.slice(-2_000)}`),
    );
    return waitFor(
      () => {
        if (exited) throw new Error(exited);
        const line = childLogs.lines.find((l) => l.includes('Pivotal for Slack is listening'));
        return line ? (JSON.parse(line) as { port: number }).port : undefined;
      },
      { what: 'the app process to listen', timeoutMs: UNDER_LOAD_MS },
    );
  }

  it(
    'resumes in the next process, with one customer, one contact and one onboarding',
    async () => {
      const port = await startProcess();
      const sender = new SlackRequestSender(`http://127.0.0.1:${port}/slack/events`, env.SLACK_SIGNING_SECRET!);
      const name = 'Phoenix Rising';
      const before = new Set(slack.views.keys());
      await sender.sendForm(
        slashCommandFields({ text: `onboard ${name}`, user: CSM, team: TEAM, responseUrl: slack.responseUrl() }),
      );
      const viewId = await waitFor(() => [...slack.views.keys()].find((k) => !before.has(k)), {
        what: 'the onboard modal',
        timeoutMs: UNDER_LOAD_MS,
      });
      await waitFor(
        () =>
          Object.keys(FILLED).every((block) =>
            JSON.stringify(currentView(slack, viewId).view.blocks).includes(`"block_id":"${block}"`),
          ),
        { what: 'the onboard form', timeoutMs: UNDER_LOAD_MS },
      );

      // Each Pivotal write now takes long enough for the kill to land between two of them.
      pivotal.faults.latencyMs = 400;
      const ack = await sender.sendPayload(
        viewSubmissionPayload(TEAM, CSM, echoView(currentView(slack, viewId), FILLED)),
      );
      expect(ack.status).toBe(200);
      const mine = () => {
        const ids = new Set(
          pivotal.state
            .list(orgId, 'customers')
            .filter((c) => c.name === name)
            .map((c) => c.id),
        );
        return {
          customers: ids.size,
          contacts: pivotal.state.list(orgId, 'contacts').filter((c) => ids.has(c.customer_id)).length,
          onboardings: pivotal.state.list(orgId, 'onboardings').filter((o) => ids.has(o.customer_id)).length,
        };
      };
      await waitFor(() => mine().customers === 1, { what: 'the customer to be created', timeoutMs: UNDER_LOAD_MS });
      child!.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
      child = undefined;
      pivotal.faults.latencyMs = 0;
      // The dead process got no further than this: no onboarding yet.
      expect(mine().onboardings).toBe(0);

      const logs = new LogCapture();
      const later = await startPivotalForSlack({
        env,
        logDestination: logs,
        now: () => new Date(Date.now() + AFTER_THE_LEASE_MS),
      });
      try {
        await waitFor(() => mine().onboardings === 1, {
          what: 'the resumed job to open the onboarding',
          timeoutMs: UNDER_LOAD_MS,
        });
        await later.ctx.background.idle();
        expect(mine()).toEqual({ customers: 1, contacts: 1, onboardings: 1 });
        const told = [
          ...slack.messages.filter((m) => m.channel === CSM.id).map((m) => m.text ?? ''),
          visibleText(currentView(slack, viewId).view.blocks),
        ].join('\n');
        expect(told).toContain(name);
      } finally {
        await later.stop();
        expect(logs.leaked(secrets)).toEqual([]);
      }
    },
    4 * UNDER_LOAD_MS,
  );
});

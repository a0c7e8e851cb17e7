import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { keyDisplayPrefix } from '../../src/pivotal/keys.js';
import { SlackRequestSender, slashCommandFields } from '../../sandbox/slack-requests.js';
import { waitFor } from '../harness/wait.js';
import { commandLine, findDescendant, typeScriptLoaderSigns } from '../helpers/node-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Waits for text in the output; fails at once, with the output, if the process ended first. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
}

function start(env: Record<string, string>, command = ['npm', 'start']): Proc {
  // `npm start` itself, as a newcomer or a supervisor runs it: its SIGTERM must reach the app.
  // Its own process group, so a failed test can take npm and the app down together.
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const waitForOutput = (text: string, timeoutMs = 45_000) =>
    waitFor(
      () => {
        if (out.includes(text)) return true;
        if (exitCode !== undefined)
          throw new Error(`the process exited (${exitCode}) before printing "${text}":\n${out}`);
        return false;
      },
      { timeoutMs, what: `"${text}" in the output:\n${out}` },
    ).then(() => undefined);
  return { child, output: () => out, exited, waitForOutput };
}

function killGroup(p: Proc): void {
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The app's node process under `npm start` (npm, then the shell that execs node). */
const appProcess = (p: Proc) => findDescendant(p.child.pid!, (args) => args.some((a) => /main\.[jt]s$/.test(a)));

describe('npm start', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  // `npm start` builds dist/ when it is missing or stale; built once here so the boots below are timed
  // on starting, not compiling (and test files running at once do not build side by side).
  beforeAll(() => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
  }, 180_000);
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('boots the sandbox with an empty environment, /healthz answers, SIGTERM stops it cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-sandbox-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const p = start({ PORT: String(port), DATA_DIR: dataDir });
    cleanups.push(async () => killGroup(p));
    await p.waitForOutput('sandbox mode');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(p.output()).toContain('Pivotal simulator');
    expect(p.output()).toContain('/sandbox/command');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    // The app itself got the signal and finished its work, rather than being left behind or killed.
    expect(p.output()).toContain('shutting down');
  }, 60_000);

  it('runs single-workspace HTTP mode against the given Slack and Pivotal URLs', async () => {
    const slack: FakeSlack = await startFakeSlack();
    const pivotal: PivotalSimulator = await startPivotalSimulator();
    cleanups.push(
      () => slack.close(),
      () => pivotal.close(),
    );
    const org = pivotal.createOrg({ name: 'Outside', slug: 'outside' });
    const key = pivotal.createKey(org.id, { mode: 'live' });
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-http-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const signingSecret = 'an-outside-signing-secret-0123';
    const p = start({
      PORT: String(port),
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: 'xoxb-outside-123-abcdef',
      SLACK_API_URL: slack.apiUrl,
      PIVOTAL_API_URL: pivotal.url,
      PIVOTAL_API_KEY: key,
      PIVOTAL_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      DATA_DIR: dataDir,
    });
    cleanups.push(async () => killGroup(p));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, {
      timeoutMs: 30_000,
      what: '/healthz',
    });
    // The app checked its token against the given Slack URL at start-up.
    expect(slack.callsTo('auth.test')).toHaveLength(1);
    // Production runs compiled JavaScript with plain node: no TypeScript loader in the app's process.
    const app = appProcess(p);
    expect(app, 'the app process under npm').toBeDefined();
    // With V8's generations held to the sizes measured in README's Performance.
    expect(commandLine(app!)).toEqual([
      expect.stringMatching(/node$/),
      '--max-semi-space-size=4',
      '--max-old-space-size=512',
      'dist/src/main.js',
    ]);
    expect(typeScriptLoaderSigns(app!)).toEqual([]);
    // auth.test named the team, so the first sync runs from start-up against the given Pivotal URL
    // with the given key (the simulator records a key's prefix only once it has accepted it).
    await waitFor(() => pivotal.requests.some((r) => r.keyPrefix === keyDisplayPrefix(key) && r.status === 200), {
      timeoutMs: 15_000,
      what: `an answered request with ${keyDisplayPrefix(key)} at the Pivotal simulator`,
    });
    const sender = new SlackRequestSender(`http://127.0.0.1:${port}/slack/events`, signingSecret);
    // A member of the team auth.test named: people of other teams are only told whom the app serves.
    const res = await sender.sendForm(
      slashCommandFields({
        text: 'help',
        user: { id: 'U1' },
        team: { id: 'T0SANDBOX' },
        responseUrl: slack.responseUrl(),
      }),
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('/pivotal help');
    expect(p.output()).not.toContain(signingSecret);
    expect(p.output()).not.toContain(key.slice(14));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 60_000);

  it('tells a process run through the TypeScript loader apart (the check above can fail)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-loader-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const p = start({ PORT: String(await freePort()), DATA_DIR: dataDir }, [
      process.execPath,
      '--import',
      'tsx',
      'src/main.ts',
    ]);
    cleanups.push(async () => killGroup(p));
    await p.waitForOutput('sandbox mode');
    const signs = typeScriptLoaderSigns(appProcess(p)!);
    expect(signs).toContain('command line: --import');
    expect(signs).toContain('command line: src/main.ts');
  }, 60_000);

  it('stops with one clear message naming a bad variable, without a stack trace', async () => {
    const p = start({ SLACK_SIGNING_SECRET: 'abcdef0123456789', SLACK_BOT_TOKEN: 'xoxb-1', PORT: 'eighty' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('PORT must be a whole number.');
    expect(p.output()).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('stops with a clear message when Slack rejects the bot token', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.close());
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-badtoken-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const p = start({
      PORT: String(await freePort()),
      SLACK_SIGNING_SECRET: 'abcdef0123456789',
      SLACK_BOT_TOKEN: 'xoxb-wrong-token',
      SLACK_API_URL: slack.apiUrl,
      DATA_DIR: dataDir,
    });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
  }, 30_000);
});

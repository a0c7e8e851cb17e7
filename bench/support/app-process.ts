import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/**
 * How the app's process is started: `compiled` is what `npm start` runs (plain node on dist/),
 * `loader` is the TypeScript loader on the sources, as `npm start` ran before there was a build.
 */
export type StartPath = 'compiled' | 'loader';

/**
 * The node flags `npm start` gives the app (package.json's start script, `exec node <flags> dist/src/main.js`),
 * so a bench runs the app as production does; the loader path gets the same, so the two differ only by the loader.
 */
export function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const flags = /exec node ((?:--\S+ )*)dist\/src\/main\.js/.exec(start)?.[1];
  if (flags === undefined)
    throw new Error(`package.json's start script no longer reads "exec node [flags] dist/src/main.js": ${start}`);
  return flags.split(' ').filter(Boolean);
}

const COMMANDS: Record<StartPath, string[]> = {
  compiled: [...startFlags(), 'dist/src/main.js'],
  loader: [...startFlags(), '--import', 'tsx', 'src/main.ts'],
};

/** `npm start`'s own build step, run once before a bench starts the compiled app. */
export function ensureBuilt(): void {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed: the compiled app cannot be measured');
}

export interface AppProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** The env it was started with (its encryption key, to write rows it can read). */
  env: Record<string, string>;
  /** Resident memory, as the kernel counts it (/proc/<pid>/status VmRSS). */
  rssMb(): number;
  /** V8 heap in use, from its own /metrics. */
  heapUsedMb(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The real app as its own process from src/main.ts's entry, configured by environment only, as in
 * production; resolves once /healthz answers. Its logs are discarded (written to a pipe nobody reads
 * would block it; to /dev/null they cost what production logging costs).
 */
export async function startAppProcess(path: StartPath, env: Record<string, string>): Promise<AppProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-bench-app-'));
  const port = await freePort();
  const metricsToken = randomBytes(16).toString('hex');
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    DATA_DIR: dataDir,
    METRICS_TOKEN: metricsToken,
    PIVOTAL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    ...env,
  };
  const child = spawn(process.execPath, COMMANDS[path], {
    cwd: ROOT,
    env: fullEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app (${path}) exited at start-up:\n${stderr}`);
    if ((await fetch(`${url}/healthz`).catch(() => null))?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app (${path}) did not answer /healthz within ${START_TIMEOUT_MS} ms:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid!,
    dataDir,
    env: fullEnv,
    rssMb: () => {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      return Number(kb) / 1024;
    },
    heapUsedMb: async () => {
      const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      const line = (await res.text()).split('\n').find((l) => l.startsWith('nodejs_heap_size_used_bytes '));
      return Number(line?.split(' ')[1]) / 1024 / 1024;
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ensureBuilt, startFlags } from './app-process.js';
import type { TargetCommand, TargetConfig, TargetReply } from './protocol.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Beside dist/src, so the target's `../../src/…` imports reach the compiled app. */
const COMPILED_DIR = fileURLToPath(new URL('../../dist/bench/support/', import.meta.url));
const TARGET_SOURCES = ['target.ts', 'protocol.ts'];
const START_TIMEOUT_MS = 30_000;

let compiledEntry: string | undefined;

/**
 * The target, compiled: both servers run as plain node with no TypeScript loader in their process,
 * the app from dist/ as `npm start` runs it (the loader would add its own heap and garbage to the
 * app's, and so to what its node flags are measured against).
 */
function targetEntry(): string {
  if (compiledEntry) return compiledEntry;
  ensureBuilt();
  mkdirSync(COMPILED_DIR, { recursive: true });
  for (const file of TARGET_SOURCES) {
    const { outputText } = ts.transpileModule(readFileSync(join(HERE, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    writeFileSync(join(COMPILED_DIR, file.replace(/\.ts$/, '.js')), outputText);
  }
  compiledEntry = join(COMPILED_DIR, 'target.js');
  return compiledEntry;
}

export interface Target {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a server under test in its own Node process (see target.ts) and waits until it listens. The
 * app gets the node flags `npm start` gives it; bare Bolt runs with node's defaults.
 */
export async function startTarget(config: TargetConfig): Promise<Target> {
  const child = fork(targetEntry(), [JSON.stringify(config)], {
    execArgv: config.kind === 'app' ? startFlags() : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextReply(child, 'ready', START_TIMEOUT_MS);
  return {
    url: `http://127.0.0.1:${ready.port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' } satisfies TargetCommand);
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function nextReply<K extends TargetReply['type']>(
  child: ChildProcess,
  type: K,
  timeoutMs: number,
): Promise<Extract<TargetReply, { type: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`the bench target sent no "${type}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: TargetReply) => {
      if (message.type === type) done(undefined, message as Extract<TargetReply, { type: K }>);
      else if (message.type === 'error') done(new Error(`the bench target failed: ${message.message}`));
    };
    const onExit = (code: number | null) => done(new Error(`the bench target exited (code ${code}) before "${type}"`));
    function done(err: Error | undefined, value?: Extract<TargetReply, { type: K }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

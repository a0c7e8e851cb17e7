import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFlags } from './app-process.js';
import type { TargetCommand, TargetConfig, TargetReply } from './protocol.js';

const TARGET_ENTRY = fileURLToPath(new URL('./target.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface Target {
  url: string;
  pid: number;
  listeners: number;
  stop(): Promise<void>;
}

/**
 * Starts a server under test in its own Node process (see target.ts) and waits until it listens. The
 * app gets the node flags `npm start` gives it; bare Bolt runs with node's defaults.
 */
export async function startTarget(config: TargetConfig): Promise<Target> {
  const child = fork(TARGET_ENTRY, [JSON.stringify(config)], {
    execArgv: [...(config.kind === 'app' ? startFlags() : []), '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextReply(child, 'ready', START_TIMEOUT_MS);
  return {
    url: `http://127.0.0.1:${ready.port}`,
    pid: child.pid!,
    listeners: ready.listeners,
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

import { ConfigError, loadConfig } from './config.js';
import { StartupError } from './app.js';
import { startPivotalForSlack, type Started } from './bootstrap.js';
import { createLogger } from './logger.js';

/**
 * `npm start`. With Slack credentials it runs the configured mode; with none it starts the sandbox:
 * a local Pivotal simulator and Slack stand-in, so a newcomer sees the whole product work.
 */
async function main(): Promise<void> {
  let sandboxMode = false;
  try {
    sandboxMode = loadConfig().slack.kind === 'sandbox';
  } catch (err) {
    return fail(err);
  }
  let started: Started;
  let closeSandbox: (() => Promise<void>) | undefined;
  try {
    if (sandboxMode) {
      // Loaded lazily: the sandbox code is for development and is never imported in production modes.
      const { startSandbox } = await import('../sandbox/start-sandbox.js');
      const sandbox = await startSandbox();
      started = sandbox.started;
      closeSandbox = sandbox.close;
    } else {
      started = await startPivotalForSlack();
    }
  } catch (err) {
    return fail(err);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    started.ctx.logger.info({ signal }, 'shutting down: no new requests, finishing work in flight');
    const hardStop = setTimeout(() => process.exit(1), 15_000);
    hardStop.unref();
    started
      .stop()
      .then(() => closeSandbox?.())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        started.ctx.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function fail(err: unknown): void {
  if (err instanceof ConfigError || err instanceof StartupError) {
    process.stderr.write(`\nPivotal for Slack cannot start.\n${err.message}\n\n`);
  } else {
    // Anything else is a bug; log it through the scrubbing logger so no secret leaks in the stack.
    createLogger({ level: 'error' }).logger.fatal({ err }, 'Pivotal for Slack failed to start');
  }
  process.exit(1);
}

void main();

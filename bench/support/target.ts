import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { App, LogLevel } from '@slack/bolt';
import { startPivotalForSlack, type Started } from '../../src/bootstrap.js';
import { recordActivity } from '../../src/notifications/activity.js';
import { BENCH_ACTION_ID, type TargetCommand, type TargetConfig, type TargetReply } from './protocol.js';

/**
 * The server under load, in a process of its own so that the load generator does not share its core
 * and its memory is its own: either the real app (startPivotalForSlack, the production composition
 * root) or a bare Bolt 5 app with no-op listeners, the baseline the ratio is taken against.
 * Started by bench/support/processes.ts; talks over the IPC channel (protocol.ts).
 */

const send = (reply: TargetReply) => process.send?.(reply);

/** Logs go nowhere: the bench measures the app, not the terminal. */
const discard = new Writable({ write: (_chunk, _enc, done) => done() });

interface RunningTarget {
  port: number;
  stop(): Promise<void>;
}

async function startReal(config: TargetConfig): Promise<RunningTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-bench-'));
  const slack =
    config.mode === 'oauth'
      ? {
          SLACK_CLIENT_ID: '1111.2222',
          SLACK_CLIENT_SECRET: randomBytes(16).toString('hex'),
          SLACK_STATE_SECRET: randomBytes(16).toString('hex'),
        }
      : { SLACK_BOT_TOKEN: config.botToken, ...(config.pivotalKey ? { PIVOTAL_API_KEY: config.pivotalKey } : {}) };
  const started = await startPivotalForSlack({
    env: {
      PORT: '0',
      SLACK_SIGNING_SECRET: config.signingSecret,
      SLACK_API_URL: config.slackApiUrl,
      PIVOTAL_API_URL: config.pivotalApiUrl,
      PIVOTAL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...(config.busy ? { PIVOTAL_NOTIFY_CHANNEL: BUSY_CHANNEL } : {}),
      ...slack,
    },
    logDestination: discard,
    // Busy: the sync walks again as soon as a walk ends instead of once a minute.
    ...(config.busy ? { sync: { tickMs: 50, intervalMs: 100 } } : {}),
  });
  if (config.busy) await queuePosts(started);
  // The app has no block action yet that only acks; the bench gives it the same no-op as bare Bolt,
  // so the difference measured is the app's own stack (server, middleware, authorize), not the handler.
  started.running.listeners.action(BENCH_ACTION_ID, async ({ ack }) => ack());
  return {
    port: started.running.port!,
    stop: async () => {
      await started.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const BUSY_CHANNEL = 'C0BENCHPOSTS';
const BUSY_POSTS = 2_000;

/**
 * A backlog for the outbox: an "opened" post for each of the first onboardings the sync brought in,
 * queued as the sync queues them, draining at Slack's pace for one channel while the load runs.
 */
async function queuePosts(started: Started): Promise<void> {
  const { db } = started.ctx.store;
  const deadline = Date.now() + 60_000;
  let ids: Array<{ workspace_id: string; id: string }> = [];
  while (ids.length < BUSY_POSTS && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    ids = await db.selectFrom('rm_onboardings').select(['workspace_id', 'id']).limit(BUSY_POSTS).execute();
  }
  if (ids.length < BUSY_POSTS) throw new Error(`the sync brought in only ${ids.length} onboardings in a minute`);
  const now = new Date().toISOString();
  for (const row of ids)
    await recordActivity(
      db,
      row.workspace_id,
      { kind: 'onboarding.opened', onboardingId: row.id, actor: { type: 'pivotal' } },
      'bench',
      now,
    );
}

async function startBare(config: TargetConfig): Promise<RunningTarget> {
  const app = new App({
    signingSecret: config.signingSecret,
    token: config.botToken,
    // Given, so Bolt makes no auth.test call at construction.
    botId: 'BBOT',
    botUserId: 'UBOT',
    logLevel: LogLevel.ERROR,
  });
  app.command('/pivotal', async ({ ack }) => ack());
  app.action(BENCH_ACTION_ID, async ({ ack }) => ack());
  app.event('app_home_opened', async () => {});
  const server = (await app.start(0)) as { address(): AddressInfo | string | null };
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => app.stop() as Promise<void>,
  };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as TargetConfig;
  const target: RunningTarget = config.kind === 'bare' ? await startBare(config) : await startReal(config);
  process.on('message', (message: TargetCommand) => {
    void (async () => {
      if (message.type === 'stop') {
        await target.stop();
        process.exit(0);
      }
    })().catch((err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    });
  });
  // Orphaned (the bench died): do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: target.port });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});

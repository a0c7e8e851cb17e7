import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPivotalForSlack, type Started } from '../../src/bootstrap.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { slashCommandFields } from '../../sandbox/slack-requests.js';
import { LogCapture } from '../harness/log-capture.js';
import { startSocketModeServer, type SocketModeServer } from '../harness/socket-mode-server.js';

/** Socket Mode (local development against a real workspace): the app dials out and acks over the socket. */
describe('Socket Mode', () => {
  let slack: FakeSlack;
  let socket: SocketModeServer;
  let app: Started;
  let dataDir: string;
  const logs = new LogCapture();
  const appToken = 'xapp-1-A0PIVOTAL-123-0123456789abcdef0123456789abcdef';
  const botToken = 'xoxb-socket-0123456789abcdef0123';

  beforeAll(async () => {
    slack = await startFakeSlack({ teamId: 'T0SOCKET' });
    socket = await startSocketModeServer();
    slack.setSocketModeUrl(socket.url);
    dataDir = await mkdtemp(join(tmpdir(), 'pivotal-socket-'));
    app = await startPivotalForSlack({
      env: {
        PORT: '0',
        SLACK_APP_TOKEN: appToken,
        SLACK_BOT_TOKEN: botToken,
        SLACK_API_URL: slack.apiUrl,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'debug',
      },
      logDestination: logs,
      sync: { enabled: false },
    });
    await socket.connected;
  });
  afterAll(async () => {
    await app.stop();
    await socket.close();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('opens the connection with the app token and answers `/pivotal help` in the ack', async () => {
    const open = slack.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.tokenKind).toBe('xapp-');

    const fields = slashCommandFields({
      text: 'help',
      user: { id: 'U0SOCK' },
      team: { id: 'T0SOCKET' },
      responseUrl: slack.responseUrl(),
    });
    const id = socket.send({ type: 'slash_commands', payload: fields });
    const ack = await socket.ackFor(id);
    expect(JSON.stringify(ack.payload)).toContain('/pivotal help');
  });

  it('keeps the app token and the bot token out of the logs', () => {
    expect(logs.leaked([appToken, botToken])).toEqual([]);
  });
});

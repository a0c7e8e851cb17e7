import { App, type AllMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { boundBoltClientPools, SlackClients, SLACK_CLIENTS_KEPT } from '../../src/slack/clients.js';

/** A Bolt app in OAuth shape (a token per team from authorize) whose listener reports the client it was handed. */
function appHandingOutClients(capacity: number) {
  const app = new App({
    signingSecret: 'x'.repeat(32),
    authorize: async ({ teamId }) => ({ botToken: `xoxb-${teamId}`, botId: 'B1', botUserId: 'UBOT' }),
    deferInitialization: true,
  });
  boundBoltClientPools(app, capacity);
  const handed: WebClient[] = [];
  app.command('/pivotal', async ({ ack, client }: AllMiddlewareArgs & { ack: () => Promise<void> }) => {
    handed.push(client);
    await ack();
  });
  const clientFor = async (teamId: string): Promise<WebClient> => {
    const body = { command: '/pivotal', text: '', team_id: teamId, user_id: 'U1', channel_id: 'C1', token: 't' };
    await app.processEvent({ body, ack: async () => {} });
    const client = handed.at(-1);
    if (!client) throw new Error(`no listener ran for ${teamId}`);
    return client;
  };
  return { app, clientFor };
}

describe("Bolt's per-team Web API clients", () => {
  it('are kept for at most `capacity` teams: reused while kept, made again once dropped', async () => {
    const { app, clientFor } = appHandingOutClients(2);
    await app.init();
    const first = await clientFor('T1');
    expect(await clientFor('T1')).toBe(first);
    await clientFor('T2');
    expect(await clientFor('T1')).toBe(first);
    // T2 is now the least recently used: a third team drops it, and T1 stays.
    await clientFor('T3');
    expect(await clientFor('T1')).toBe(first);
    // T2 comes back as a new client (dropping T3); T1 is then the least recently used, and T3 drops it.
    const t2 = await clientFor('T2');
    expect(await clientFor('T2')).toBe(t2);
    await clientFor('T3');
    const t1Again = await clientFor('T1');
    expect(t1Again).not.toBe(first);
    expect(t1Again.token).toBe('xoxb-T1');
  });

  it('refuses to start when Bolt no longer keeps them where the bound is put', () => {
    const app = new App({ signingSecret: 'x'.repeat(32), authorize: async () => ({}), deferInitialization: true });
    (app as unknown as { clients?: unknown }).clients = undefined;
    expect(() => boundBoltClientPools(app)).toThrow(/cannot be bounded/);
  });
});

describe('Web API clients the app makes for background work', () => {
  it('are kept for at most maxClients workspaces, the least recently used made again', async () => {
    const clients = new SlackClients({
      slack: { kind: 'http', signingSecret: 's', botToken: 'xoxb-1' },
      slackApiUrl: 'http://127.0.0.1:9/api/',
      logger: pino({ level: 'silent' }),
      installations: {
        storeInstallation: async () => {},
        fetchInstallation: async () => {
          throw new Error('single-workspace mode reads no installation');
        },
      },
      maxClients: 2,
    });
    const first = await clients.forWorkspace('T1');
    expect(await clients.forWorkspace('T1')).toBe(first);
    await clients.forWorkspace('T2');
    await clients.forWorkspace('T1');
    await clients.forWorkspace('T3');
    expect(await clients.forWorkspace('T1')).toBe(first);
    // T2 comes back by dropping T3; T1 is then the least recently used, and T3 drops it.
    expect(await clients.forWorkspace('T2')).not.toBeNull();
    await clients.forWorkspace('T3');
    const t1Again = await clients.forWorkspace('T1');
    expect(t1Again).not.toBe(first);
    expect(t1Again?.token).toBe('xoxb-1');
    expect(SLACK_CLIENTS_KEPT).toBeGreaterThan(2);
  });
});

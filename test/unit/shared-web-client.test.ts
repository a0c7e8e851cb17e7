import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type AllMiddlewareArgs } from '@slack/bolt';
import { ErrorCode, type WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackClients, shareBoltClients } from '../../src/slack/clients.js';
import { SharedWebClient } from '../../src/slack/shared-web-client.js';

interface Seen {
  method: string;
  authorization: string | undefined;
  teamId: string | null;
  /** A token sent in the form body as well as (or instead of) the header. */
  bodyToken: string | null;
}

/** A Web API that records who called and can answer one token's next call with a 429. */
function webApi() {
  const seen: Seen[] = [];
  const limited = new Map<string, number>();
  const hanging = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const method = req.url!.replace(/^\/api\//, '');
      const authorization = req.headers.authorization;
      const form = new URLSearchParams(body);
      seen.push({ method, authorization, teamId: form.get('team_id'), bodyToken: form.get('token') });
      const token = authorization?.replace('Bearer ', '') ?? '';
      if (hanging.has(token)) return;
      const retryAfter = limited.get(token);
      if (retryAfter !== undefined) {
        limited.delete(token);
        res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, method }));
    });
  });
  return {
    seen,
    limitNextCall: (token: string, retryAfterSeconds: number) => limited.set(token, retryAfterSeconds),
    /** Calls with this token are never answered (until close). */
    hangCallsOf: (token: string) => hanging.add(token),
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const quiet = pino({ level: 'silent' });
let api: ReturnType<typeof webApi>;
let slackApiUrl: string;

beforeEach(async () => {
  api = webApi();
  slackApiUrl = await api.listen();
});
afterEach(() => api.close());

/** A Bolt app in OAuth shape (a token per team from authorize) whose listener reports the client it was handed. */
function appHandingOutClients() {
  const app = new App({
    signingSecret: 'x'.repeat(32),
    authorize: async ({ teamId }) => ({ botToken: `xoxb-${teamId}`, botId: 'B1', botUserId: 'UBOT', teamId }),
    clientOptions: { slackApiUrl, retryConfig: { retries: 0 } },
    logger: {
      debug() {},
      info() {},
      warn() {},
      error() {},
      setLevel() {},
      getLevel: () => 'error' as never,
      setName() {},
    },
    deferInitialization: true,
  });
  shareBoltClients(app);
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
  it("are one shared client: each team's listener calls with its own token (in the header only) and team, and no team is kept", async () => {
    const { app, clientFor } = appHandingOutClients();
    await app.init();
    const t1 = await clientFor('T1');
    const t2 = await clientFor('T2');
    expect(t1.token).toBe('xoxb-T1');
    expect(t2.token).toBe('xoxb-T2');
    await t1.chat.postMessage({ channel: 'C1', text: 'one' });
    await t2.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [] } });
    await t1.apiCall('auth.test');
    expect(api.seen).toEqual([
      { method: 'chat.postMessage', authorization: 'Bearer xoxb-T1', teamId: 'T1', bodyToken: null },
      { method: 'views.publish', authorization: 'Bearer xoxb-T2', teamId: 'T2', bodyToken: null },
      { method: 'auth.test', authorization: 'Bearer xoxb-T1', teamId: 'T1', bodyToken: null },
    ]);
    expect(Object.keys((app as unknown as { clients: object }).clients)).toEqual([]);
  });

  it('refuses to start when Bolt no longer keeps them where they are shared', () => {
    const app = new App({ signingSecret: 'x'.repeat(32), authorize: async () => ({}), deferInitialization: true });
    (app as unknown as { clients?: unknown }).clients = undefined;
    expect(() => shareBoltClients(app)).toThrow(/cannot be shared/);
  });
});

describe('a view of the shared client', () => {
  it('reaches nested namespaces and pagination, and a token or team named in the call wins', async () => {
    const client = new SharedWebClient({ slackApiUrl, logger: quiet as never }).forToken('xoxb-A', 'TA');
    await client.admin.apps.approved.list({});
    for await (const page of client.paginate('users.list', {})) expect(page.ok).toBe(true);
    await client.users.info({ user: 'U1', token: 'xoxp-own', team_id: 'TOTHER' } as never);
    expect(api.seen).toEqual([
      { method: 'admin.apps.approved.list', authorization: 'Bearer xoxb-A', teamId: 'TA', bodyToken: null },
      { method: 'users.list', authorization: 'Bearer xoxb-A', teamId: 'TA', bodyToken: null },
      // A call's own token is WebClient's to send: in the header, and in the body as it always has.
      { method: 'users.info', authorization: 'Bearer xoxp-own', teamId: 'TOTHER', bodyToken: 'xoxp-own' },
    ]);
  });

  it("waits out its own 429 alone: another workspace's calls go through meanwhile", async () => {
    let wake: () => void = () => {};
    const waits: number[] = [];
    const shared = new SharedWebClient({ slackApiUrl, logger: quiet as never, retryConfig: { retries: 2 } }, (ms) => {
      waits.push(ms);
      return new Promise((resolve) => (wake = resolve));
    });
    api.limitNextCall('xoxb-A', 7);
    const limitedCall = shared.forToken('xoxb-A').chat.postMessage({ channel: 'C1', text: 'a' });
    await expect.poll(() => waits).toEqual([7_000]);
    await expect(shared.forToken('xoxb-B').chat.postMessage({ channel: 'C1', text: 'b' })).resolves.toMatchObject({
      ok: true,
    });
    wake();
    await expect(limitedCall).resolves.toMatchObject({ ok: true });
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer xoxb-A', 'Bearer xoxb-B', 'Bearer xoxb-A']);
  });

  it("does not queue one workspace's calls behind another's that Slack is slow to answer", async () => {
    const shared = new SharedWebClient({ slackApiUrl, logger: quiet as never, retryConfig: { retries: 0 } });
    api.hangCallsOf('xoxb-A');
    // More than WebClient's own default of 100 in flight.
    const stuck = Array.from({ length: 150 }, () =>
      shared
        .forToken('xoxb-A')
        .chat.postMessage({ channel: 'C1', text: 'a' })
        .catch(() => 'closed'),
    );
    await expect.poll(() => api.seen.length).toBe(150);
    await expect(shared.forToken('xoxb-B').auth.test()).resolves.toMatchObject({ ok: true });
    await api.close();
    expect(new Set(await Promise.all(stuck))).toEqual(new Set(['closed']));
  });

  it('gives a 429 straight back when its use rejects rate-limited calls (the outbox backs off by itself)', async () => {
    const shared = new SharedWebClient(
      { slackApiUrl, logger: quiet as never, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } },
      () => Promise.reject(new Error('no wait expected')),
    );
    api.limitNextCall('xoxb-A', 3);
    await expect(shared.forToken('xoxb-A').chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 3,
    });
  });
});

describe('Web API clients the app makes for background work', () => {
  it("call with the workspace's bot token, through one client per use", async () => {
    const clients = new SlackClients({
      slack: { kind: 'http', signingSecret: 's', botToken: 'xoxb-1' },
      slackApiUrl,
      logger: quiet,
      installations: {
        storeInstallation: async () => {},
        fetchInstallation: async () => {
          throw new Error('single-workspace mode reads no installation');
        },
      },
    });
    const background = await clients.forWorkspace('T1');
    const outbox = await clients.forWorkspace('T1', 'outbox');
    expect(background?.token).toBe('xoxb-1');
    await background?.chat.postMessage({ channel: 'C1', text: 'x' });
    await outbox?.chat.postMessage({ channel: 'C1', text: 'y' });
    expect(api.seen).toEqual([
      { method: 'chat.postMessage', authorization: 'Bearer xoxb-1', teamId: 'T1', bodyToken: null },
      { method: 'chat.postMessage', authorization: 'Bearer xoxb-1', teamId: 'T1', bodyToken: null },
    ]);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { responseUrlPolicy } from '../../src/slack/response-url.js';
import { saveWebhookSecret } from '../../src/webhooks/secret.js';
import { signWebhook } from '../../src/webhooks/signature.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/start-sandbox.js';
import { blockActionsPayload, slashCommandFields, viewSubmissionPayload } from '../../sandbox/slack-requests.js';
import { ADMIN, CSM, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { installThroughOAuth, startOAuthHarness } from '../harness/oauth.js';
import { probeSideEffects, type SideEffectProbe } from '../reliability/support.js';

/** The app's HTTP edge: what it serves to whom, where it sends replies, and what it says to strangers. */

describe('a single-workspace app', () => {
  let h: Harness;
  let probe: SideEffectProbe;
  /** Somewhere that is not Slack, counting what reaches it. */
  let foreign: Server;
  let foreignUrl: string;
  let foreignHits = 0;

  beforeAll(async () => {
    h = await startHarness();
    probe = probeSideEffects(h);
    foreign = createServer((_req, res) => {
      foreignHits += 1;
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/commands/T0TEAM01/1/evil`;
  });
  afterAll(async () => {
    foreign.close();
    await h.close();
  });

  it('serves no /metrics without METRICS_TOKEN, and refuses a token too short to be one', async () => {
    const res = await fetch(`${h.baseUrl}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(TEAM.id);
    expect(() =>
      loadConfig({ SLACK_SIGNING_SECRET: 'signing-secret-1', SLACK_BOT_TOKEN: 'xoxb-1-2', METRICS_TOKEN: 'short' }),
    ).toThrow(ConfigError);
  });

  it('refuses, with 400 and nothing run, signed requests whose response_url is not on a Slack host', async () => {
    const before = await probe.snapshot();
    const command = await h.sender.sendForm(
      slashCommandFields({ text: 'customer acme', user: CSM, team: TEAM, responseUrl: foreignUrl }),
    );
    const click = await h.sender.sendPayload(
      blockActionsPayload(
        TEAM,
        CSM,
        { action_id: 'customer_card_show', value: 'x' },
        { kind: 'message', channelId: 'C0GENERAL', messageTs: '1.1', responseUrl: foreignUrl },
      ),
    );
    const submission = await h.sender.sendPayload({
      ...viewSubmissionPayload(TEAM, CSM, { id: 'V0EDGE', callback_id: 'connect_submit' }),
      response_urls: [{ response_url: foreignUrl }],
    });
    for (const res of [command, click, submission]) {
      expect(res.status).toBe(400);
      expect(res.text).toBe('');
    }
    expect(await probe.snapshot()).toEqual(before);
    expect(foreignHits).toBe(0);
  });

  it('lets only https Slack hooks and the Slack API origin be a response_url', () => {
    const allowed = responseUrlPolicy('https://slack.com/api/');
    expect(allowed('https://hooks.slack.com/commands/T1/2/abc')).toBe(true);
    expect(allowed('https://hooks.slack-gov.com/actions/T1/2/abc')).toBe(true);
    for (const url of [
      'http://hooks.slack.com/commands/T1',
      'https://hooks.slack.com.evil.example/x',
      'https://hooks.slack.com@evil.example/x',
      'https://evil.example/hooks.slack.com',
      'https://slack.com.evil.example/',
      'not a url',
    ]) {
      expect(allowed(url)).toBe(false);
    }
  });

  describe('Pivotal webhooks', () => {
    const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
    const OTHER = `whsec_${randomBytes(32).toString('base64')}`;
    beforeAll(async () => {
      await saveWebhookSecret(h.app.ctx, TEAM.id, SECRET);
    });

    const deliver = async (team: string, body: string, signWith?: string) => {
      const id = `msg_${randomBytes(6).toString('hex')}`;
      const ts = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signWith)
        Object.assign(headers, {
          'svix-id': id,
          'svix-timestamp': String(ts),
          'svix-signature': signWebhook(signWith, id, ts, body),
        });
      const res = await fetch(`${h.baseUrl}/pivotal/webhooks/${team}`, { method: 'POST', headers, body });
      return { status: res.status, body: await res.text() };
    };

    it('answers an unknown team exactly as a bad signature', async () => {
      const event = JSON.stringify({ id: 'evt_edge', type: 'onboarding.created', data: { object: {} } });
      const badSignature = await deliver(TEAM.id, event, OTHER);
      expect(badSignature).toEqual({ status: 401, body: JSON.stringify({ error: 'invalid_signature' }) });
      expect(await deliver('T0NOBODY1', event, OTHER)).toEqual(badSignature);
      expect(await deliver('T0NOBODY1', event, SECRET)).toEqual(badSignature);
      expect(await deliver(TEAM.id, event)).toEqual(badSignature);
      expect(await deliver('T0NOBODY1', event)).toEqual(badSignature);
    });

    it('answers a body over 1 MiB with 413, for any team, instead of cutting the connection', async () => {
      const big = JSON.stringify({ id: 'evt_big', padding: 'x'.repeat(1.5 * 1024 * 1024) });
      for (const team of [TEAM.id, 'T0NOBODY1']) {
        expect(await deliver(team, big, SECRET)).toEqual({
          status: 413,
          body: JSON.stringify({ error: 'payload_too_large' }),
        });
      }
    });
  });
});

describe('PIVOTAL_ADMIN_SLACK_IDS with OAuth distribution', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startOAuthHarness({ env: { PIVOTAL_ADMIN_SLACK_IDS: CSM.id } });
    await installThroughOAuth(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('is ignored, with a warning at start-up: each workspace is run by its own Slack admins', async () => {
    expect(
      h.logs.lines.some(
        (line) =>
          line.includes('"level":40') && line.includes('PIVOTAL_ADMIN_SLACK_IDS is ignored with OAuth distribution'),
      ),
    ).toBe(true);
    const opened = h.slack.callsTo('views.open').length;
    const asCsm = await h.command('connect', { user: CSM });
    await h.idle();
    const reply = h.slack.responseUrlPosts.find((p) => p.id === asCsm.responseUrlId)?.body as
      | { text: string }
      | undefined;
    expect(reply?.text).toContain(`Only a workspace admin can connect Pivotal. Ask <@${ADMIN.id}>.`);
    expect(reply?.text).not.toContain(`<@${CSM.id}>`);
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);

    await h.command('connect', { user: ADMIN });
    await h.idle();
    expect(
      h.slack
        .callsTo('views.open')
        .slice(opened)
        .map((c) => (c.args.view as { callback_id: string }).callback_id),
    ).toEqual(['connect_submit']);
  });
});

describe('the sandbox', () => {
  let sandbox: RunningSandbox;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pivotal-sandbox-edge-'));
    sandbox = await startSandbox(
      {
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        PIVOTAL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
      { sync: { enabled: false } },
    );
  });
  afterAll(async () => {
    await sandbox.started.stop();
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const pagePort = () => new URL(sandbox.pageUrl).port;
  /** A request to the page server with the Host (and Origin) a browser would send for that name. */
  const ask = (method: string, path: string, host: string, origin?: string, body?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: pagePort(),
          method,
          path,
          headers: { host, ...(origin ? { origin } : {}), 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('binds the app to 127.0.0.1 only', () => {
    expect(sandbox.started.running.listenAddress).toBe('127.0.0.1');
  });

  it('answers the page only when asked by a loopback name, so a rebound foreign domain cannot drive it', async () => {
    expect((await ask('GET', '/', `localhost:${pagePort()}`)).status).toBe(200);
    expect((await ask('GET', '/', `127.0.0.1:${pagePort()}`)).status).toBe(200);

    let dispatched = 0;
    const app = sandbox.started.running.app;
    const processEvent = app.processEvent.bind(app);
    app.processEvent = async (event) => {
      dispatched += 1;
      return processEvent(event);
    };
    const rebound = `evil.example:${pagePort()}`;
    for (const [method, path, body] of [
      ['GET', '/', undefined],
      ['GET', '/sandbox/state?user=U0CSM', undefined],
      ['POST', '/sandbox/command', '{"text":"help","user":"U0CSM"}'],
    ] as const) {
      const res = await ask(method, path, rebound, `http://${rebound}`, body);
      expect(res.status).toBe(403);
      expect(res.text).toContain('only at');
    }
    expect(dispatched).toBe(0);
    // The same command from the page itself reaches the app.
    const local = `127.0.0.1:${pagePort()}`;
    expect(
      (await ask('POST', '/sandbox/command', local, `http://${local}`, '{"text":"help","user":"U0CSM"}')).status,
    ).toBe(200);
    expect(dispatched).toBe(1);
  });
});

import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FakeSlack } from '../fake-slack/server.js';
import type { SlackRequestSender, SlackTeamRef } from '../slack-requests.js';
import { PageModel, dmOf, type DeclaredShortcut, type DemoChannel, type DemoUser } from './model.js';
import { PANEL_OPS, PivotalPanel, type PivotalPanelOptions } from './pivotal-panel.js';
import { renderHome, renderModal, renderTimeline } from './surfaces.js';

/**
 * The sandbox page: a local stand-in for the Slack client, served by the same server that
 * plays the Slack Web API. The browser asks this server to act for the chosen demo user; the server
 * signs each request exactly as Slack would and POSTs it to the app's /slack/events.
 */

export interface SandboxPageOptions {
  slack: FakeSlack;
  team: SlackTeamRef;
  users: readonly DemoUser[];
  channel: DemoChannel;
  /** Known once the app listens. */
  sender: () => SlackRequestSender | undefined;
  /** How long a page's "anything new?" request may wait (short in tests). */
  longPollMs?: number;
  /** The shortcuts manifest.yml declares: the "⋯" menu and the composer's lightning menu offer them. */
  shortcuts?: readonly DeclaredShortcut[];
  /** The Pivotal panel, when a simulator runs beside the page. */
  pivotal?: PivotalPanelOptions;
}

export interface SandboxPage {
  url: string;
  model: PageModel;
  close(): void;
}

const rawInput = z.object({
  block_id: z.string(),
  action_id: z.string(),
  value: z.string().nullable().optional(),
  values: z.array(z.string()).optional(),
  label: z.string().optional(),
});
const inputs = z.array(rawInput).default([]);
const user = z.string().min(1);
const viewId = z.string().min(1);

const bodies = {
  command: z.object({ user: z.string().optional(), text: z.string().max(4000).default('help') }),
  action: z.object({
    user,
    where: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('view'), viewId }),
      z.object({ kind: z.literal('message'), channel: z.string(), ts: z.string() }),
      z.object({ kind: z.literal('ephemeral'), id: z.string() }),
    ]),
    action: rawInput,
    inputs,
  }),
  submit: z.object({ user, viewId, inputs }),
  close: z.object({ user, viewId }),
  suggest: z.object({ user, viewId, block_id: z.string(), action_id: z.string(), value: z.string().max(200) }),
  home: z.object({ user }),
  say: z.object({ user, text: z.string().trim().min(1, 'Type a message first.').max(4000) }),
  messageShortcut: z.object({
    user,
    callback_id: z.string().min(1),
    channel: z.string().min(1),
    ts: z.string().min(1),
  }),
  globalShortcut: z.object({ user, callback_id: z.string().min(1) }),
  panel: z.object({
    ref: z.string().optional(),
    value: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
};

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/sandbox/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
  '/sandbox/page.css': { file: 'page.css', type: 'text/css; charset=utf-8' },
};

/**
 * A page on any domain whose name resolves to 127.0.0.1 (DNS rebinding) is same-origin with whatever
 * it calls through that name, so the Origin check alone lets it act for the demo users; the Host
 * header still names the foreign domain, so only loopback names are answered.
 */
function loopbackHosts(pageUrl: string): Set<string> {
  const { port } = new URL(pageUrl);
  return new Set(['127.0.0.1', 'localhost', '[::1]'].map((name) => `${name}:${port}`));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

export function mountSandboxPage(opts: SandboxPageOptions): SandboxPage {
  const { slack } = opts;
  const model = new PageModel(slack, opts);
  const longPollMs = opts.longPollMs ?? 20_000;
  const panel = opts.pivotal ? new PivotalPanel(opts.pivotal) : undefined;
  // What someone else changes in Pivotal (the app's writes, the panel) shows on the page without a reload.
  const unwatch = opts.pivotal?.simulator.onChange(() => model.touch());

  const hosts = loopbackHosts(slack.url);
  /** Every page route: refused unless asked for by a loopback name. */
  const route = (method: 'GET' | 'POST', path: string, handler: Parameters<FakeSlack['route']>[2]) =>
    slack.route(method, path, (req, res, raw) => {
      if (!hosts.has(req.headers.host ?? ''))
        return json(res, 403, { ok: false, error: `The sandbox page answers only at ${[...hosts].join(' or ')}.` });
      return handler(req, res, raw);
    });

  // Browsers ask for it on every load; an empty answer keeps the console free of 404s.
  route('GET', '/favicon.ico', (_req, res) => void res.writeHead(204).end());
  for (const [path, asset] of Object.entries(STATIC)) {
    route('GET', path, async (_req, res) => {
      const content = await readFile(new URL(`./static/${asset.file}`, import.meta.url));
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(content);
    });
  }

  const stateFor = (userId: string) => {
    const me = model.user(userId);
    const dir = { users: model.users, channels: [model.channel] };
    const modal = model.modalFor(me.id);
    return {
      version: model.currentVersion,
      me,
      users: model.users,
      channel: model.channel,
      shortcuts: model.shortcuts,
      pivotal: panel?.render() ?? null,
      modal: modal ? { viewId: modal.viewId, node: renderModal(modal, dir) } : null,
      home: renderHome(model.homeFor(me.id), dir),
      timeline: renderTimeline(
        model.timeline(me.id, new Set([model.channel.id])),
        dir,
        `This is the very beginning of #${model.channel.name}. Type /pivotal help below.`,
      ),
      messages: renderTimeline(
        model.timeline(me.id, new Set([me.id, dmOf(me.id)])),
        dir,
        'No messages from the app yet.',
      ),
    };
  };

  route('GET', '/sandbox/state', async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://page').searchParams;
    const since = query.get('since');
    if (since !== null && /^\d+$/.test(since)) await model.changedSince(Number(since), longPollMs);
    json(res, 200, stateFor(query.get('user') ?? ''));
  });

  const post = <S extends z.ZodType>(path: string, schema: S, handle: (body: z.infer<S>) => Promise<unknown>) => {
    route('POST', `/sandbox/${path}`, async (req, res, raw) => {
      // Any web page the developer visits could POST here; only this page (or a tool without an
      // Origin, such as curl) may act for the demo users.
      const origin = req.headers.origin;
      if (origin && !(URL.canParse(origin) && new URL(origin).host === req.headers.host)) {
        return json(res, 403, { ok: false, error: 'Only the sandbox page itself may send this.' });
      }
      let parsed: z.infer<S>;
      try {
        parsed = schema.parse(JSON.parse(raw || '{}'));
      } catch (err) {
        return json(res, 400, {
          ok: false,
          error: err instanceof z.ZodError ? z.prettifyError(err) : 'The request body must be JSON.',
        });
      }
      try {
        json(res, 200, await handle(parsed));
      } catch (err) {
        json(res, 502, { ok: false, error: (err as Error).message });
      }
    });
  };

  // Also the terminal way in printed by the banner: curl -d '{"text":"help","user":"U0CSM"}'.
  post('command', bodies.command, (b) => model.command(b.user ?? '', b.text));
  post('action', bodies.action, (b) => model.action(b.user, b.where, b.action, b.inputs));
  post('submit', bodies.submit, (b) => model.submit(b.user, b.viewId, b.inputs));
  post('close', bodies.close, (b) => model.closeView(b.user, b.viewId));
  post('suggest', bodies.suggest, (b) => model.suggest(b.user, b.viewId, b.block_id, b.action_id, b.value));
  post('home', bodies.home, async (b) => {
    const res = await model.homeOpened(b.user);
    return res.status === 200 ? { ok: true } : { ok: false, error: `The app did not answer (HTTP ${res.status}).` };
  });

  post('say', bodies.say, async (b) => model.say(b.user, b.text));
  post('message-shortcut', bodies.messageShortcut, (b) =>
    model.messageShortcut(b.user, b.callback_id, { channel: b.channel, ts: b.ts }),
  );
  post('global-shortcut', bodies.globalShortcut, (b) => model.globalShortcut(b.user, b.callback_id));
  if (panel) {
    for (const op of PANEL_OPS) {
      post(`pivotal/${op}`, bodies.panel, async (b) => {
        try {
          const done = await panel.run(op, b);
          model.touch();
          return { ok: true, done };
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
      });
    }
  }

  return {
    url: `${slack.url}/`,
    model,
    close: () => {
      unwatch?.();
      model.dispose();
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { HomeView, ModalView } from '@slack/types';

/**
 * A local stand-in for the Slack Web API (docs/slack-notes.md, Testing without Slack). It answers in Slack's shapes,
 * records every call so tests can assert on what Slack would show, and can be told to fail.
 * Used by the test harness and by sandbox mode; production never reaches it.
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Only whether a token was sent and its kind: the fake keeps no secret. */
  tokenKind: string | null;
  at: number;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
  tz?: string;
  team_id?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  is_private?: boolean;
  is_archived?: boolean;
  /** Whether the bot is a member; chat.postMessage to a non-member private channel fails. */
  is_member?: boolean;
  /** Shared with another organisation (Slack Connect), or invited to be. */
  is_ext_shared?: boolean;
  is_pending_ext_shared?: boolean;
}

export interface Failure {
  /** Slack error code for an `ok:false` answer, e.g. channel_not_found. */
  error?: string;
  /** HTTP status (429 for rate limiting, 5xx for outages). */
  status?: number;
  retryAfterSec?: number;
  /** Only a call whose arguments have these values fails (e.g. one channel); others pass it by. */
  forArgs?: Record<string, unknown>;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  /** Set on an ephemeral message: the one user who sees it. */
  user?: string;
  /** Set on a message a person wrote (their user id); the app's own posts have none. */
  author?: string;
  updates: number;
}

/**
 * A view as Slack keeps it: what the app sent, with the id and hash Slack gave it. A modal
 * (views.open/push/update) unless typed as a Home tab (views.publish), which Slack keeps apart, one per user.
 */
export interface StoredView<V extends ModalView | HomeView = ModalView> {
  id: string;
  hash: string;
  team_id: string;
  user_id?: string;
  /** The trigger a modal was opened or pushed with: whose interaction it answers. */
  trigger_id?: string;
  external_id?: string;
  view: V;
}

export type StoredHome = StoredView<HomeView>;

/** What happened on the fake, for whoever renders it (the sandbox page). */
export type FakeSlackActivity =
  | { kind: 'api'; method: string; args: Record<string, unknown>; answer: Record<string, unknown> }
  | { kind: 'response_url'; id: string; body: Record<string, unknown> }
  | { kind: 'user_message'; message: PostedMessage };

export interface FakeSlack {
  url: string;
  apiUrl: string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  messages: PostedMessage[];
  /** Modals by view id. */
  views: Map<string, StoredView>;
  /** Home tabs by user id. */
  homeViews: Map<string, StoredHome>;
  responseUrlPosts: Array<{ id: string; body: Record<string, unknown> }>;
  responseUrl(id?: string): string;
  addUser(user: FakeUser): void;
  addChannel(channel: FakeChannel): void;
  failNext(method: string, failure: Failure, times?: number): void;
  reset(): void;
  /** Where `apps.connections.open` sends a Socket Mode app (a local WebSocket server in tests). */
  setSocketModeUrl(url: string): void;
  close(): Promise<void>;
  /** Extra routes mounted by the sandbox page share this server. */
  route(
    method: string,
    path: string,
    handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
  ): void;
  /** A person writes in a conversation (the sandbox page's composer); apps see it only through shortcuts. */
  postUserMessage(channel: string, userId: string, text: string): PostedMessage;
  /** Called after every answered Web API call and every response_url post; returns an unsubscribe. */
  subscribe(listener: (activity: FakeSlackActivity) => void): () => void;
  /**
   * Stores a view the way Slack does when a view_submission is answered with `response_action`
   * update (same id) or push (new id): no Web API call is involved, yet later views.update must find it.
   */
  putView(view: ModalView, existingId?: string): StoredView;
  server: Server;
}

function parseArgs(contentType: string | undefined, raw: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The WebClient JSON-encodes object arguments (blocks, view, attachments) inside the form.
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/**
 * Whether a view (a method's argument, a `response_action` answer) is of the kind the surface shows:
 * Slack answers `invalid_arguments` to a view that is not.
 */
export function isViewOfType<T extends (ModalView | HomeView)['type']>(
  value: unknown,
  type: T,
): value is Extract<ModalView | HomeView, { type: T }> {
  const view = value as { type?: unknown; blocks?: unknown } | null | undefined;
  return view?.type === type && Array.isArray(view.blocks);
}

function tokenKind(auth: string | undefined): string | null {
  const token = auth?.replace(/^Bearer\s+/i, '');
  if (!token) return null;
  return token.match(/^(xoxe\.)?(xox[a-z]|xapp)-/)?.[0] ?? 'unknown';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

let tsCounter = 0;
function nextTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
}

export async function startFakeSlack(opts: { port?: number; host?: string; teamId?: string } = {}): Promise<FakeSlack> {
  const teamId = opts.teamId ?? 'T0SANDBOX';
  const calls: RecordedCall[] = [];
  const messages: PostedMessage[] = [];
  const views = new Map<string, StoredView>();
  const homeViews = new Map<string, StoredHome>();
  const users = new Map<string, FakeUser>();
  const channels = new Map<string, FakeChannel>();
  const failures = new Map<string, Failure[]>();
  const responseUrlPosts: Array<{ id: string; body: Record<string, unknown> }> = [];
  let socketModeUrl: string | undefined;
  const extraRoutes = new Map<
    string,
    (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>
  >();
  const listeners = new Set<(activity: FakeSlackActivity) => void>();
  const notify = (activity: FakeSlackActivity) => {
    for (const listener of listeners) listener(activity);
  };

  const newViewId = () => `V${randomBytes(5).toString('hex').toUpperCase()}`;
  const newHash = () => `${Date.now()}.${randomBytes(4).toString('hex')}`;

  function stored<V extends ModalView | HomeView>(
    view: V,
    existing?: StoredView<V>,
    userId?: unknown,
    triggerId?: unknown,
  ): StoredView<V> {
    return {
      id: existing?.id ?? newViewId(),
      hash: newHash(),
      team_id: teamId,
      view,
      ...(typeof view.external_id === 'string' ? { external_id: view.external_id } : {}),
      ...(typeof userId === 'string' ? { user_id: userId } : {}),
      ...(existing?.trigger_id || typeof triggerId === 'string'
        ? { trigger_id: existing?.trigger_id ?? String(triggerId) }
        : {}),
    };
  }

  function storeModal(view: ModalView, existing?: StoredView, userId?: unknown, triggerId?: unknown): StoredView {
    const modal = stored(view, existing, userId, triggerId);
    views.set(modal.id, modal);
    return modal;
  }

  function findView(args: Record<string, unknown>): StoredView | undefined {
    if (typeof args.view_id === 'string') return views.get(args.view_id);
    if (typeof args.external_id === 'string') {
      return [...views.values()].find((v) => v.external_id === args.external_id);
    }
    return undefined;
  }

  const viewAnswer = (v: StoredView<ModalView | HomeView>) => ({
    ok: true,
    view: { ...v.view, id: v.id, hash: v.hash, team_id: v.team_id },
  });
  const modalAnswer = (a: Record<string, unknown>, existing?: StoredView) =>
    isViewOfType(a.view, 'modal')
      ? viewAnswer(storeModal(a.view, existing, a.user_id, a.trigger_id))
      : { ok: false, error: 'invalid_arguments' };

  type Handler = (args: Record<string, unknown>) => Record<string, unknown>;
  const methods: Record<string, Handler> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://sandbox.slack.test/',
      team: 'Sandbox',
      user: 'pivotal',
      team_id: teamId,
      user_id: 'UBOT',
      bot_id: 'BBOT',
    }),
    'views.open': (a) => modalAnswer(a),
    'views.push': (a) => modalAnswer(a),
    'views.update': (a) => {
      const existing = findView(a);
      if (!existing) return { ok: false, error: 'not_found' };
      if (typeof a.hash === 'string' && a.hash !== existing.hash) return { ok: false, error: 'hash_conflict' };
      return modalAnswer(a, existing);
    },
    'views.publish': (a) => {
      const user = String(a.user_id ?? '');
      if (!user || !isViewOfType(a.view, 'home')) return { ok: false, error: 'invalid_arguments' };
      const home = stored(a.view, homeViews.get(user), user);
      homeViews.set(user, home);
      return viewAnswer(home);
    },
    'chat.postMessage': (a) => {
      const channel = String(a.channel ?? '');
      const known = channels.get(channel);
      if (known?.is_archived) return { ok: false, error: 'is_archived' };
      if (known && known.is_member === false) return { ok: false, error: 'not_in_channel' };
      // A bot writing to a user id reaches their DM; a deactivated person has none any more.
      if (users.get(channel)?.deleted) return { ok: false, error: 'channel_not_found' };
      const msg: PostedMessage = {
        channel,
        ts: nextTs(),
        updates: 0,
        ...(typeof a.thread_ts === 'string' ? { thread_ts: a.thread_ts } : {}),
        ...(typeof a.text === 'string' ? { text: a.text } : {}),
        ...(Array.isArray(a.blocks) ? { blocks: a.blocks } : {}),
      };
      messages.push(msg);
      return { ok: true, channel, ts: msg.ts, message: { ...msg } };
    },
    'chat.update': (a) => {
      const msg = messages.find((m) => m.channel === a.channel && m.ts === a.ts);
      if (!msg) return { ok: false, error: 'message_not_found' };
      if (typeof a.text === 'string') msg.text = a.text;
      if (Array.isArray(a.blocks)) msg.blocks = a.blocks;
      msg.updates += 1;
      return { ok: true, channel: msg.channel, ts: msg.ts };
    },
    'chat.postEphemeral': (a) => {
      const msg: PostedMessage = {
        channel: String(a.channel ?? ''),
        ts: nextTs(),
        updates: 0,
        user: String(a.user ?? ''),
        ...(typeof a.thread_ts === 'string' ? { thread_ts: a.thread_ts } : {}),
        ...(typeof a.text === 'string' ? { text: a.text } : {}),
        ...(Array.isArray(a.blocks) ? { blocks: a.blocks } : {}),
      };
      messages.push(msg);
      return { ok: true, message_ts: msg.ts };
    },
    'chat.delete': (a) => {
      const i = messages.findIndex((m) => m.channel === a.channel && m.ts === a.ts);
      if (i < 0) return { ok: false, error: 'message_not_found' };
      messages.splice(i, 1);
      return { ok: true, channel: a.channel, ts: a.ts };
    },
    'chat.getPermalink': (a) => ({
      ok: true,
      channel: a.channel,
      permalink: `https://sandbox.slack.test/archives/${String(a.channel)}/p${String(a.message_ts).replace('.', '')}`,
    }),
    'chat.unfurl': () => ({ ok: true }),
    'users.info': (a) => {
      const user = users.get(String(a.user ?? ''));
      return user ? { ok: true, user: { team_id: teamId, ...user } } : { ok: false, error: 'user_not_found' };
    },
    'users.list': () => ({ ok: true, members: [...users.values()], response_metadata: { next_cursor: '' } }),
    'conversations.info': (a) => {
      const channel = channels.get(String(a.channel ?? ''));
      return channel ? { ok: true, channel } : { ok: false, error: 'channel_not_found' };
    },
    'conversations.join': (a) => {
      const channel = channels.get(String(a.channel ?? ''));
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (channel.is_private) return { ok: false, error: 'method_not_supported_for_channel_type' };
      channel.is_member = true;
      return { ok: true, channel };
    },
    'conversations.open': (a) => ({ ok: true, channel: { id: `D${String(a.users ?? 'X').replace(/^U/, '')}` } }),
    'apps.connections.open': () =>
      socketModeUrl ? { ok: true, url: socketModeUrl } : { ok: false, error: 'not_allowed_token_type' },
    'team.info': () => ({ ok: true, team: { id: teamId, name: 'Sandbox', domain: 'sandbox' } }),
    'oauth.v2.access': () => ({
      ok: true,
      app_id: 'A0SANDBOX',
      authed_user: { id: 'U0ADMIN' },
      scope: 'commands,chat:write',
      token_type: 'bot',
      access_token: `xoxb-sandbox-${randomBytes(8).toString('hex')}`,
      bot_user_id: 'UBOT',
      team: { id: teamId, name: 'Sandbox' },
      enterprise: null,
      is_enterprise_install: false,
    }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const extra = extraRoutes.get(`${req.method} ${path}`);
    if (extra) return extra(req, res, body);

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };

    const responseMatch = path.match(/^\/response\/([\w-]+)$/);
    if (responseMatch && req.method === 'POST') {
      const post = { id: responseMatch[1]!, body: safeJson(body) as Record<string, unknown> };
      responseUrlPosts.push(post);
      send(200, { ok: true });
      return notify({ kind: 'response_url', ...post });
    }

    const apiMatch = path.match(/^\/api\/([\w.]+)$/);
    if (!apiMatch) return send(404, { ok: false, error: 'not_found' });
    const method = apiMatch[1]!;
    const args = parseArgs(req.headers['content-type'], body);
    calls.push({ method, args, tokenKind: tokenKind(req.headers.authorization), at: Date.now() });

    const queued = failures.get(method) ?? [];
    const at = queued.findIndex((f) => Object.entries(f.forArgs ?? {}).every(([k, v]) => args[k] === v));
    const failure = at < 0 ? undefined : queued.splice(at, 1)[0];
    if (failure) {
      if (failure.status && failure.status !== 200) {
        const headers: Record<string, string> =
          failure.retryAfterSec !== undefined ? { 'retry-after': String(failure.retryAfterSec) } : {};
        return send(
          failure.status,
          { ok: false, error: failure.error ?? (failure.status === 429 ? 'ratelimited' : 'internal_error') },
          headers,
        );
      }
      return send(200, { ok: false, error: failure.error ?? 'fatal_error' });
    }
    if (!req.headers.authorization && method !== 'oauth.v2.access')
      return send(200, { ok: false, error: 'not_authed' });
    const impl = methods[method];
    if (!impl) return send(200, { ok: false, error: 'unknown_method' });
    const answer = impl(args);
    send(200, answer);
    if (answer.ok === true) notify({ kind: 'api', method, args, answer });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'fake_slack_crashed', detail: String(err) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    // A taken port must reject (the sandbox then falls back to a free one) instead of crashing.
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  return {
    url: base,
    apiUrl: `${base}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages,
    views,
    homeViews,
    responseUrlPosts,
    responseUrl: (id = randomBytes(6).toString('hex')) => `${base}/response/${id}`,
    addUser: (user) => users.set(user.id, user),
    addChannel: (channel) => channels.set(channel.id, channel),
    failNext: (method, failure, times = 1) => {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i += 1) list.push(failure);
      failures.set(method, list);
    },
    setSocketModeUrl: (url) => {
      socketModeUrl = url;
    },
    reset: () => {
      calls.length = 0;
      messages.length = 0;
      responseUrlPosts.length = 0;
      views.clear();
      homeViews.clear();
      failures.clear();
    },
    route: (method, path, handler) => extraRoutes.set(`${method} ${path}`, handler),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    postUserMessage: (channel, userId, text) => {
      const message: PostedMessage = { channel, ts: nextTs(), text, author: userId, updates: 0 };
      messages.push(message);
      notify({ kind: 'user_message', message });
      return message;
    },
    putView: (view, existingId) => storeModal(view, existingId ? views.get(existingId) : undefined),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    server,
  };
}

import { randomBytes } from 'node:crypto';
import type { HomeView, ModalView } from '@slack/types';
import {
  isViewOfType,
  type FakeSlack,
  type FakeSlackActivity,
  type PostedMessage,
  type StoredView,
} from '../fake-slack/server.js';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  eventEnvelope,
  globalShortcutPayload,
  messageActionPayload,
  randomTriggerId,
  slashCommandFields,
  viewClosedPayload,
  viewSubmissionPayload,
  type EchoedView,
  type SignedResponse,
  type SlackRequestSender,
  type SlackTeamRef,
} from '../slack-requests.js';
import { asArray, asObject, asString, textOfObject, type Json } from './blocks.js';
import { actionFor, stateValues, type RawInput } from './interaction.js';
import type { ModalFrame, TimelineMessage } from './surfaces.js';

/**
 * What Slack's client would know and the Web API does not record: which user each modal stack
 * belongs to (trigger ids tie views.open/push to a person), the replies only one person sees (ack
 * bodies, response_url posts), and what Slack does with a view_submission's ack. Every interaction
 * is sent to the app as a signed request; nothing here reaches into the app.
 */

export interface DemoUser {
  id: string;
  name: string;
  real_name?: string;
  is_admin?: boolean;
}

export interface DemoChannel {
  id: string;
  name: string;
}

/** A shortcut the app declares in manifest.yml (features.shortcuts). */
export interface DeclaredShortcut {
  type: 'message' | 'global';
  callback_id: string;
  name: string;
  description?: string;
}

/** The bot user that app posts come from, as the fake's auth.test names it. */
const BOT = { user: 'UBOT', bot_id: 'BBOT' };

interface PageMessage {
  id: string;
  channel: string;
  /** null: everyone in the channel sees it (response_type in_channel). */
  visibleTo: string | null;
  author: string;
  text?: string;
  blocks?: unknown[];
  edited: boolean;
}

interface ResponseTarget {
  user: string;
  channel: string;
  source?: TimelineMessage['ref'];
}

/** Trigger ids and response URLs expire in Slack; the page keeps only the most recent ones. */
const MAX_REMEMBERED = 1000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!);
}
/** Slack's stack limit: the root view and two pushes (more is `push_limit_reached`). */
const MAX_STACK = 3;
export const TROUBLE = 'We had some trouble connecting. Try again?';

export type Outcome = { ok: true } | { ok: false; error: string };

export class PageModel {
  private version = 0;
  private seq = 0;
  private readonly order = new Map<string, number>();
  private readonly pageMessages: PageMessage[] = [];
  private readonly stacks = new Map<string, string[]>();
  private readonly triggers = new Map<string, string>();
  private readonly responseTargets = new Map<string, ResponseTarget>();
  private readonly errors = new Map<string, Record<string, string>>();
  private readonly trouble = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly slack: FakeSlack,
    private readonly opts: {
      team: SlackTeamRef;
      users: readonly DemoUser[];
      channel: DemoChannel;
      sender: () => SlackRequestSender | undefined;
      shortcuts?: readonly DeclaredShortcut[];
    },
  ) {
    this.unsubscribe = slack.subscribe((a) => this.observe(a));
  }

  get users(): readonly DemoUser[] {
    return this.opts.users;
  }

  get channel(): DemoChannel {
    return this.opts.channel;
  }

  get shortcuts(): readonly DeclaredShortcut[] {
    return this.opts.shortcuts ?? [];
  }

  get currentVersion(): number {
    return this.version;
  }

  user(id: string | undefined): DemoUser {
    return this.opts.users.find((u) => u.id === id) ?? this.opts.users[0]!;
  }

  /** Resolves when anything changed after `since`, or after `timeoutMs` (the page then asks again). */
  changedSince(since: number, timeoutMs: number): Promise<void> {
    if (since !== this.version) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  dispose(): void {
    this.unsubscribe();
    for (const w of [...this.waiters]) w();
  }

  /** Something the page shows changed outside the model (the Pivotal panel's data). */
  touch(): void {
    this.bump();
  }

  private bump(): void {
    this.version += 1;
    for (const w of [...this.waiters]) w();
  }

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  private newTrigger(userId: string): string {
    const id = randomTriggerId();
    remember(this.triggers, id, userId);
    return id;
  }

  private newResponseUrl(target: ResponseTarget): string {
    const id = randomBytes(6).toString('hex');
    remember(this.responseTargets, id, target);
    return this.slack.responseUrl(id);
  }

  private observe(activity: FakeSlackActivity): void {
    if (activity.kind === 'response_url') {
      this.applyResponse(activity.id, activity.body);
    } else if (activity.kind === 'user_message') {
      this.order.set(activity.message.ts, this.nextSeq());
    } else {
      const { method, args, answer } = activity;
      const view = asObject(answer.view);
      const user = this.triggers.get(asString(args.trigger_id) ?? '');
      if (method === 'chat.postMessage') this.order.set(String(answer.ts), this.nextSeq());
      if (method === 'chat.postEphemeral') this.order.set(String(answer.message_ts), this.nextSeq());
      if (method === 'views.open' && user && view) this.stacks.set(user, [String(view.id)]);
      if (method === 'views.push' && user && view)
        this.stacks.set(user, [...(this.stacks.get(user) ?? []), String(view.id)]);
      if (method === 'views.update' && view) this.clearFeedback(String(view.id));
    }
    this.bump();
  }

  private clearFeedback(viewId: string): void {
    this.errors.delete(viewId);
    this.trouble.delete(viewId);
  }

  private addPageMessage(m: Omit<PageMessage, 'id' | 'edited'>): void {
    const message = { ...m, id: `E${this.nextSeq()}`, edited: false };
    this.order.set(message.id, this.seq);
    this.pageMessages.push(message);
  }

  private applyResponse(id: string, body: Json): void {
    const target = this.responseTargets.get(id);
    if (!target) return;
    const source = target.source;
    const content = {
      ...(typeof body.text === 'string' ? { text: body.text } : {}),
      ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
    };
    const original =
      source?.kind === 'message'
        ? this.slack.messages.find((m) => m.channel === source.channel && m.ts === source.ts)
        : undefined;
    const ephemeral = source?.kind === 'ephemeral' ? this.pageMessages.find((m) => m.id === source.id) : undefined;
    if (body.delete_original === true && (original || ephemeral)) {
      if (original) this.slack.messages.splice(this.slack.messages.indexOf(original), 1);
      if (ephemeral) this.pageMessages.splice(this.pageMessages.indexOf(ephemeral), 1);
    } else if (body.replace_original === true && (original || ephemeral)) {
      const into: { text?: string; blocks?: unknown[] } = (original ?? ephemeral)!;
      into.text = content.text;
      into.blocks = content.blocks;
      if (original) original.updates += 1;
      if (ephemeral) ephemeral.edited = true;
    } else {
      this.addPageMessage({
        channel: target.channel,
        visibleTo: body.response_type === 'in_channel' ? null : target.user,
        author: 'Pivotal',
        ...content,
      });
    }
  }

  /** `/pivotal <text>` typed in the channel: a signed slash command; the ack body shows as a reply. */
  async command(userId: string, text: string): Promise<{ status: number; reply: unknown }> {
    const user = this.user(userId);
    const { channel } = this.opts;
    const sender = this.requireSender();
    const fields = slashCommandFields({
      text,
      user: { id: user.id, name: user.name },
      team: this.opts.team,
      channelId: channel.id,
      channelName: channel.name,
      responseUrl: this.newResponseUrl({ user: user.id, channel: channel.id }),
      triggerId: this.newTrigger(user.id),
    });
    const res = await sender.sendForm(fields);
    if (res.status !== 200) {
      // Slack's own words when an app does not answer a command in time (or at all).
      this.addPageMessage({
        channel: channel.id,
        visibleTo: user.id,
        author: 'Slackbot',
        text: `/pivotal failed with the error "${res.status === 404 ? 'operation_timeout' : 'dispatch_failed'}"`,
      });
    } else {
      const body = asObject(res.json);
      if (body && (typeof body.text === 'string' || Array.isArray(body.blocks))) {
        this.addPageMessage({
          channel: channel.id,
          visibleTo: body.response_type === 'in_channel' ? null : user.id,
          author: 'Pivotal',
          ...(typeof body.text === 'string' ? { text: body.text } : {}),
          ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
        });
      } else if (!body && res.text) {
        this.addPageMessage({ channel: channel.id, visibleTo: user.id, author: 'Pivotal', text: res.text });
      }
    }
    this.bump();
    return { status: res.status, reply: res.json ?? res.text };
  }

  /** A message typed into the composer (not a command): the app sees it only through a shortcut. */
  say(userId: string, text: string): Outcome {
    this.slack.postUserMessage(this.opts.channel.id, this.user(userId).id, text);
    this.bump();
    return { ok: true };
  }

  private shortcut(type: DeclaredShortcut['type'], callbackId: string): DeclaredShortcut | undefined {
    return this.shortcuts.find((s) => s.type === type && s.callback_id === callbackId);
  }

  /** A message shortcut from a message's "⋯" menu: a signed message_action with a fresh trigger and response_url. */
  async messageShortcut(userId: string, callbackId: string, where: { channel: string; ts: string }): Promise<Outcome> {
    if (!this.shortcut('message', callbackId))
      return { ok: false, error: `The app declares no message shortcut "${callbackId}" in manifest.yml.` };
    const message = this.slack.messages.find((m) => m.channel === where.channel && m.ts === where.ts && !m.user);
    if (!message) return { ok: false, error: 'That message is gone.' };
    const { team, user } = this.who(userId);
    const channel = {
      id: message.channel,
      name: message.channel === this.opts.channel.id ? this.opts.channel.name : 'directmessage',
    };
    const payload = messageActionPayload(team, user, {
      callbackId,
      channel,
      responseUrl: this.newResponseUrl({ user: userId, channel: message.channel }),
      triggerId: this.newTrigger(userId),
      message: {
        ts: message.ts,
        text: message.text ?? '',
        ...(message.author ? { user: message.author } : BOT),
        ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
        ...(message.blocks ? { blocks: message.blocks } : {}),
      },
    });
    return this.delivered(await this.requireSender().sendPayload(payload));
  }

  /** A global shortcut from the composer's lightning menu: a signed `shortcut` payload with a fresh trigger. */
  async globalShortcut(userId: string, callbackId: string): Promise<Outcome> {
    if (!this.shortcut('global', callbackId))
      return { ok: false, error: `The app declares no global shortcut "${callbackId}" in manifest.yml.` };
    const { team, user } = this.who(userId);
    const payload = globalShortcutPayload(team, user, { callbackId, triggerId: this.newTrigger(userId) });
    return this.delivered(await this.requireSender().sendPayload(payload));
  }

  private delivered(res: SignedResponse): Outcome {
    return res.status === 200 ? { ok: true } : { ok: false, error: `The app did not answer (HTTP ${res.status}).` };
  }

  private requireSender(): SlackRequestSender {
    const sender = this.opts.sender();
    if (!sender) throw new Error('the app is not running yet');
    return sender;
  }

  private echo(stored: StoredView<ModalView | HomeView>, userId: string, inputs: readonly RawInput[]): EchoedView {
    const stack = this.stacks.get(userId) ?? [];
    const at = stack.indexOf(stored.id);
    return {
      ...stored.view,
      id: stored.id,
      hash: stored.hash,
      state: { values: stateValues(stored.view.blocks, inputs) },
      ...(stored.view.type === 'modal'
        ? { root_view_id: stack[0] ?? stored.id, previous_view_id: at > 0 ? stack[at - 1]! : null }
        : {}),
    };
  }

  private who(userId: string) {
    const user = this.user(userId);
    return { team: this.opts.team, user: { id: user.id, name: user.name } };
  }

  /** A button, select, overflow, date… used in a modal, on Home or in a message. */
  async action(
    userId: string,
    where: TimelineMessage['ref'] | { kind: 'view'; viewId: string },
    raw: RawInput,
    inputs: readonly RawInput[],
  ): Promise<Outcome> {
    const sender = this.requireSender();
    const { team, user } = this.who(userId);
    // The state Slack sends already holds the value just chosen.
    const current = [...inputs.filter((i) => i.block_id !== raw.block_id || i.action_id !== raw.action_id), raw];
    let payload: Record<string, unknown>;
    if (where.kind === 'view') {
      const stored = this.viewById(where.viewId);
      const action = stored && actionFor(stored.view.blocks, raw);
      if (!stored || !action) return { ok: false, error: 'That control is no longer on the page.' };
      payload = blockActionsPayload(team, user, action, { kind: 'view', view: this.echo(stored, userId, current) });
    } else {
      const message = this.findMessage(where, userId);
      const action = message && actionFor(message.blocks, raw);
      if (!message || !action) return { ok: false, error: 'That message is gone.' };
      const channel = message.channel;
      const ts = where.kind === 'message' ? where.ts : where.id;
      payload = blockActionsPayload(team, user, action, {
        kind: 'message',
        channelId: channel,
        messageTs: ts,
        responseUrl: this.newResponseUrl({ user: userId, channel, source: where }),
        message: {
          type: 'message',
          ts,
          text: message.text ?? '',
          blocks: message.blocks ?? [],
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
        },
      });
      payload.container = { ...(payload.container as Json), is_ephemeral: where.kind === 'ephemeral' };
      payload.state = { values: stateValues(message.blocks, current) };
    }
    payload.trigger_id = this.newTrigger(userId);
    return this.delivered(await sender.sendPayload(payload));
  }

  private findMessage(
    ref: TimelineMessage['ref'],
    userId: string,
  ): (Pick<PostedMessage, 'text' | 'blocks' | 'thread_ts'> & { channel: string }) | undefined {
    if (ref.kind === 'message')
      return this.slack.messages.find(
        (m) => m.channel === ref.channel && m.ts === ref.ts && (!m.user || m.user === userId),
      );
    return this.pageMessages.find((m) => m.id === ref.id && (m.visibleTo === null || m.visibleTo === userId));
  }

  /** The modal's submit button: view_submission, then what Slack does with the ack. */
  async submit(userId: string, viewId: string, inputs: readonly RawInput[]): Promise<Outcome> {
    const stored = this.slack.views.get(viewId);
    const stack = this.stacks.get(userId) ?? [];
    if (!stored || stack.at(-1) !== viewId) return { ok: false, error: 'That modal is no longer open.' };
    const { team, user } = this.who(userId);
    const hashAtSubmit = stored.hash;
    const res = await this.requireSender().sendPayload(
      viewSubmissionPayload(team, user, this.echo(stored, userId, inputs)),
    );
    this.clearFeedback(viewId);
    if (res.status !== 200) {
      this.trouble.set(viewId, TROUBLE);
      this.bump();
      return { ok: true };
    }
    const ack = asObject(res.json) ?? {};
    const replacement = isViewOfType(ack.view, 'modal') ? ack.view : undefined;
    switch (ack.response_action) {
      case 'errors':
        this.errors.set(
          viewId,
          Object.fromEntries(Object.entries(asObject(ack.errors) ?? {}).map(([k, v]) => [k, String(v)])),
        );
        break;
      case 'update':
        // An app that already replaced the view with views.update after acking wins: its view is newer.
        if (replacement && this.slack.views.get(viewId)?.hash === hashAtSubmit) this.slack.putView(replacement, viewId);
        break;
      case 'push':
        if (!replacement) break;
        if (stack.length >= MAX_STACK)
          this.trouble.set(viewId, `${TROUBLE} (push_limit_reached: Slack allows ${MAX_STACK} views in a stack)`);
        else this.stacks.set(userId, [...stack, this.slack.putView(replacement).id]);
        break;
      case 'clear':
        this.stacks.set(userId, []);
        break;
      default:
        this.stacks.set(userId, stack.slice(0, -1));
    }
    this.bump();
    return { ok: true };
  }

  /** The modal's close (or back) button: view_closed when the app asked for it, then pop or clear. */
  async closeView(userId: string, viewId: string): Promise<Outcome> {
    const stored = this.slack.views.get(viewId);
    const stack = this.stacks.get(userId) ?? [];
    if (!stored || stack.at(-1) !== viewId) return { ok: false, error: 'That modal is no longer open.' };
    const clearAll = stored.view.clear_on_close === true;
    this.stacks.set(userId, clearAll ? [] : stack.slice(0, -1));
    this.clearFeedback(viewId);
    this.bump();
    if (stored.view.notify_on_close === true) {
      const { team, user } = this.who(userId);
      const payload = viewClosedPayload(team, user, this.echo(stored, userId, []));
      payload.is_cleared = clearAll;
      await this.requireSender().sendPayload(payload);
    }
    return { ok: true };
  }

  /** Typing into an external_select: block_suggestion, answered with the app's options. */
  async suggest(
    userId: string,
    viewId: string,
    blockId: string,
    actionId: string,
    value: string,
  ): Promise<
    { ok: true; options: Array<{ text: string; value: string; group?: string }> } | { ok: false; error: string }
  > {
    const stored = this.viewById(viewId);
    if (!stored) return { ok: false, error: 'That view is no longer open.' };
    const { team, user } = this.who(userId);
    const res = await this.requireSender().sendPayload(
      blockSuggestionPayload(team, user, {
        action_id: actionId,
        block_id: blockId,
        value,
        view: this.echo(stored, userId, []),
      }),
    );
    if (res.status !== 200) return { ok: false, error: `The app did not answer (HTTP ${res.status}).` };
    const ack = asObject(res.json) ?? {};
    const flat = (options: unknown, group?: string) =>
      asArray(options).map((o) => ({
        text: textOfObject(asObject(o)?.text),
        value: asString(asObject(o)?.value) ?? '',
        ...(group ? { group } : {}),
      }));
    const groups = asArray(ack.option_groups).flatMap((g) =>
      flat(asObject(g)?.options, textOfObject(asObject(g)?.label)),
    );
    return { ok: true, options: [...flat(ack.options), ...groups] };
  }

  /** Opening the Home tab: an app_home_opened event, carrying the current Home view if there is one. */
  async homeOpened(userId: string): Promise<SignedResponse> {
    const home = this.slack.homeViews.get(userId);
    const event = {
      type: 'app_home_opened',
      user: userId,
      channel: dmOf(userId),
      tab: 'home',
      event_ts: (Date.now() / 1000).toFixed(6),
      ...(home ? { view: { ...home.view, id: home.id, hash: home.hash, team_id: home.team_id } } : {}),
    };
    return this.requireSender().sendEvent(eventEnvelope(this.opts.team, event));
  }

  modalFor(userId: string): ModalFrame | undefined {
    const stack = (this.stacks.get(userId) ?? []).filter((id) => this.slack.views.has(id));
    const viewId = stack.at(-1);
    if (!viewId) return undefined;
    const errors = this.errors.get(viewId);
    const trouble = this.trouble.get(viewId);
    return {
      viewId,
      view: this.slack.views.get(viewId)!.view,
      depth: stack.length,
      ...(errors ? { errors } : {}),
      ...(trouble ? { trouble } : {}),
    };
  }

  /** A modal, or a Home tab (kept by user, so found by its id among them). */
  private viewById(viewId: string): StoredView<ModalView | HomeView> | undefined {
    return this.slack.views.get(viewId) ?? [...this.slack.homeViews.values()].find((home) => home.id === viewId);
  }

  homeFor(userId: string): { viewId: string; view: HomeView } | undefined {
    const home = this.slack.homeViews.get(userId);
    return home ? { viewId: home.id, view: home.view } : undefined;
  }

  private displayName(userId: string): string {
    const user = this.opts.users.find((u) => u.id === userId);
    return user ? (user.real_name ?? user.name) : userId;
  }

  /** What `userId` sees in a conversation: posts, their ephemerals, threads folded under their parents. */
  timeline(userId: string, conversations: ReadonlySet<string>): TimelineMessage[] {
    const entries: Array<{ seq: number; threadTs?: string; message: TimelineMessage }> = [];
    for (const m of this.slack.messages) {
      if (!conversations.has(m.channel) || (m.user && m.user !== userId)) continue;
      entries.push({
        seq: this.order.get(m.ts) ?? 0,
        ...(m.thread_ts && m.thread_ts !== m.ts ? { threadTs: m.thread_ts } : {}),
        message: {
          ref: { kind: 'message', channel: m.channel, ts: m.ts },
          author: m.author ? this.displayName(m.author) : 'Pivotal',
          app: !m.author,
          ...(m.text !== undefined ? { text: m.text } : {}),
          ...(m.blocks ? { blocks: m.blocks } : {}),
          ephemeral: Boolean(m.user),
          edited: m.updates > 0,
          replies: [],
        },
      });
    }
    for (const m of this.pageMessages) {
      if (!conversations.has(m.channel) || (m.visibleTo && m.visibleTo !== userId)) continue;
      entries.push({
        seq: this.order.get(m.id) ?? 0,
        message: {
          ref: { kind: 'ephemeral', id: m.id },
          author: m.author,
          app: m.author === 'Pivotal',
          ...(m.text !== undefined ? { text: m.text } : {}),
          ...(m.blocks ? { blocks: m.blocks } : {}),
          ephemeral: m.visibleTo !== null,
          edited: m.edited,
          replies: [],
        },
      });
    }
    entries.sort((a, b) => a.seq - b.seq);
    const parents = new Map<string, TimelineMessage>();
    const top: TimelineMessage[] = [];
    for (const e of entries) {
      const parent = e.threadTs ? parents.get(e.threadTs) : undefined;
      if (parent) parent.replies.push(e.message);
      else top.push(e.message);
      if (e.message.ref.kind === 'message') parents.set(e.message.ref.ts, e.message);
    }
    return top;
  }
}

/** The bot's DM with a user, as the fake's conversations.open names it. */
export function dmOf(userId: string): string {
  return `D${userId.replace(/^U/, '')}`;
}

import { ErrorCode, type ChatPostMessageArguments, type WebAPICallError, type WebClient } from '@slack/web-api';
import type { AppContext } from '../context.js';
import type { SlackClients } from '../slack/clients.js';
import { newLeaseHolder, releaseLease, tryAcquireLease } from '../store/leases.js';
import type { OutboxRow } from '../store/schema-domain.js';
import { parseActivityPayload } from './activity-payload.js';
import { loadCard, type LoadedCard } from './card-data.js';
import {
  dueRows,
  forgetParentPost,
  getParentPost,
  holdRow,
  isThreaded,
  markDelivered,
  saveParentPost,
  scheduleRetry,
} from '../store/posts.js';
import type { SlackPost } from './post-views.js';
import { postViewsFor } from './safe-post-views.js';
import { audienceOf } from './shared-channels.js';
import { routeFor, workspaceChannel, type PostRoute } from './routing.js';
import { parseRoute, routeRow, type Route } from './subscription-routing.js';
import { workspaceMode } from './workspace-access.js';
import { adminAlert, type AdminAlert } from './alert-views.js';
import type { OutboxSignal } from './outbox-signal.js';
import { DIRECT_MESSAGE_KIND_PREFIX } from '../store/direct-messages.js';
import { prepareOwnerDm } from './owner-dms/prepare.js';
import { DIGEST_POST_KIND } from '../store/digests.js';
import { parseDigestSnapshot, renderDigest } from './digest-snapshot.js';
import { giveWay, givingWayEvery } from '../shared/give-way.js';

/**
 * How long a pass may hold the event loop before requests get a turn: a pass over a backlog whose
 * channels are all paced does store work only, row after row, and held it for a second at a time.
 */
const PASS_TURN_MS = 10;

export interface DispatcherTimings {
  /** How often the outbox is looked at when nothing nudged it. */
  pollMs: number;
  /** The lease is renewed well before it runs out; a replica that dies hands over after this. */
  leaseTtlMs: number;
  /** chat.postMessage allows about one message per second per channel; a channel's next post waits this long. */
  minPostIntervalMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Unexpected Slack errors (a bug in a post, a missing scope) stop being retried after this many tries. */
  maxAttempts: number;
  /** A private channel the bot is not in: tried again this often, in case someone invited it. */
  inviteRetryMs: number;
  batchSize: number;
  /** Rows of one workspace per batch: a workspace with a backlog leaves room for the others. */
  perWorkspaceBatch: number;
}

const DEFAULT_TIMINGS: DispatcherTimings = {
  pollMs: 500,
  leaseTtlMs: 30_000,
  minPostIntervalMs: 1_100,
  backoffBaseMs: 2_000,
  backoffMaxMs: 10 * 60_000,
  maxAttempts: 10,
  inviteRetryMs: 15 * 60_000,
  batchSize: 100,
  perWorkspaceBatch: 25,
};

const OUTBOX_LEASE = 'outbox';

/**
 * `deferred`: the row's channel is not ready for its next message yet; nothing is recorded, it goes when the channel is.
 * `routed`: the row (with the rest of its save) was addressed to the channels that hear it; the next pass sends them.
 */
type Outcome =
  | { kind: 'done' }
  | { kind: 'routed' }
  | { kind: 'deferred'; lane: string }
  | { kind: 'retry'; at: number; error: string; countAttempt: boolean }
  | { kind: 'held'; error: string };

/** Messages to one channel of one workspace are paced together. */
const laneOf = (workspaceId: string, channelId: string) => `${workspaceId}:${channelId}`;

/** What the dispatcher remembers about a row it started but could not finish in one go. */
interface RowProgress {
  /** The channel it waits for. */
  lane: string;
  /** The parent message this row posted itself: the reply follows it without refreshing it first. */
  parentTs?: string;
}

function slackError(err: unknown): WebAPICallError | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (Object.values(ErrorCode) as string[]).includes(code)
    ? (err as WebAPICallError)
    : undefined;
}

function platformCode(err: unknown): string | undefined {
  const e = slackError(err);
  return e?.code === ErrorCode.PlatformError ? e.data.error : undefined;
}

const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** Slack's answers for a person who left, was deactivated, is a bot or closed the app's DMs. */
const UNREACHABLE_PERSON_ERRORS = new Set([
  'user_not_found',
  'user_disabled',
  'account_inactive',
  'channel_not_found',
  'is_archived',
  'cannot_dm_bot',
  'user_not_visible',
  'messages_tab_disabled',
  'not_in_channel',
]);

/**
 * Sends the outbox to Slack. One replica at a time holds the `outbox` lease; each pass takes a batch
 * of due rows shared fairly between workspaces and channels, keeps each onboarding's posts in order
 * (a row waiting for a retry or held holds back the later ones of the same onboarding), and marks a
 * row done only after Slack accepted it. Channels are paced without waiting: a row whose channel
 * posted less than `minPostIntervalMs` ago stays for a later pass while other channels' rows go, and
 * the next pass starts when the first waiting channel is ready. Retries belong here, not to the
 * WebClient: it rejects rate-limited calls and never retries, so a 429 or an outage reschedules the
 * row instead of blocking the loop.
 */
export class OutboxDispatcher implements OutboxSignal {
  private timings: DispatcherTimings;
  private readonly holder = newLeaseHolder();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private again = false;
  /** When the first channel a row waits for is ready again (epoch ms), if any row waits. */
  private wakeAt: number | undefined;
  private leaseRenewedAt = 0;
  /** Per `workspace:channel`: when the last message went out, and until when Slack asked us to wait. */
  private readonly lastPostAt = new Map<string, number>();
  private readonly pausedUntil = new Map<string, number>();
  /** Rows started but not finished, by id: kept only for the rows of the latest batch. */
  private progress = new Map<string, RowProgress>();
  /** Customer channels Slack refused; their posts go to the workspace channel until an admin acts. */
  private readonly unusableChannels = new Set<string>();
  /** Admins are told once per problem, not once per post. */
  private readonly alerted = new Set<string>();

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: SlackClients,
    timings: Partial<DispatcherTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  configure(timings: Partial<DispatcherTimings>): void {
    this.timings = { ...this.timings, ...timings };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pass;
    this.leaseRenewedAt = 0;
    await releaseLease(this.ctx.store.db, OUTBOX_LEASE, this.holder).catch((err: unknown) =>
      this.ctx.logger.warn({ err }, 'outbox: could not release the lease; another replica takes over when it expires'),
    );
  }

  nudge(): void {
    if (this.running) this.kick();
  }

  /** An admin changed the channel set-up: refused channels get a new chance and may be reported again. */
  forgetChannelProblems(workspaceId: string): void {
    const prefix = `${workspaceId}:`;
    for (const key of [...this.unusableChannels]) if (key.startsWith(prefix)) this.unusableChannels.delete(key);
    for (const key of [...this.alerted]) if (key.startsWith(prefix)) this.alerted.delete(key);
  }

  private kick(): void {
    if (this.pass) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.pass = this.ctx.background
      .track(() => this.runPass())
      .catch((err: unknown) => this.ctx.logger.error({ err }, 'outbox: dispatch pass failed'))
      .finally(() => {
        this.pass = undefined;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          const untilReady = this.wakeAt === undefined ? this.timings.pollMs : Math.max(0, this.wakeAt - Date.now());
          this.timer = setTimeout(() => this.kick(), Math.min(this.timings.pollMs, untilReady));
          this.timer.unref();
        }
      });
  }

  /**
   * Renewed only when a third of its time is gone: nobody can take an unexpired lease, so polls stay
   * reads. Its age is read on the clock its expiry is judged by, or a replica could go on dispatching
   * under a lease that clock already let another take.
   */
  private async holdsLease(): Promise<boolean> {
    const now = this.ctx.now();
    if (now.getTime() - this.leaseRenewedAt < this.timings.leaseTtlMs / 3) return true;
    const ok = await tryAcquireLease(this.ctx.store.db, OUTBOX_LEASE, this.holder, this.timings.leaseTtlMs, now);
    this.leaseRenewedAt = ok ? now.getTime() : 0;
    return ok;
  }

  /** When a lane (one channel of one workspace) may take its next message. */
  private readyAt(lane: string): number {
    return Math.max((this.lastPostAt.get(lane) ?? 0) + this.timings.minPostIntervalMs, this.pausedUntil.get(lane) ?? 0);
  }

  private async runPass(): Promise<void> {
    // Passes chained by `again` (a row routed, a nudge) would otherwise follow each other in
    // microtasks, each at least a store query long: a backlog being routed held the loop for half a
    // second at a time. Each pass starts after the requests that came in meanwhile.
    await giveWay();
    this.wakeAt = undefined;
    if (!(await this.holdsLease())) return;
    const { batchSize, perWorkspaceBatch } = this.timings;
    const rows = await dueRows(this.ctx.store.db, {
      now: this.ctx.now().toISOString(),
      limit: batchSize,
      perWorkspace: perWorkspaceBatch,
    });
    const started = this.progress;
    this.progress = new Map();
    for (const row of rows) {
      const progress = started.get(row.id);
      if (progress) this.progress.set(row.id, progress);
    }
    const waiting = new Set<string>();
    const wait = (sequence: string, lane: string) => {
      waiting.add(sequence);
      const ready = this.readyAt(lane);
      this.wakeAt = Math.min(this.wakeAt ?? ready, ready);
    };
    const turn = givingWayEvery(PASS_TURN_MS);
    for (const row of rows) {
      // A row already waits on Slack's answer mid-pass, so a turn given to requests here is no new interleaving.
      await turn();
      if (!this.running) return;
      const sequence = `${row.workspace_id}:${row.onboarding_id ?? row.id}`;
      if (waiting.has(sequence)) continue;
      // Its channel was known a moment ago: no need to look the route up again before it is ready.
      const known = this.progress.get(row.id);
      if (known && this.readyAt(known.lane) > Date.now()) {
        wait(sequence, known.lane);
        continue;
      }
      if (!(await this.holdsLease())) return;
      const outcome = await this.deliverSafely(row);
      if (outcome.kind === 'deferred') {
        this.progress.set(row.id, { ...this.progress.get(row.id), lane: outcome.lane });
        wait(sequence, outcome.lane);
        continue;
      }
      this.progress.delete(row.id);
      if (outcome.kind === 'routed') {
        this.again = true;
        waiting.add(sequence);
        continue;
      }
      await this.record(row, outcome);
      if (outcome.kind !== 'done') waiting.add(sequence);
    }
  }

  private async record(row: OutboxRow, outcome: Exclude<Outcome, { kind: 'deferred' | 'routed' }>): Promise<void> {
    const db = this.ctx.store.db;
    const log = { outboxId: row.id, kind: row.kind, workspace: row.workspace_id, attempts: row.attempts + 1 };
    if (outcome.kind === 'done') {
      await markDelivered(db, row.id, this.ctx.now().toISOString());
    } else if (outcome.kind === 'retry') {
      this.ctx.logger.info(
        { ...log, error: outcome.error, retryAt: new Date(outcome.at).toISOString() },
        'outbox: post not delivered yet, will retry',
      );
      await scheduleRetry(db, row.id, new Date(outcome.at).toISOString(), outcome.error, outcome.countAttempt);
    } else {
      this.ctx.logger.warn({ ...log, error: outcome.error }, 'outbox: post held until an admin acts');
      await holdRow(db, row.id, outcome.error);
    }
  }

  private backoff(attempts: number): number {
    return Date.now() + Math.min(this.timings.backoffMaxMs, this.timings.backoffBaseMs * 2 ** Math.min(attempts, 20));
  }

  private async deliverSafely(row: OutboxRow): Promise<Outcome> {
    try {
      return await this.deliver(row);
    } catch (err) {
      this.ctx.logger.error({ err, outboxId: row.id }, 'outbox: delivery failed unexpectedly');
      return { kind: 'retry', at: this.backoff(row.attempts), error: 'internal error', countAttempt: true };
    }
  }

  private async deliver(row: OutboxRow): Promise<Outcome> {
    if (row.kind.startsWith(DIRECT_MESSAGE_KIND_PREFIX)) return this.deliverDirect(row);
    if (row.kind === DIGEST_POST_KIND) return this.deliverDigest(row);
    const ws = row.workspace_id;
    const event = parseActivityPayload(row.payload);
    const routed = row.route === null ? null : parseRoute(row.route);
    if (!event || (row.route !== null && !routed)) return { kind: 'held', error: `unreadable ${row.kind} payload` };
    const mode = await workspaceMode(this.ctx, ws);
    const loaded = await loadCard(this.ctx, ws, event.onboardingId, mode);
    // The writer upserts the read model in the same transaction, so this is a sync still catching up.
    if (!loaded) return this.retryOrHold(row, 'onboarding not in the read model yet');
    const client = await this.slack.forWorkspace(ws, 'outbox');
    if (!client) return this.retryOrHold(row, 'no Slack installation for the workspace');
    const unusable = (ch: string) => this.unusableChannels.has(`${ws}:${ch}`);
    if (!routed) {
      const outcome = await routeRow(this.ctx, row, loaded, unusable);
      if (outcome.kind !== 'no_channel') return { kind: 'routed' };
      await this.alertOnce(client, ws, 'no_channel', { reason: 'no_channel', mode });
      return { kind: 'held', error: 'no notification channel' };
    }

    let joined = false;
    for (;;) {
      const route = await this.routeOf(ws, row.channel_id!, routed, unusable);
      if (!route) {
        await this.alertOnce(client, ws, 'no_channel', { reason: 'no_channel', mode });
        return { kind: 'held', error: 'no notification channel' };
      }
      const lane = laneOf(ws, route.channelId);
      if (this.readyAt(lane) > Date.now()) return { kind: 'deferred', lane };
      try {
        return await this.post(client, row, route, routed, loaded);
      } catch (err) {
        const code = platformCode(err);
        if ((code === 'channel_not_found' || code === 'is_archived') && route.source === 'customer') {
          this.unusableChannels.add(`${ws}:${route.channelId}`);
          const fallback = await workspaceChannel(this.ctx, ws);
          await this.alertOnce(client, ws, `customer:${route.channelId}`, {
            reason: code === 'is_archived' ? 'customer_channel_archived' : 'customer_channel_missing',
            channelId: route.channelId,
            customerName: loaded.customer?.name ?? null,
            fallbackChannelId: fallback,
            mode,
          });
          continue;
        }
        const next = await this.afterRefusal(client, row, route.channelId, err, !joined);
        if (next !== 'joined') return next;
        joined = true;
      }
    }
  }

  /** A scheduled digest: its figures were taken when its period was claimed; how it reads is decided now. */
  private async deliverDigest(row: OutboxRow, joined = false): Promise<Outcome> {
    const ws = row.workspace_id;
    const snapshot = parseDigestSnapshot(row.payload);
    const channel = row.channel_id;
    if (!snapshot || !channel) return { kind: 'held', error: `unreadable ${row.kind} payload` };
    const client = await this.slack.forWorkspace(ws, 'outbox');
    if (!client) return this.retryOrHold(row, 'no Slack installation for the workspace');
    const lane = laneOf(ws, channel);
    if (this.readyAt(lane) > Date.now()) return { kind: 'deferred', lane };
    const post = await renderDigest(this.ctx, client, ws, channel, snapshot);
    try {
      await this.send(client, lane, { channel, ...post });
      return { kind: 'done' };
    } catch (err) {
      const next = await this.afterRefusal(client, row, channel, err, !joined);
      return next === 'joined' ? this.deliverDigest(row, true) : next;
    }
  }

  /**
   * Slack refused a message to a channel. A public channel the app is not in is joined (`joined`:
   * send again); a private one is retried later, once the admins were told how to invite the app. A
   * missing or archived channel holds the row until an admin acts; anything else is retried.
   */
  private async afterRefusal(
    client: WebClient,
    row: OutboxRow,
    channelId: string,
    err: unknown,
    mayJoin: boolean,
  ): Promise<Outcome | 'joined'> {
    const ws = row.workspace_id;
    const code = platformCode(err);
    if (code === 'not_in_channel' && mayJoin) {
      const refusal = await this.join(client, channelId);
      if (!refusal) return 'joined';
      await this.alertOnce(client, ws, `invite:${channelId}`, {
        reason: 'not_member',
        isPrivate: refusal === 'method_not_supported_for_channel_type',
        channelId,
        mode: await workspaceMode(this.ctx, ws),
      });
      return {
        kind: 'retry',
        at: Date.now() + this.timings.inviteRetryMs,
        error: `not_in_channel (join: ${refusal})`,
        countAttempt: true,
      };
    }
    if (code === 'channel_not_found' || code === 'is_archived') {
      await this.alertOnce(client, ws, `channel:${channelId}`, {
        reason: code === 'is_archived' ? 'channel_archived' : 'channel_missing',
        channelId,
        mode: await workspaceMode(this.ctx, ws),
      });
      return { kind: 'held', error: code };
    }
    return this.retryAfterFailure(row, laneOf(ws, channelId), err, code);
  }

  /**
   * A DM to an onboarding's owner or their morning list. A person who left, was deactivated or
   * cannot be written to will not become reachable by retrying: the DM is dropped with one log line.
   */
  private async deliverDirect(row: OutboxRow): Promise<Outcome> {
    const ws = row.workspace_id;
    const client = await this.slack.forWorkspace(ws, 'outbox');
    if (!client) return this.retryOrHold(row, 'no Slack installation for the workspace');
    const prepared = await prepareOwnerDm(this.ctx, client, row);
    if (prepared.kind === 'unreadable') return { kind: 'held', error: `unreadable ${row.kind} payload` };
    if (prepared.kind === 'skip') {
      this.ctx.logger.debug({ outboxId: row.id, why: prepared.why }, 'outbox: DM not sent');
      return { kind: 'done' };
    }
    if (prepared.kind === 'wait')
      return { kind: 'retry', at: prepared.until.getTime(), error: 'quiet hours', countAttempt: false };
    const lane = laneOf(ws, prepared.channel);
    if (this.readyAt(lane) > Date.now()) return { kind: 'deferred', lane };
    try {
      await this.send(client, lane, { channel: prepared.channel, ...prepared.message });
      return { kind: 'done' };
    } catch (err) {
      const code = platformCode(err);
      if (code && UNREACHABLE_PERSON_ERRORS.has(code)) {
        this.ctx.logger.warn(
          { outboxId: row.id, kind: row.kind, workspace: ws, recipient: prepared.channel, error: code },
          'outbox: DM dropped, the person cannot be reached',
        );
        return { kind: 'done' };
      }
      return this.retryAfterFailure(row, lane, err, code);
    }
  }

  /** Default-route rows follow the customer's channel or the notification channel as they stand now; subscribed ones their channel. */
  private async routeOf(
    ws: string,
    channelId: string,
    routed: Route,
    unusable: (channelId: string) => boolean,
  ): Promise<PostRoute | null> {
    if (routed.source === 'customer') return routeFor(this.ctx, ws, channelId, unusable);
    if (routed.source === 'workspace') return routeFor(this.ctx, ws, null);
    const threaded = routed.placement
      ? routed.placement === 'threaded'
      : await isThreaded(this.ctx.store.db, ws, channelId);
    return { channelId, source: 'subscription', threaded };
  }

  private retryAfterFailure(row: OutboxRow, lane: string, err: unknown, code: string | undefined): Outcome {
    const e = slackError(err);
    if (e?.code === ErrorCode.RateLimitedError) {
      const at = Date.now() + e.retryAfter * 1000;
      this.pausedUntil.set(lane, at);
      return { kind: 'retry', at, error: `ratelimited (Retry-After ${e.retryAfter}s)`, countAttempt: true };
    }
    if (e?.code === ErrorCode.HTTPError)
      return { kind: 'retry', at: this.backoff(row.attempts), error: `HTTP ${e.statusCode}`, countAttempt: true };
    if (e?.code === ErrorCode.RequestError)
      return { kind: 'retry', at: this.backoff(row.attempts), error: 'Slack unreachable', countAttempt: true };
    if (code && TRANSIENT_PLATFORM_ERRORS.has(code))
      return { kind: 'retry', at: this.backoff(row.attempts), error: code, countAttempt: true };
    return this.retryOrHold(row, code ?? 'unexpected error');
  }

  /** Rate limits and outages are retried for as long as they last; anything else only so many times. */
  private retryOrHold(row: OutboxRow, error: string): Outcome {
    if (row.attempts + 1 >= this.timings.maxAttempts) return { kind: 'held', error };
    return { kind: 'retry', at: this.backoff(row.attempts), error, countAttempt: true };
  }

  /** A public channel can be joined; a private one answers method_not_supported_for_channel_type. Returns why not, or null. */
  private async join(client: WebClient, channelId: string): Promise<string | null> {
    try {
      await client.conversations.join({ channel: channelId });
      return null;
    } catch (err) {
      const refusal = platformCode(err) ?? 'request failed';
      this.ctx.logger.info({ channelId, refusal }, 'outbox: could not join the channel');
      return refusal;
    }
  }

  /** Sends the row's messages; a new parent and its first reply are two messages, so the reply may have to wait its turn. */
  private async post(
    client: WebClient,
    row: OutboxRow,
    route: PostRoute,
    routed: Route,
    loaded: LoadedCard,
  ): Promise<Outcome> {
    const { events } = routed;
    const ws = row.workspace_id;
    const { card } = loaded;
    const channel = route.channelId;
    const lane = laneOf(ws, channel);
    // A channel shared with the customer gets the customer-safe card unless an admin chose otherwise.
    const views = postViewsFor(await audienceOf(this.ctx, client, ws, channel));
    if (!route.threaded) {
      const post = views.standalone(events, card);
      if (post) await this.send(client, lane, { channel, ...post });
      return { kind: 'done' };
    }
    const db = this.ctx.store.db;
    const parent = views.parent(card);
    let parentTs = (await getParentPost(db, ws, card.onboarding.id, channel))?.parent_ts;
    const postedByThisRow = parentTs !== undefined && this.progress.get(row.id)?.parentTs === parentTs;
    if (parentTs && !postedByThisRow) {
      try {
        await client.chat.update({ channel, ts: parentTs, ...parent });
      } catch (err) {
        const code = platformCode(err);
        if (code !== 'message_not_found' && code !== 'cant_update_message') throw err;
        // Someone deleted the parent: the onboarding gets a new one rather than replies to nothing.
        await forgetParentPost(db, ws, card.onboarding.id, channel);
        parentTs = undefined;
      }
    }
    if (!parentTs) {
      parentTs = await this.send(client, lane, { channel, ...parent });
      // Stored at once: if the reply below fails, the retry must not post a second parent.
      await saveParentPost(db, ws, card.onboarding.id, channel, parentTs, this.ctx.now().toISOString());
      this.progress.set(row.id, { lane, parentTs });
    }
    const reply = views.reply(events, card);
    if (!reply) return { kind: 'done' };
    if (this.readyAt(lane) > Date.now()) return { kind: 'deferred', lane };
    await this.send(client, lane, {
      channel,
      thread_ts: parentTs,
      ...(routed.broadcast ? { reply_broadcast: true } : {}),
      ...reply,
    });
    return { kind: 'done' };
  }

  private async send(
    client: WebClient,
    lane: string,
    message: SlackPost & { channel: string; thread_ts?: string; reply_broadcast?: boolean },
  ): Promise<string> {
    try {
      const res = await client.chat.postMessage(message as ChatPostMessageArguments);
      if (!res.ts) throw new Error('chat.postMessage answered without a ts');
      return res.ts;
    } finally {
      this.lastPostAt.set(lane, Date.now());
    }
  }

  private async alertOnce(client: WebClient, ws: string, problem: string, alert: AdminAlert): Promise<void> {
    const key = `${ws}:${problem}`;
    if (this.alerted.has(key)) return;
    this.alerted.add(key);
    const message = adminAlert(alert);
    for (const admin of await this.ctx.permissions.admins(client, ws)) {
      try {
        await client.chat.postMessage({ channel: admin, ...message });
      } catch (err) {
        this.ctx.logger.warn(
          { err, admin, problem: alert.reason },
          'outbox: could not tell an admin about a channel problem',
        );
      }
    }
  }
}

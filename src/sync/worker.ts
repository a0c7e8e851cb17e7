import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../context.js';
import { explainPivotalError } from '../views/pivotal-errors.js';
import { PivotalError, PivotalRateLimitError } from '../pivotal/index.js';
import { releaseLease, tryAcquireLease } from '../store/leases.js';
import type { WorkspaceRow } from '../store/schema.js';
import { ensureWorkspace, listConnectedWorkspaces, listWorkspaces } from '../store/workspaces.js';
import { workspaceId, type WorkspaceRef } from '../domain/workspace-ref.js';
import type { SyncOptions } from './options.js';
import { ensureSyncState, getSyncState, updateSyncState } from '../store/sync-state.js';
import { runSyncCycle } from './workspace-sync.js';
import { ConcurrencyLimit } from '../shared/concurrency-limit.js';

export type HeldWorkspaceListener = (workspaceId: string) => Promise<void>;

const leaseName = (ws: string) => `sync:${ws}`;

/**
 * Workspace cycles that run at once. Each workspace paces itself on its own key's bucket, and a cycle
 * gives its slot up while it waits for its bucket, so this does not limit a workspace's pace; it keeps
 * a replica holding a thousand workspaces from holding a thousand pages of records and requests in
 * memory at the same moment when they all fall due together.
 */
const CONCURRENT_CYCLES = 16;

/**
 * Runs the sync of every connected workspace. Each replica ticks; the one that holds a workspace's
 * lease syncs it (and does that workspace's other once-only chores, see onHeldTick), renewing the
 * lease every tick, so a replica that dies hands its workspaces over when the lease expires. When a
 * workspace is due lives in the store, so replicas agree on it and a restart resumes the schedule.
 */
export class SyncWorker {
  readonly holder: string;
  private readonly abort = new AbortController();
  private readonly running = new Map<string, Promise<void>>();
  private readonly held = new Set<string>();
  private readonly heldListeners: HeldWorkspaceListener[] = [];
  private readonly seen = new Set<string>();
  private readonly cycles = new ConcurrencyLimit(CONCURRENT_CYCLES);
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private stopped = true;

  constructor(
    private readonly ctx: AppContext,
    readonly options: SyncOptions,
  ) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /** Work to do each tick for every workspace this replica holds (e.g. refreshing Home views). */
  onHeldTick(listener: HeldWorkspaceListener): void {
    this.heldListeners.push(listener);
  }

  async start(): Promise<void> {
    if (!this.options.enabled) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.ticking;
    await Promise.allSettled([...this.running.values()]);
    for (const ws of this.held) {
      await releaseLease(this.ctx.store.db, leaseName(ws), this.holder).catch((err: unknown) =>
        this.ctx.logger.warn({ err, workspace: ws }, 'could not release a sync lease'),
      );
    }
    this.held.clear();
  }

  /** Sync this workspace as soon as possible, or after `delayMs` (after connecting, or when it is first seen). */
  async kick(ws: string, delayMs = 0): Promise<void> {
    const now = this.ctx.now();
    await ensureSyncState(this.ctx.store.db, ws, now);
    await updateSyncState(
      this.ctx.store.db,
      ws,
      { next_sync_at: new Date(now.getTime() + delayMs).toISOString() },
      now,
    );
    this.schedule(delayMs);
  }

  /**
   * With PIVOTAL_API_KEY (single workspace) no workspace row exists until Slack first tells us the
   * team; the first request from it records the workspace and starts its first sync.
   */
  async sawWorkspace(ref: WorkspaceRef, delayMs = this.options.firstSightDelayMs): Promise<void> {
    const ws = workspaceId(ref);
    if (this.stopped || this.seen.has(ws)) return;
    this.seen.add(ws);
    const existing = await getSyncState(this.ctx.store.db, ws);
    await ensureWorkspace(this.ctx.store.db, ref);
    if (!existing) await this.kick(ws, delayMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((err: unknown) => this.ctx.logger.error({ err }, 'sync tick failed'))
        .finally(() => {
          this.ticking = undefined;
          const again = this.tickAgain;
          this.tickAgain = false;
          this.schedule(again ? 0 : this.options.tickMs);
        });
    }, ms);
  }

  private async candidates(): Promise<WorkspaceRow[]> {
    const { config } = this.ctx;
    const bootstrap = Boolean(config.pivotalApiKey) && config.slack.kind !== 'oauth';
    const rows = bootstrap ? await listWorkspaces(this.ctx.store.db) : await listConnectedWorkspaces(this.ctx.store.db);
    // A refused key is an admin's to fix; polling it meanwhile would only earn more 401s.
    return rows.filter((row) => row.needs_attention === null);
  }

  private async tick(): Promise<void> {
    const db = this.ctx.store.db;
    const candidates = await this.candidates();
    for (const row of candidates) {
      if (this.stopped) return;
      const now = this.ctx.now();
      if (!(await tryAcquireLease(db, leaseName(row.id), this.holder, this.options.leaseTtlMs, now))) {
        this.held.delete(row.id);
        continue;
      }
      this.held.add(row.id);
      if (!this.running.has(row.id) && (await this.isDue(row.id, now))) this.startCycle(row);
      for (const listener of this.heldListeners) {
        await listener(row.id).catch((err: unknown) =>
          this.ctx.logger.warn({ err, workspace: row.id }, 'a per-workspace chore failed'),
        );
      }
    }
    const current = new Set(candidates.map((r) => r.id));
    for (const ws of [...this.held]) {
      if (current.has(ws) || this.running.has(ws)) continue;
      this.held.delete(ws);
      await releaseLease(db, leaseName(ws), this.holder);
    }
  }

  private async isDue(ws: string, now: Date): Promise<boolean> {
    const state = await getSyncState(this.ctx.store.db, ws);
    return !state || state.next_sync_at <= now.toISOString();
  }

  private startCycle(row: WorkspaceRow): void {
    const run = this.ctx.background
      .track(() => this.cycles.run(() => this.cycle(row)))
      .catch((err: unknown) => this.ctx.logger.error({ err, workspace: row.id }, 'sync cycle failed'))
      .finally(() => this.running.delete(row.id));
    this.running.set(row.id, run);
  }

  private async cycle(row: WorkspaceRow): Promise<void> {
    const { ctx, options } = this;
    const db = ctx.store.db;
    const connection = await ctx.pivotal.forWorkspace({
      teamId: row.team_id,
      enterpriseId: row.enterprise_id ?? undefined,
    });
    if (!connection) return;
    const started = ctx.now();
    try {
      const result = await runSyncCycle({
        store: ctx.store,
        logger: ctx.logger,
        now: ctx.now,
        workspace: row,
        connection,
        options,
        signal: this.abort.signal,
        stillHolder: () => tryAcquireLease(db, leaseName(row.id), this.holder, options.leaseTtlMs, ctx.now()),
        waitOutside: (wait) => this.cycles.outside(wait),
      });
      if (result.stopped) return;
      const now = ctx.now();
      const state = await getSyncState(db, row.id);
      const webhooksFlowing = state?.webhook_last_seen_at
        ? now.getTime() - Date.parse(state.webhook_last_seen_at) < options.webhookQuietMs
        : false;
      const intervalMs = options.intervalMs * (webhooksFlowing ? options.webhookSlowdown : 1);
      const next = result.walkPending ? now : new Date(now.getTime() + intervalMs);
      await updateSyncState(
        db,
        row.id,
        { last_sync_at: now.toISOString(), next_sync_at: next.toISOString(), last_error: null, last_error_at: null },
        now,
      );
      ctx.logger.debug(
        {
          workspace: row.id,
          holder: this.holder,
          requests: result.requests,
          changed: result.changed,
          announced: result.announced,
          walkComplete: result.walkComplete,
          ms: now.getTime() - started.getTime(),
        },
        'sync cycle finished',
      );
      if (result.walkPending) this.schedule(0);
    } catch (err) {
      const now = ctx.now();
      const retryInMs =
        err instanceof PivotalRateLimitError && err.retryAfterMs !== undefined ? err.retryAfterMs : options.intervalMs;
      const reason =
        err instanceof PivotalError
          ? explainPivotalError(err)
          : 'The sync failed on our side; the log has the details.';
      await updateSyncState(
        db,
        row.id,
        {
          last_error: reason,
          last_error_at: now.toISOString(),
          next_sync_at: new Date(now.getTime() + retryInMs).toISOString(),
        },
        now,
      );
      ctx.logger.warn({ err, workspace: row.id }, 'sync cycle failed; will retry');
    }
  }
}

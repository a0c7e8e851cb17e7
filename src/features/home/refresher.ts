import type { AppContext } from '../../context.js';
import { BoundedMap } from '../../shared/bounded-map.js';
import type { SlackClients } from '../../slack/clients.js';
import { workspaceRefFromId } from '../../domain/workspace-ref.js';
import type { SyncOptions } from '../../sync/options.js';
import { recentViewers } from '../../store/home-views.js';
import { buildHome, publishView, viewHash } from './service.js';

/** Workspaces whose last refresh is remembered at most; one replica rarely holds this many. */
const HOME_REFRESH_MEMORY = 10_000;

/**
 * Keeps the Home of people who looked recently current: at most every `homeRefreshMs` per workspace
 * their view is rendered again from the store and published only if its content changed, whatever
 * changed it (the sync, a webhook, someone's move in Slack, on any replica). It runs in the replica
 * holding the workspace's sync lease, so one replica publishes.
 */
export class HomeRefresher {
  /** When each workspace was last refreshed; older than homeRefreshMs it says nothing, so it is dropped. */
  private readonly lastRun: BoundedMap<string, number>;

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: SlackClients,
    private readonly options: Pick<SyncOptions, 'homeRefreshMs' | 'homeRecentMs'>,
    capacity = HOME_REFRESH_MEMORY,
  ) {
    this.lastRun = new BoundedMap({ capacity, maxAgeMs: options.homeRefreshMs, now: () => ctx.now().getTime() });
  }

  /** How many workspaces' last refresh is remembered (bounded by capacity and age). */
  get remembered(): number {
    return this.lastRun.size;
  }

  async refresh(ws: string): Promise<void> {
    const { ctx } = this;
    const now = ctx.now().getTime();
    if (this.lastRun.get(ws) !== undefined) return;
    this.lastRun.set(ws, now);
    const viewers = await recentViewers(ctx.store.db, ws, new Date(now - this.options.homeRecentMs));
    if (viewers.length === 0) return;
    const client = await this.slack.forWorkspace(ws);
    if (!client) return;
    const workspace = workspaceRefFromId(ws);
    for (const viewer of viewers) {
      const view = await buildHome(ctx, client, workspace, viewer.user_id);
      if (viewHash(view) === viewer.view_hash) continue;
      await publishView(ctx, client, workspace, viewer.user_id, view).catch((err: unknown) =>
        ctx.logger.warn({ err, workspace: ws }, 'could not refresh a Home view'),
      );
    }
  }
}

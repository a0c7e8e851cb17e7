import type { CustomRoute, Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { workspaceFromContext } from '../slack/workspace-from-context.js';
import type { WorkspaceRef } from '../domain/workspace-ref.js';
import { webhookRoutes } from '../webhooks/route.js';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from './options.js';
import { SyncWorker } from './worker.js';

/** The sync of one app instance, built, started and stopped by bootstrap. */
export interface SyncRuntime {
  options: SyncOptions;
  worker: SyncWorker;
  /** Mounted on the Slack app's HTTP server (they must exist before its receiver is built). */
  routes: CustomRoute[];
  /**
   * A single workspace on PIVOTAL_API_KEY whose team auth.test did not name at start-up: its id is
   * learnt from Slack's first request, and its first sync follows that request shortly after.
   * Undefined when there is nothing to learn that way.
   */
  firstSight: Middleware<AnyMiddlewareArgs> | undefined;
  /** `botWorkspace`: the one workspace of a single-token install, when auth.test named it at start-up. */
  start(botWorkspace: WorkspaceRef | undefined): Promise<void>;
  stop(): Promise<void>;
}

export function createSyncRuntime(ctx: AppContext, overrides: Partial<SyncOptions> = {}): SyncRuntime {
  const options = { ...DEFAULT_SYNC_OPTIONS, ...overrides };
  const worker = new SyncWorker(ctx, options);
  const { config } = ctx;
  const bootstrapKeySync = options.enabled && Boolean(config.pivotalApiKey) && config.slack.kind !== 'oauth';
  return {
    options,
    worker,
    routes: webhookRoutes(ctx),
    firstSight: bootstrapKeySync
      ? async ({ context, next }) => {
          if (context.teamId || context.enterpriseId) {
            await worker
              .sawWorkspace(workspaceFromContext(context))
              .catch((err: unknown) => ctx.logger.warn({ err }, 'could not register the workspace for syncing'));
          }
          await next();
        }
      : undefined,
    start: async (botWorkspace) => {
      await worker.start();
      // Named at start-up: the first sync runs now, so Home is filled before anyone opens it.
      if (bootstrapKeySync && botWorkspace) await worker.sawWorkspace(botWorkspace, 0);
    },
    stop: () => worker.stop(),
  };
}

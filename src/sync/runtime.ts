import type { CustomRoute } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { webhookRoutes } from '../webhooks/route.js';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from './options.js';
import { SyncWorker } from './worker.js';

export interface PipelineRuntime {
  options: SyncOptions;
  worker: SyncWorker;
  /** Mounted on the Slack app's HTTP server (they must exist before its receiver is built). */
  routes: CustomRoute[];
}

// One per app instance: the routes are made before the Bolt app exists and the listeners after, and
// two instances in one process (tests of several replicas) must not share a worker.
const runtimes = new WeakMap<AppContext, PipelineRuntime>();

/** The sync worker and webhook routes of this app instance; the first call decides the options. */
export function pipelineRuntime(ctx: AppContext, options: Partial<SyncOptions> = {}): PipelineRuntime {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    const merged = { ...DEFAULT_SYNC_OPTIONS, ...options };
    runtime = { options: merged, worker: new SyncWorker(ctx, merged), routes: webhookRoutes(ctx) };
    runtimes.set(ctx, runtime);
  }
  return runtime;
}

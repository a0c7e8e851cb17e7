import type { SlackListeners } from '../../slack/listener-registry.js';
import type { AppContext } from '../../context.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import { pipelineRuntime } from '../../sync/runtime.js';
import type { FeatureLifecycle } from '../index.js';
import { registerUnfurl } from '../unfurl/listeners.js';
import { registerHome } from './listeners.js';
import { HomeRefresher } from './refresher.js';

/**
 * The pipeline in one registration: the Home tab, link unfurls, and the sync worker that feeds them
 * (returned as the background worker; webhooks are mounted with the HTTP routes in bootstrap).
 */
export function registerPipeline(app: SlackListeners, ctx: AppContext): FeatureLifecycle {
  const runtime = pipelineRuntime(ctx);
  registerHome(app, ctx);
  registerUnfurl(app, ctx);
  const refresher = new HomeRefresher(ctx, runtime.options);
  runtime.worker.onHeldTick((ws) => refresher.refresh(ws));

  const { config } = ctx;
  const bootstrapKeySync = runtime.options.enabled && Boolean(config.pivotalApiKey) && config.slack.kind !== 'oauth';
  if (bootstrapKeySync) {
    // Single workspace on PIVOTAL_API_KEY whose team auth.test did not name at start-up: its id is
    // learnt from Slack's first request, and its first sync follows that request shortly after.
    app.use(async ({ context, next }) => {
      if (context.teamId || context.enterpriseId) {
        await runtime.worker
          .sawWorkspace(workspaceFromContext(context))
          .catch((err: unknown) => ctx.logger.warn({ err }, 'could not register the workspace for syncing'));
      }
      await next();
    });
  }
  return {
    start: async (info) => {
      await runtime.worker.start();
      // Named at start-up: the first sync runs now, so Home is filled before anyone opens it.
      if (bootstrapKeySync && info?.botWorkspace) await runtime.worker.sawWorkspace(info.botWorkspace, 0);
    },
    stop: () => runtime.worker.stop(),
  };
}

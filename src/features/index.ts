import type { SlackListeners } from '../slack/listener-registry.js';
import type { AppContext } from '../context.js';
import type { CommandRouter } from '../slack/command-router.js';
import type { WorkspaceRef } from '../slack/workspace-ref.js';
import { registerConnect } from './connect/listeners.js';
import { registerHelp } from './help/listeners.js';
import { registerPipeline } from './home/register.js';
import { registerOnboard } from './onboard/listeners.js';
import { registerPhases } from './phases/listeners.js';
import { registerSubscriptions } from './subscriptions/listeners.js';
import { registerTestRecords } from './test-records/listeners.js';

export interface StartInfo {
  /** The one workspace of a single-token install, when Slack's auth.test named it at start-up. */
  botWorkspace?: WorkspaceRef | undefined;
}

export interface FeatureLifecycle {
  /** Background workers (sync, outbox) start once the server listens and stop before it closes. */
  start(info?: StartInfo): Promise<void>;
  stop(): Promise<void>;
}

/** Every capability registers here; the `/pivotal` dispatcher (help) goes last so it sees them all. */
export function registerFeatures(app: SlackListeners, ctx: AppContext, router: CommandRouter): FeatureLifecycle {
  const workers: FeatureLifecycle[] = [];
  workers.push(registerConnect(app, ctx, router));
  workers.push(registerPhases(app, ctx, router));
  workers.push(registerOnboard(app, ctx, router));
  workers.push(registerPipeline(app, ctx));
  workers.push(registerTestRecords(app, ctx));
  workers.push(registerSubscriptions(app, ctx, router));
  registerHelp(app, router);
  return {
    start: async (info?: StartInfo) => {
      for (const w of workers) await w.start(info);
    },
    stop: async () => {
      for (const w of [...workers].reverse()) await w.stop();
    },
  };
}

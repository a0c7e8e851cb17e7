import type { AppContext } from '../context.js';
import type { SlackClients } from '../slack/clients.js';
import type { CommandRouter } from '../slack/command-router.js';
import type { SlackListeners } from '../slack/listener-registry.js';
import { registerChannelSettings } from './channel-settings/listeners.js';
import { registerConnect } from './connect/listeners.js';
import { registerCustomer } from './customer/listeners.js';
import { registerHelp } from './help/listeners.js';
import { registerHome } from './home/listeners.js';
import { registerOnboard } from './onboard/listeners.js';
import type { OnboardWorker } from './onboard/worker.js';
import { registerMove } from './move/listeners.js';
import { registerPhaseSequence } from './phase-sequence/listeners.js';
import { registerSubscriptions } from './subscriptions/listeners.js';
import { registerShortcuts } from './shortcuts/listeners.js';
import { registerTestRecords } from './test-records/listeners.js';
import type { TestRecordsRunner } from './test-records/runner.js';
import { registerUnfurl } from './unfurl/listeners.js';
import { registerPeople } from './people/listeners.js';
import { registerMyNotifications } from './my-notifications/listeners.js';

/** What the features use beyond the context; bootstrap builds each of them once, and starts and stops the workers. */
export interface FeatureDeps {
  router: CommandRouter;
  slackClients: SlackClients;
  onboardWorker: OnboardWorker;
  testRecords: TestRecordsRunner;
}

/** Every capability registers here, one line each; help goes last, so its list names every subcommand. */
export function registerFeatures(app: SlackListeners, ctx: AppContext, deps: FeatureDeps): void {
  registerConnect(app, ctx, deps.router, deps.slackClients);
  registerMove(app, ctx, deps.router);
  registerChannelSettings(ctx, deps.router);
  registerPhaseSequence(app, ctx, deps.router);
  registerOnboard(app, ctx, deps.router, deps.onboardWorker);
  registerCustomer(app, ctx, deps.router);
  registerHome(app, ctx);
  registerUnfurl(app, ctx);
  registerTestRecords(app, ctx, deps.testRecords);
  registerPeople(app, ctx);
  registerMyNotifications(app, ctx);
  registerSubscriptions(app, ctx, deps.router);
  registerShortcuts(app, ctx);
  registerHelp(deps.router);
}

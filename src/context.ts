import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { SecretScrubber } from './logger.js';
import type { Store } from './store/database.js';
import type { KeyRing } from './security/key-encryption.js';
import type { BackgroundTasks } from './background.js';
import type { PivotalGateway } from './workspace/pivotal-gateway.js';
import type { Permissions } from './security/permissions.js';
import type { OutboxSignal } from './notifications/outbox-signal.js';

/** What every feature gets: built once in bootstrap, passed down, never mutated per request. */
export interface AppContext {
  config: Config;
  logger: Logger;
  scrubber: SecretScrubber;
  store: Store;
  keyRing: KeyRing;
  background: BackgroundTasks;
  pivotal: PivotalGateway;
  permissions: Permissions;
  /** Told when a change queued a post; the dispatcher itself is owned by bootstrap. */
  outbox: OutboxSignal;
  now: () => Date;
}

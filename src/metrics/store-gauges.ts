import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Store } from '../store/database.js';
import { oldestPendingOutboxAt, syncTimings, undeliveredOutboxCounts } from '../store/store-readings.js';

/**
 * Gauges read from the store when Prometheus scrapes, so they are right whichever replica did the
 * work: the outbox (what the channel has not heard yet) and how far behind Pivotal each workspace's
 * sync is. A store that cannot answer leaves them out of that scrape instead of failing the scrape.
 */
export function registerStoreGauges(registry: Registry, deps: { store: Store; logger: Logger; now: () => Date }): void {
  const registers = [registry];
  const { db } = deps.store;
  const readFailed = (err: unknown, what: string) =>
    deps.logger.warn({ err }, `metrics: could not read ${what} from the store`);

  new Gauge({
    name: 'outbox_messages',
    help: 'Channel notifications waiting in the outbox, by status (pending: to be sent or retried; held: parked until someone acts).',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      try {
        const counts = await undeliveredOutboxCounts(db);
        for (const status of ['pending', 'held']) this.set({ status }, 0);
        for (const { status, count } of counts) this.set({ status }, count);
      } catch (err) {
        readFailed(err, 'the outbox depth');
      }
    },
  });

  new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending outbox message (0 when nothing is pending).',
    registers,
    async collect() {
      this.reset();
      try {
        const oldest = await oldestPendingOutboxAt(db);
        this.set(oldest ? secondsSince(oldest, deps.now()) : 0);
      } catch (err) {
        readFailed(err, 'the outbox age');
      }
    },
  });

  new Gauge({
    name: 'sync_lag_seconds',
    help: "Seconds since the workspace's read model was last brought up to date with Pivotal (last completed sync cycle).",
    labelNames: ['workspace'],
    registers,
    async collect() {
      this.reset();
      try {
        for (const { workspaceId, lastSyncAt } of await syncTimings(db))
          if (lastSyncAt) this.set({ workspace: workspaceId }, secondsSince(lastSyncAt, deps.now()));
      } catch (err) {
        readFailed(err, 'the sync state');
      }
    },
  });

  new Gauge({
    name: 'sync_full_walk_seconds',
    help: 'Duration of the last full walk of the Pivotal lists: how far behind Pivotal the oldest row of the read model can be.',
    labelNames: ['workspace'],
    registers,
    async collect() {
      this.reset();
      try {
        for (const { workspaceId, lagMs } of await syncTimings(db))
          if (lagMs !== null) this.set({ workspace: workspaceId }, lagMs / 1000);
      } catch (err) {
        readFailed(err, 'the sync state');
      }
    },
  });
}

function secondsSince(iso: string, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
}

import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Store } from '../store/database.js';

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
        const rows = await db
          .selectFrom('outbox')
          .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
          .where('status', '!=', 'done')
          .groupBy('status')
          .execute();
        for (const status of ['pending', 'held']) this.set({ status }, 0);
        for (const row of rows) this.set({ status: row.status }, Number(row.n));
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
        const row = await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.min<string | null>('created_at').as('oldest'))
          .where('status', '=', 'pending')
          .executeTakeFirst();
        this.set(row?.oldest ? secondsSince(row.oldest, deps.now()) : 0);
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
        const rows = await db
          .selectFrom('sync_state')
          .select(['workspace_id', 'last_sync_at'])
          .where('last_sync_at', 'is not', null)
          .execute();
        for (const row of rows) this.set({ workspace: row.workspace_id }, secondsSince(row.last_sync_at!, deps.now()));
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
        const rows = await db
          .selectFrom('sync_state')
          .select(['workspace_id', 'lag_ms'])
          .where('lag_ms', 'is not', null)
          .execute();
        for (const row of rows) this.set({ workspace: row.workspace_id }, row.lag_ms! / 1000);
      } catch (err) {
        readFailed(err, 'the sync state');
      }
    },
  });
}

function secondsSince(iso: string, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
}

import type { Logger } from 'pino';
import type { Db } from './database.js';
import { RepeatingTask } from '../shared/repeating-task.js';
import { newLeaseHolder, releaseLease, tryAcquireLease } from './leases.js';
import { pruneExpired, type PruneCounts, type RetentionPolicy } from './retention.js';

export interface RetentionTimings {
  /** How often old rows are pruned; the first run is at start. */
  intervalMs: number;
}

const DEFAULT_TIMINGS: RetentionTimings = { intervalMs: 60 * 60_000 };

const RETENTION_LEASE = 'retention';

export interface RetentionDeps {
  db: Db;
  logger: Logger;
  now: () => Date;
  policy: RetentionPolicy;
  /** Names this replica in the lease (default: host, process and a random part). */
  holder?: string;
}

/**
 * Prunes what the retention policy lets go, once per interval across all replicas: a run first takes
 * the `retention` lease for one interval, and keeps it (renewing it on its next run), so the other
 * replicas skip their runs while this one is alive and take over when it stops or dies.
 */
export class RetentionJob {
  private readonly holder: string;
  private readonly timings: RetentionTimings;
  private readonly task: RepeatingTask;

  constructor(
    private readonly deps: RetentionDeps,
    timings: Partial<RetentionTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
    this.holder = deps.holder ?? newLeaseHolder();
    this.task = new RepeatingTask({
      intervalMs: () => this.timings.intervalMs,
      pass: () => this.runOnce(),
      onError: (err) => deps.logger.error({ err }, 'retention: pruning failed; trying again at the next run'),
    });
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await releaseLease(this.deps.db, RETENTION_LEASE, this.holder).catch((err: unknown) =>
      this.deps.logger.warn(
        { err },
        'retention: could not release the lease; another replica takes over when it expires',
      ),
    );
  }

  /** Prunes if this replica holds (or can take) the lease; null when another replica does the work. */
  async runOnce(): Promise<PruneCounts | null> {
    const { db, logger, now, policy } = this.deps;
    if (!(await tryAcquireLease(db, RETENTION_LEASE, this.holder, this.timings.intervalMs, now()))) return null;
    const counts = await pruneExpired(db, policy, now());
    if (Object.values(counts).some((count) => count > 0))
      logger.info({ ...counts, policy }, 'retention: pruned old rows');
    return counts;
  }
}

import { Cron } from 'croner';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../context.js';
import { allDigestSchedules, getDigestSchedule, queueDigestPeriod, recordDigestPosted } from '../store/digests.js';
import { newLeaseHolder, releaseLease, tryAcquireLease } from '../store/leases.js';
import { RepeatingTask } from '../shared/repeating-task.js';
import type { DigestScheduleRow } from '../store/schema-subscriptions.js';
import { renderDigest, takeDigest } from './digest-snapshot.js';

const DIGEST_LEASE = 'digests';

export interface DigestTimings {
  tickMs: number;
  leaseTtlMs: number;
}

/** The latest scheduled instant at or before `now`, if the schedule had one since it was made. */
export function duePeriod(row: Pick<DigestScheduleRow, 'cron' | 'time_zone' | 'created_at'>, now: Date): Date | null {
  const [previous] = new Cron(row.cron, { timezone: row.time_zone }).previousRuns(1, new Date(now.getTime() + 1));
  return previous && previous.getTime() >= Date.parse(row.created_at) ? previous : null;
}

/**
 * `/pivotal digest now`: the channel's digest at once, with its schedule's memory if it has one.
 * Posted here rather than through the outbox: the person who asked is answered once it is in the
 * channel, and a failure is reported to them at once instead of becoming a retry nobody waits for.
 */
export async function postDigestNow(ctx: AppContext, client: WebClient, workspaceId: string, channelId: string) {
  const schedule = await getDigestSchedule(ctx.store.db, workspaceId, channelId);
  const now = ctx.now();
  const snapshot = await takeDigest(ctx, workspaceId, schedule, now);
  await client.chat.postMessage({
    channel: channelId,
    ...(await renderDigest(ctx, client, workspaceId, channelId, snapshot)),
  });
  if (schedule)
    await recordDigestPosted(ctx.store.db, workspaceId, channelId, snapshot.figures.phaseCounts, now.toISOString());
}

/**
 * Queues each scheduled digest once per period. One replica at a time holds the `digests` lease; a
 * period is claimed in the same transaction that queues its post in the outbox, so a restart or a
 * second replica never queues it again, and the outbox dispatcher posts it once (paced with the
 * channel's other posts, retried, held for an admin when the channel is gone).
 */
export class DigestJob {
  private readonly holder = newLeaseHolder();
  private readonly task: RepeatingTask;
  private readonly timings: DigestTimings;

  constructor(
    private readonly ctx: AppContext,
    timings: Partial<DigestTimings> = {},
  ) {
    this.timings = { tickMs: 1_000, leaseTtlMs: 30_000, ...timings };
    this.task = new RepeatingTask({
      intervalMs: () => this.timings.tickMs,
      pass: () => this.tick(),
      onError: (err) => ctx.logger.error({ err }, 'digests: tick failed'),
      track: (pass) => ctx.background.track(pass),
    });
  }

  async start(): Promise<void> {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await releaseLease(this.ctx.store.db, DIGEST_LEASE, this.holder).catch(() => undefined);
  }

  async tick(): Promise<void> {
    const db = this.ctx.store.db;
    const now = this.ctx.now();
    if (!(await tryAcquireLease(db, DIGEST_LEASE, this.holder, this.timings.leaseTtlMs, now))) return;
    for (const row of await allDigestSchedules(db)) {
      if (!this.task.running) return;
      const due = duePeriod(row, now);
      if (!due || row.last_period === due.toISOString()) continue;
      try {
        const snapshot = await takeDigest(this.ctx, row.workspace_id, row, now);
        const queued = await queueDigestPeriod(db, row, due.toISOString(), {
          payload: JSON.stringify(snapshot),
          phaseCounts: snapshot.figures.phaseCounts,
          now: now.toISOString(),
        });
        if (queued) this.ctx.outbox.nudge();
      } catch (err) {
        // Nothing was claimed: the transaction took the claim back with the row.
        this.ctx.logger.warn({ err, channelId: row.channel_id }, 'digests: could not queue; retrying on the next tick');
      }
    }
  }
}

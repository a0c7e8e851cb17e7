import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Cron } from 'croner';
import { addDays, format, subBusinessDays, subDays } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../context.js';
import type { SlackClients } from '../slack/clients.js';
import {
  allDigestSchedules,
  claimDigestPeriod,
  digestFigures,
  getDigestSchedule,
  recordDigestPosted,
  releaseDigestPeriod,
} from '../store/digests.js';
import { releaseLease, tryAcquireLease } from '../store/leases.js';
import { loadPhaseSequence } from '../store/phases.js';
import type { DigestScheduleRow } from '../store/schema-subscriptions.js';
import { digestPost } from './digest-views.js';
import { audienceOf } from './shared-channels.js';
import { workspaceMode } from './workspace-access.js';

/** More than this many working days in one phase counts as stalled. */
const STALLED_WORKING_DAYS = 10;
const LISTED = 8;
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
 * Builds a channel's digest from the read model (no Pivotal request) and posts it. Returns the phase
 * counts it showed.
 */
export async function postDigest(
  ctx: AppContext,
  client: WebClient,
  workspaceId: string,
  channelId: string,
  schedule: DigestScheduleRow | undefined,
): Promise<void> {
  const now = ctx.now();
  const zone = schedule?.time_zone ?? 'UTC';
  const local = new TZDate(now, zone);
  const sinceDate = schedule?.last_posted_at ? new Date(schedule.last_posted_at) : subDays(now, 7);
  const figures = await digestFigures(ctx.store.db, workspaceId, {
    since: sinceDate.toISOString(),
    today: format(local, 'yyyy-MM-dd'),
    inAWeek: format(addDays(local, 7), 'yyyy-MM-dd'),
    stalledBefore: subBusinessDays(now, STALLED_WORKING_DAYS).toISOString(),
    listed: LISTED,
  });
  const audience = await audienceOf(ctx, client, workspaceId, channelId);
  const post = digestPost({
    figures,
    previous: schedule?.last_counts ? (JSON.parse(schedule.last_counts) as Record<string, number>) : null,
    phases: await loadPhaseSequence(ctx.store.db, workspaceId),
    sinceLabel: `since ${format(new TZDate(sinceDate, zone), 'EEE d MMM HH:mm')} (${zone})`,
    internal: audience === 'internal',
    stalledDays: STALLED_WORKING_DAYS,
    mode: await workspaceMode(ctx, workspaceId),
  });
  await client.chat.postMessage({ channel: channelId, ...post });
  if (schedule) await recordDigestPosted(ctx.store.db, workspaceId, channelId, figures.phaseCounts, now.toISOString());
}

/** `/pivotal digest now`: the channel's digest at once, with its schedule's memory if it has one. */
export async function postDigestNow(ctx: AppContext, client: WebClient, workspaceId: string, channelId: string) {
  await postDigest(ctx, client, workspaceId, channelId, await getDigestSchedule(ctx.store.db, workspaceId, channelId));
}

/**
 * Posts each scheduled digest once per period. One replica at a time holds the `digests` lease; a
 * period is claimed in the store before it is posted, so a restart or a second replica never posts
 * it again (a post that fails gives the claim back and is retried on the next tick).
 */
export class DigestJob {
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private tickDone: Promise<void> | undefined;
  private readonly timings: DigestTimings;

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: SlackClients,
    timings: Partial<DigestTimings> = {},
  ) {
    this.timings = { tickMs: 1_000, leaseTtlMs: 30_000, ...timings };
  }

  async start(): Promise<void> {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tickDone;
    await releaseLease(this.ctx.store.db, DIGEST_LEASE, this.holder).catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tickDone = this.ctx.background
        .track(() => this.tick())
        .catch((err: unknown) => this.ctx.logger.error({ err }, 'digests: tick failed'))
        .finally(() => this.schedule(this.timings.tickMs));
    }, ms);
    this.timer.unref();
  }

  async tick(): Promise<void> {
    const db = this.ctx.store.db;
    const now = this.ctx.now();
    if (!(await tryAcquireLease(db, DIGEST_LEASE, this.holder, this.timings.leaseTtlMs, now))) return;
    for (const row of await allDigestSchedules(db)) {
      if (!this.running) return;
      const due = duePeriod(row, now);
      if (!due || row.last_period === due.toISOString()) continue;
      if (!(await claimDigestPeriod(db, row, due.toISOString()))) continue;
      try {
        const client = await this.slack.forWorkspace(row.workspace_id);
        if (!client) throw new Error('no Slack installation for the workspace');
        await postDigest(this.ctx, client, row.workspace_id, row.channel_id, row);
      } catch (err) {
        this.ctx.logger.warn({ err, channelId: row.channel_id }, 'digests: could not post; retrying on the next tick');
        await releaseDigestPeriod(db, row, due.toISOString());
      }
    }
  }
}

import { TZDate } from '@date-fns/tz';
import type { WebClient } from '@slack/web-api';
import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { subBusinessDays } from 'date-fns/subBusinessDays';
import { subDays } from 'date-fns/subDays';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { digestFigures } from '../store/digests.js';
import { loadPhaseSequence } from '../store/phases.js';
import type { DigestScheduleRow } from '../store/schema-subscriptions.js';
import { digestPost } from './digest-views.js';
import type { SlackPost } from './post-views.js';
import { audienceOf } from './shared-channels.js';
import { workspaceMode } from './workspace-access.js';

/**
 * A digest in two steps. Its figures are taken from the read model (no Pivotal request) at one
 * moment — for a scheduled digest, when its period is claimed — so a post the outbox delivers later
 * (after a restart, a retry, an archived channel brought back) still shows the period it is for.
 * How it reads is decided when it is posted: whether the channel is shared with the customer by
 * then (no send-back reasons there), the phase names and the key's mode as they are.
 */

/** More than this many working days in one phase counts as stalled. */
const STALLED_WORKING_DAYS = 10;
const LISTED = 8;

const item = z.object({
  id: z.string(),
  displayId: z.number(),
  customer: z.string(),
  phase: z.string(),
  target: z.string().nullable(),
  phaseEnteredAt: z.string(),
  reason: z.string().nullable().optional(),
});
const counted = z.object({ count: z.number(), first: z.array(item) });
const counts = z.record(z.string(), z.number());

const DigestSnapshotSchema = z.object({
  figures: z.object({
    phaseCounts: counts,
    launched: counted,
    sentBack: z.array(item),
    atRisk: counted,
    overdue: counted,
    stalled: counted,
    dueSoon: counted,
  }),
  /** The phase counts of the digest before, for the change since; null for the first. */
  previous: counts.nullable(),
  sinceLabel: z.string(),
});

export type DigestSnapshot = z.infer<typeof DigestSnapshotSchema>;

export function parseDigestSnapshot(json: string): DigestSnapshot | null {
  try {
    const parsed = DigestSnapshotSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The channel's figures now, since its schedule's last digest (or a week without one). */
export async function takeDigest(
  ctx: AppContext,
  workspaceId: string,
  schedule: DigestScheduleRow | undefined,
  now: Date,
): Promise<DigestSnapshot> {
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
  return {
    figures,
    previous: schedule?.last_counts ? (JSON.parse(schedule.last_counts) as Record<string, number>) : null,
    sinceLabel: `since ${format(new TZDate(sinceDate, zone), 'EEE d MMM HH:mm')} (${zone})`,
  };
}

/** The digest post for the channel as it is now. */
export async function renderDigest(
  ctx: AppContext,
  client: WebClient,
  workspaceId: string,
  channelId: string,
  snapshot: DigestSnapshot,
): Promise<SlackPost> {
  const audience = await audienceOf(ctx, client, workspaceId, channelId);
  return digestPost({
    ...snapshot,
    phases: await loadPhaseSequence(ctx.store.db, workspaceId),
    internal: audience === 'internal',
    stalledDays: STALLED_WORKING_DAYS,
    mode: await workspaceMode(ctx, workspaceId),
  });
}

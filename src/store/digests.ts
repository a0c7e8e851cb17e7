import { sql } from 'kysely';
import type { Db } from './database.js';
import { enqueuePost } from './posts.js';
import type { DigestScheduleRow } from './schema-subscriptions.js';

/** Digest schedules and the read-model figures a digest shows (never a Pivotal request). */

export async function saveDigestSchedule(
  db: Db,
  s: Pick<
    DigestScheduleRow,
    'workspace_id' | 'channel_id' | 'cron' | 'time_zone' | 'label' | 'created_by' | 'created_at'
  >,
): Promise<void> {
  const { workspace_id, channel_id, ...values } = s;
  await db
    .insertInto('digest_schedules')
    .values(s)
    .onConflict((oc) => oc.columns(['workspace_id', 'channel_id']).doUpdateSet(values))
    .execute();
}

export async function removeDigestSchedule(db: Db, workspaceId: string, channelId: string): Promise<number> {
  const result = await db
    .deleteFrom('digest_schedules')
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function allDigestSchedules(db: Db): Promise<DigestScheduleRow[]> {
  return db.selectFrom('digest_schedules').selectAll().execute();
}

export async function getDigestSchedule(
  db: Db,
  workspaceId: string,
  channelId: string,
): Promise<DigestScheduleRow | undefined> {
  return db
    .selectFrom('digest_schedules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
}

/** Outbox rows of this kind are scheduled digests: one per channel and period (the dedupe key). */
export const DIGEST_POST_KIND = 'digest';

/** What a scheduled digest's outbox row carries (JSON), and the phase counts it shows. */
export interface QueuedDigest {
  payload: string;
  phaseCounts: Record<string, number>;
  now: string;
}

/**
 * Claims a period and queues its post in one transaction: only one caller (replica, restart) moves
 * `last_period` from what it read to this period, and the outbox row it writes with it is delivered
 * once by the dispatcher, whatever happens to this process afterwards. The counts it shows become
 * the next digest's baseline. Returns false when someone else claimed the period.
 */
export async function queueDigestPeriod(
  db: Db,
  row: Pick<DigestScheduleRow, 'workspace_id' | 'channel_id' | 'last_period'>,
  period: string,
  digest: QueuedDigest,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('digest_schedules')
      .set({ last_period: period })
      .where('workspace_id', '=', row.workspace_id)
      .where('channel_id', '=', row.channel_id)
      .where((eb) =>
        row.last_period === null ? eb('last_period', 'is', null) : eb('last_period', '=', row.last_period),
      )
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    await enqueuePost(
      trx,
      {
        workspaceId: row.workspace_id,
        dedupeKey: `digest:${row.channel_id}:${period}`,
        kind: DIGEST_POST_KIND,
        onboardingId: null,
        channelId: row.channel_id,
        payload: digest.payload,
      },
      digest.now,
    );
    await recordDigestPosted(trx, row.workspace_id, row.channel_id, digest.phaseCounts, digest.now);
    return true;
  });
}

/** The counts a digest showed and when they were taken: the next digest tells the change since then. */
export async function recordDigestPosted(
  db: Db,
  workspaceId: string,
  channelId: string,
  counts: Record<string, number>,
  now: string,
): Promise<void> {
  await db
    .updateTable('digest_schedules')
    .set({ last_posted_at: now, last_counts: JSON.stringify(counts) })
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .execute();
}

/** An onboarding as a digest lists it. */
export interface DigestItem {
  id: string;
  displayId: number;
  customer: string;
  phase: string;
  target: string | null;
  phaseEnteredAt: string;
  reason?: string | null;
}

const FINISHED = sql<boolean>`(o.completed_at is not null or o.phase = 'completed' or o.state in ('done', 'completed'))`;

function openOnboardings(db: Db, workspaceId: string) {
  return db
    .selectFrom('rm_onboardings as o')
    .innerJoin('rm_customers as c', (j) =>
      j.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
    )
    .where('o.workspace_id', '=', workspaceId)
    .where('o.deleted', '=', 0);
}

const ITEM = ['o.id', 'o.display_id', 'c.name', 'o.phase', 'o.target_launch_date', 'o.phase_entered_at'] as const;

function items(
  rows: Array<{
    id: string;
    display_id: number;
    name: string;
    phase: string;
    target_launch_date: string | null;
    phase_entered_at: string;
  }>,
): DigestItem[] {
  return rows.map((r) => ({
    id: r.id,
    displayId: r.display_id,
    customer: r.name,
    phase: r.phase,
    target: r.target_launch_date,
    phaseEnteredAt: r.phase_entered_at,
  }));
}

export interface DigestFigures {
  phaseCounts: Record<string, number>;
  launched: { count: number; first: DigestItem[] };
  sentBack: DigestItem[];
  atRisk: { count: number; first: DigestItem[] };
  overdue: { count: number; first: DigestItem[] };
  stalled: { count: number; first: DigestItem[] };
  dueSoon: { count: number; first: DigestItem[] };
}

/** Everything a digest shows, in a handful of indexed queries over the read model. */
export async function digestFigures(
  db: Db,
  workspaceId: string,
  opts: { since: string; today: string; inAWeek: string; stalledBefore: string; listed: number },
): Promise<DigestFigures> {
  const open = () => openOnboardings(db, workspaceId).where(sql<boolean>`not ${FINISHED}`);
  const counted = async (
    filter: (q: ReturnType<typeof open>) => ReturnType<typeof open>,
    order: 'o.target_launch_date' | 'o.phase_entered_at' | 'o.display_id',
    base: () => ReturnType<typeof open> = open,
  ) => {
    const [{ n } = { n: 0 }] = await filter(base())
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .execute();
    const first = await filter(base())
      .select([...ITEM])
      .orderBy(order)
      .orderBy('o.display_id')
      .limit(opts.listed)
      .execute();
    return { count: Number(n), first: items(first) };
  };
  const phaseRows = await open()
    .select(['o.phase', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('o.phase')
    .execute();
  const launched = await counted(
    (q) => q,
    'o.display_id',
    () =>
      openOnboardings(db, workspaceId)
        .where(FINISHED)
        .where((eb) => eb.or([eb('o.completed_at', '>=', opts.since), eb('o.phase_entered_at', '>=', opts.since)])),
  );
  const sentBack = await db
    .selectFrom('phase_transitions as t')
    .innerJoin('rm_onboardings as o', (j) =>
      j.onRef('o.workspace_id', '=', 't.workspace_id').onRef('o.id', '=', 't.onboarding_id'),
    )
    .innerJoin('rm_customers as c', (j) =>
      j.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
    )
    .where('t.workspace_id', '=', workspaceId)
    .where('t.kind', '=', 'back')
    .where('t.occurred_at', '>=', opts.since)
    .select([...ITEM, 't.reason'])
    .orderBy('t.occurred_at')
    .limit(opts.listed)
    .execute();
  return {
    phaseCounts: Object.fromEntries(phaseRows.map((r) => [r.phase, Number(r.n)])),
    launched,
    sentBack: sentBack.map((r) => ({ ...items([r])[0]!, reason: r.reason })),
    atRisk: await counted((q) => q.where('o.state', '=', 'at_risk'), 'o.target_launch_date'),
    overdue: await counted((q) => q.where('o.target_launch_date', '<', opts.today), 'o.target_launch_date'),
    stalled: await counted((q) => q.where('o.phase_entered_at', '<', opts.stalledBefore), 'o.phase_entered_at'),
    dueSoon: await counted(
      (q) => q.where('o.target_launch_date', '>=', opts.today).where('o.target_launch_date', '<=', opts.inAWeek),
      'o.target_launch_date',
    ),
  };
}

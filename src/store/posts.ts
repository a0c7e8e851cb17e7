import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.js';
import { undeliveredOfSameOnboarding } from './outbox-threads.js';
import type { OutboxRow } from './schema-domain.js';
import type { OnboardingPostRow } from './schema-phases.js';

/** What the dispatcher keeps: parent messages per onboarding and channel, per-channel threading, outbox progress. */

export async function getParentPost(
  db: Db,
  workspaceId: string,
  onboardingId: string,
  channelId: string,
): Promise<OnboardingPostRow | undefined> {
  return db
    .selectFrom('onboarding_posts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('onboarding_id', '=', onboardingId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
}

export async function saveParentPost(
  db: Db,
  workspaceId: string,
  onboardingId: string,
  channelId: string,
  ts: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('onboarding_posts')
    .values({
      workspace_id: workspaceId,
      onboarding_id: onboardingId,
      channel_id: channelId,
      parent_ts: ts,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'onboarding_id', 'channel_id']).doUpdateSet({ parent_ts: ts, updated_at: now }),
    )
    .execute();
}

export async function forgetParentPost(
  db: Db,
  workspaceId: string,
  onboardingId: string,
  channelId: string,
): Promise<void> {
  await db
    .deleteFrom('onboarding_posts')
    .where('workspace_id', '=', workspaceId)
    .where('onboarding_id', '=', onboardingId)
    .where('channel_id', '=', channelId)
    .execute();
}

/** Threading is on unless an admin switched it off for the channel. */
export async function isThreaded(db: Db, workspaceId: string, channelId: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_settings')
    .select('threaded')
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  return row?.threaded !== 0;
}

export async function setThreaded(
  db: Db,
  workspaceId: string,
  channelId: string,
  threaded: boolean,
  by: string,
  now: string,
): Promise<void> {
  const values = { threaded: threaded ? (1 as const) : (0 as const), updated_by: by, updated_at: now };
  await db
    .insertInto('channel_settings')
    .values({ workspace_id: workspaceId, channel_id: channelId, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel_id']).doUpdateSet(values))
    .execute();
}

/** Same-instant events of one change (a move that also shifts the date) go out in a readable order. */
const KIND_ORDER = [
  'onboarding.opened',
  'onboarding.phase_changed',
  'onboarding.state_changed',
  'onboarding.target_changed',
];

const kindRank = sql<number>`case ${sql.join(
  KIND_ORDER.map((kind, i) => sql`when kind = ${sql.lit(kind)} then ${sql.lit(i)}`),
  sql` `,
)} else ${sql.lit(KIND_ORDER.length)} end`;

const OUTBOX_COLUMNS = [
  'id',
  'workspace_id',
  'dedupe_key',
  'kind',
  'onboarding_id',
  'payload',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'created_at',
  'done_at',
  'channel_id',
  'route',
  'facts',
] as const;

export interface DueBatch {
  now: string;
  /** Rows in the whole batch. */
  limit: number;
  /** Rows of one workspace in the batch, so one busy workspace leaves room for the others. */
  perWorkspace: number;
}

/**
 * The rows that can go out now, shared fairly: pending and due (held rows and rows waiting for a
 * retry are not fetched at all), and only where no earlier post of the same onboarding is still
 * waiting, so each onboarding's posts stay in order. The batch takes turns: each workspace's first
 * row, then each one's second, and so on; inside a workspace the turns go round the channels its
 * rows are headed for (the routed channel, else the customer's own, else the workspace's), so a burst in one channel
 * leaves room for the others. Rows of one onboarding come out in delivery order.
 */
export async function dueRows(db: Db, batch: DueBatch): Promise<OutboxRow[]> {
  return db
    .with('due', (qb) =>
      qb
        .selectFrom('outbox as row')
        .leftJoin('rm_onboardings as ob', (join) =>
          join.onRef('ob.workspace_id', '=', 'row.workspace_id').onRef('ob.id', '=', 'row.onboarding_id'),
        )
        .leftJoin('rm_customers as c', (join) =>
          join.onRef('c.workspace_id', '=', 'ob.workspace_id').onRef('c.id', '=', 'ob.customer_id'),
        )
        .select(OUTBOX_COLUMNS.map((column) => `row.${column}` as const))
        .select([sql<string>`coalesce(row.channel_id, c.slack_channel_id, '')`.as('lane'), kindRank.as('kind_rank')])
        .where('row.status', '=', 'pending')
        .where('row.next_attempt_at', '<=', batch.now)
        .where((eb) =>
          eb.not(
            eb.exists(
              undeliveredOfSameOnboarding(eb)
                .whereRef('other.created_at', '<=', 'row.created_at')
                .where((other) =>
                  other.or([other('other.status', '=', 'held'), other('other.next_attempt_at', '>', batch.now)]),
                ),
            ),
          ),
        ),
    )
    .with('laned', (qb) =>
      qb
        .selectFrom('due')
        .selectAll()
        .select((eb) =>
          eb.fn
            .agg<number>('row_number')
            .over((over) =>
              over.partitionBy(['workspace_id', 'lane']).orderBy('created_at').orderBy('kind_rank').orderBy('id'),
            )
            .as('lane_turn'),
        ),
    )
    .with('turned', (qb) =>
      qb
        .selectFrom('laned')
        .selectAll()
        .select((eb) =>
          eb.fn
            .agg<number>('row_number')
            .over((over) =>
              over
                .partitionBy('workspace_id')
                .orderBy('lane_turn')
                .orderBy('created_at')
                .orderBy('kind_rank')
                .orderBy('id'),
            )
            .as('turn'),
        ),
    )
    .selectFrom('turned')
    .select(OUTBOX_COLUMNS)
    .where('turn', '<=', batch.perWorkspace)
    .orderBy('turn')
    .orderBy('created_at')
    .orderBy('kind_rank')
    .orderBy('id')
    .limit(batch.limit)
    .execute();
}

/** Done exactly once: a row already done (by an earlier holder of the lease) is left alone. */
export async function markDelivered(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'done', done_at: now, last_error: null, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function scheduleRetry(
  db: Db,
  id: string,
  at: string,
  error: string,
  countAttempt: boolean,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      next_attempt_at: at,
      last_error: error,
      attempts: countAttempt ? eb('attempts', '+', 1) : eb.ref('attempts'),
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function holdRow(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'held', last_error: error, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * After an admin fixed the channel: every undelivered post of the workspace is due again, held ones
 * and those waiting for an invite alike (Retry-After pauses are kept in the dispatcher). Returns how many.
 */
export async function releaseUndelivered(db: Db, workspaceId: string, now: string): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'done')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** True when the onboarding has a parent message in any channel of the workspace. */
export async function isPostedAnywhere(db: Db, workspaceId: string, onboardingId: string): Promise<boolean> {
  const posted = await db
    .selectFrom('onboarding_posts')
    .select('channel_id')
    .where('workspace_id', '=', workspaceId)
    .where('onboarding_id', '=', onboardingId)
    .executeTakeFirst();
  return posted !== undefined;
}

export interface NewOutboxRow {
  workspaceId: string;
  /** Same key twice in a workspace → one row. */
  dedupeKey: string;
  kind: string;
  onboardingId: string | null;
  payload: string;
  /** The onboarding as the change left it (JSON), what subscription filters are matched against. */
  facts?: string | null;
  /** The one channel it goes to, when that is known as it is queued. */
  channelId?: string | null;
}

/** Queues a post; false when a row with the same dedupe key was queued before. */
export async function enqueuePost(db: Db, row: NewOutboxRow, now: string): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      id: randomUUID(),
      workspace_id: row.workspaceId,
      dedupe_key: row.dedupeKey,
      kind: row.kind,
      onboarding_id: row.onboardingId,
      payload: row.payload,
      facts: row.facts ?? null,
      channel_id: row.channelId ?? null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

import { sql } from 'kysely';
import type { Focus, PipelineDates } from '../domain/pipeline-focus.js';
import type { Db } from './database.js';
import type { DialectName } from './dialect.js';
import { focusCondition, openOnboarding, ownedBy, type OwnerMatch } from './pipeline-summary.js';
import { valuesInUse } from './read-model.js';

/**
 * The Home board's reads, all from the read model (never from Pivotal). Filtering, counting and paging
 * happen in the database, so a workspace with 20,000 onboardings costs one page of rows to render.
 */

export interface PipelineFilter {
  workspaceId: string;
  dialect: DialectName;
  /** What "overdue", "due soon" and "this month" are measured against. */
  dates: PipelineDates;
  /** Only onboardings owned by this person: a mapped Pivotal user id, or the Slack user in metadata. */
  owner: OwnerMatch | null;
  focus: Focus | null;
  /** `state:<state>`. */
  state: string | null;
  phase: string | null;
  includeFinished: boolean;
}

/** One line of the board: the onboarding, its customer, and what says who owns it. */
export interface PipelinePageRow {
  id: string;
  display_id: number;
  name: string | null;
  customer_id: string;
  customer_display_id: number | null;
  customer_name: string | null;
  phase: string;
  state: string;
  waiting_on_customer: number;
  target_launch_date: string | null;
  csm_id: string | null;
  metadata: string | null;
  slack_owner_id: string | null;
  phase_entered_at: string;
  completed_at: string | null;
}

function filtered(db: Db, f: PipelineFilter, withPhase: boolean) {
  let q = db.selectFrom('rm_onboardings as o').where('o.workspace_id', '=', f.workspaceId).where('o.deleted', '=', 0);
  if (f.owner) q = q.where(ownedBy(f.dialect, f.owner));
  if (f.focus) q = q.where(focusCondition(f.focus, f.dates));
  if (!f.includeFinished) q = q.where(openOnboarding);
  if (f.state === 'state:waiting') {
    q = q.where((eb) => eb.or([eb('o.state', '=', 'waiting'), eb('o.waiting_on_customer', '=', 1)]));
  } else if (f.state?.startsWith('state:')) {
    q = q.where('o.state', '=', f.state.slice('state:'.length));
  }
  if (withPhase && f.phase !== null) q = q.where('o.phase', '=', f.phase);
  return q;
}

/** Onboardings per phase under the owner and state filters (the phase filter picks among these). */
export async function phaseCounts(db: Db, f: PipelineFilter): Promise<Map<string, number>> {
  const rows = await filtered(db, f, false)
    .select(['o.phase', (eb) => eb.fn.countAll().as('n')])
    .groupBy('o.phase')
    .execute();
  return new Map(rows.map((r) => [r.phase, Number(r.n)]));
}

/** One page, in the workspace's phase order, soonest target first (no target last). */
export async function pipelinePage(
  db: Db,
  f: PipelineFilter,
  phaseOrder: readonly string[],
  offset: number,
  limit: number,
): Promise<PipelinePageRow[]> {
  let q = filtered(db, f, true)
    .leftJoin('rm_customers as c', (join) =>
      join.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
    )
    .select([
      'o.id',
      'o.display_id',
      'o.name',
      'o.customer_id',
      'c.display_id as customer_display_id',
      'c.name as customer_name',
      'o.phase',
      'o.state',
      'o.waiting_on_customer',
      'o.target_launch_date',
      'o.csm_id',
      'o.metadata',
      'o.slack_owner_id',
      'o.phase_entered_at',
      'o.completed_at',
    ]);
  // No phase order (no active phase and nothing on the board) leaves the phase key to order by: a
  // constant in its place would be read as a column number, which both databases refuse.
  if (phaseOrder.length > 0) {
    // Literal positions: bound parameters would be typed as text by Postgres and sort "10" before "2".
    q = q.orderBy(
      sql<number>`case ${sql.join(
        phaseOrder.map((key, i) => sql`when o.phase = ${key} then ${sql.lit(i)}`),
        sql` `,
      )} else ${sql.lit(phaseOrder.length)} end`,
    );
  }
  return q
    .orderBy('o.phase')
    .orderBy(sql`case when o.target_launch_date is null then 1 else 0 end`)
    .orderBy('o.target_launch_date')
    .orderBy('o.display_id')
    .offset(offset)
    .limit(limit)
    .execute();
}

/** States present in the workspace, for the filter menu. */
export async function statesInUse(db: Db, workspaceId: string): Promise<string[]> {
  return valuesInUse(db, workspaceId, 'state', 50);
}

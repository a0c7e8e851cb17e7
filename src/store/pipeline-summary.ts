import { sql, type RawBuilder } from 'kysely';
import { FINISHED_PHASE, FINISHED_STATES } from '../domain/finished.js';
import { isFinished } from '../domain/finished.js';
import {
  FOCUSES,
  hasFocus,
  LAUNCH_PHASE,
  type Focus,
  type FocusFacts,
  type PipelineDates,
} from '../domain/pipeline-focus.js';
import { SLACK_OWNER_METADATA_KEY } from '../domain/slack-owner.js';
import type { Db } from './database.js';
import type { DialectName } from './dialect.js';

/**
 * The pipeline's rules in SQL over `rm_onboardings as o`, and the counts Home shows above the board
 * (a summary per focus, the workload per owner). They mirror src/domain/finished.ts and
 * src/domain/pipeline-focus.ts; every count is one pass over the workspace's rows.
 */

/** The app's own record of the Slack owner, else the one in metadata (see domain/slack-owner.ts). */
export function slackOwnerColumn(dialect: DialectName): RawBuilder<string | null> {
  const fromMetadata =
    dialect === 'postgres'
      ? sql<string | null>`(o.metadata::jsonb ->> ${sql.lit(SLACK_OWNER_METADATA_KEY)})`
      : sql<string | null>`json_extract(o.metadata, ${sql.lit(`$.${SLACK_OWNER_METADATA_KEY}`)})`;
  return sql<string | null>`coalesce(o.slack_owner_id, ${fromMetadata})`;
}

const finishedStates = sql.join(FINISHED_STATES.map((s) => sql.lit(s)));

/** Not finished: no completion date, not in the last phase, not in a terminal state. */
export const openOnboarding = sql<boolean>`(o.completed_at is null and o.phase <> ${sql.lit(FINISHED_PHASE)} and o.state not in (${finishedStates}))`;

/** Literals, not parameters: the same fragment appears once per focus in one statement. */
export function focusCondition(focus: Focus, dates: PipelineDates): RawBuilder<boolean> {
  const today = sql.lit(dates.today);
  switch (focus) {
    case 'launched':
      return sql<boolean>`(case when o.phase = ${sql.lit(LAUNCH_PHASE)} then o.phase_entered_at else o.completed_at end) >= ${sql.lit(dates.monthStart)}`;
    case 'overdue':
      return sql<boolean>`(${openOnboarding} and o.target_launch_date < ${today})`;
    case 'due_soon':
      return sql<boolean>`(${openOnboarding} and o.target_launch_date >= ${today} and o.target_launch_date <= ${sql.lit(dates.dueSoonUntil)})`;
    case 'waiting':
      return sql<boolean>`(${openOnboarding} and (o.state = 'waiting' or o.waiting_on_customer = 1))`;
    case 'at_risk':
    case 'paused':
      return sql<boolean>`(${openOnboarding} and o.state = ${sql.lit(focus)})`;
  }
}

/** Onboardings owned by a person: a mapped Pivotal user id, or the Slack user the app recorded. */
export interface OwnerMatch {
  slackUserId: string;
  pivotalUserIds: string[];
}

export function ownedBy(dialect: DialectName, owner: OwnerMatch): RawBuilder<boolean> {
  const bySlack = sql<boolean>`${slackOwnerColumn(dialect)} = ${owner.slackUserId}`;
  if (owner.pivotalUserIds.length === 0) return bySlack;
  return sql<boolean>`(${bySlack} or o.csm_id in (${sql.join(owner.pivotalUserIds)}))`;
}

export type FocusCounts = Record<Focus, number>;

/** One phase's onboardings: all of them, the open ones, and how many count under each focus. */
export interface PhaseTally {
  total: number;
  open: number;
  focus: FocusCounts;
}

/** Open onboardings of one owner (Pivotal user and Slack owner as recorded), with how many are overdue. */
export interface OwnerLoad {
  csmId: string | null;
  slackOwner: string | null;
  open: number;
  overdue: number;
}

/** Onboardings that share every fact the rules and the owner filter read. */
interface PipelineGroup {
  csmId: string | null;
  slackOwner: string | null;
  facts: FocusFacts;
  n: number;
}

/** Stand-in dates before and after every date the rules compare with. */
const EARLIER = '0001-01-01';
const LATER = '9999-12-31';

const noFocus = (): FocusCounts => Object.fromEntries(FOCUSES.map((f) => [f, 0])) as FocusCounts;

/**
 * The counts above Home's board (per phase, per focus, per owner, for everyone or one person), all
 * from one pass over the workspace's onboardings: the rows are grouped by the few facts the rules
 * read, with their dates reduced to where they fall, and each group is judged by the domain's own
 * rules through a stand-in onboarding with the same facts.
 */
export class PipelineOverview {
  constructor(
    private readonly groups: readonly PipelineGroup[],
    private readonly dates: PipelineDates,
  ) {}

  private ownedBy(g: PipelineGroup, owner: OwnerMatch): boolean {
    return g.slackOwner === owner.slackUserId || (g.csmId !== null && owner.pivotalUserIds.includes(g.csmId));
  }

  /** Per phase, for everyone or for one person. */
  tally(owner: OwnerMatch | null): Map<string, PhaseTally> {
    const tally = new Map<string, PhaseTally>();
    for (const g of this.groups) {
      if (owner && !this.ownedBy(g, owner)) continue;
      const phase = tally.get(g.facts.phase) ?? { total: 0, open: 0, focus: noFocus() };
      phase.total += g.n;
      if (!isFinished(g.facts)) phase.open += g.n;
      for (const focus of FOCUSES) if (hasFocus(g.facts, focus, this.dates)) phase.focus[focus] += g.n;
      tally.set(g.facts.phase, phase);
    }
    return tally;
  }

  /** Whether the person owns at least one open onboarding. */
  owns(owner: OwnerMatch): boolean {
    return this.groups.some((g) => this.ownedBy(g, owner) && !isFinished(g.facts));
  }

  /** Open onboardings per owner as recorded. */
  workload(): OwnerLoad[] {
    const loads = new Map<string, OwnerLoad>();
    for (const g of this.groups) {
      if (isFinished(g.facts)) continue;
      const key = JSON.stringify([g.csmId, g.slackOwner]);
      const load = loads.get(key) ?? { csmId: g.csmId, slackOwner: g.slackOwner, open: 0, overdue: 0 };
      load.open += g.n;
      if (hasFocus(g.facts, 'overdue', this.dates)) load.overdue += g.n;
      loads.set(key, load);
    }
    return [...loads.values()];
  }
}

export async function pipelineOverview(
  db: Db,
  q: { workspaceId: string; dialect: DialectName; dates: PipelineDates },
): Promise<PipelineOverview> {
  const target = sql<number>`case when o.target_launch_date is null then 0 when o.target_launch_date < ${sql.lit(q.dates.today)} then 1 when o.target_launch_date <= ${sql.lit(q.dates.dueSoonUntil)} then 2 else 3 end`;
  const completed = sql<number>`case when o.completed_at is null then 0 else 1 end`;
  const launched = sql<number>`case when ${focusCondition('launched', q.dates)} then 1 else 0 end`;
  const slackOwner = slackOwnerColumn(q.dialect);
  const rows = await db
    .selectFrom('rm_onboardings as o')
    .where('o.workspace_id', '=', q.workspaceId)
    .where('o.deleted', '=', 0)
    .select([
      'o.phase',
      'o.state',
      'o.waiting_on_customer',
      'o.csm_id',
      slackOwner.as('slack_owner'),
      completed.as('completed'),
      target.as('target'),
      launched.as('launched'),
      sql<number>`count(*)`.as('n'),
    ])
    .groupBy(['o.phase', 'o.state', 'o.waiting_on_customer', 'o.csm_id', slackOwner, completed, target, launched])
    .execute();
  const groups = rows.map((r): PipelineGroup => {
    const stamp = Number(r.launched) === 1 ? LATER : EARLIER;
    return {
      csmId: r.csm_id,
      slackOwner: r.slack_owner,
      n: Number(r.n),
      facts: {
        phase: r.phase,
        state: r.state,
        waiting_on_customer: Number(r.waiting_on_customer),
        target_launch_date: [null, EARLIER, q.dates.today, LATER][Number(r.target)] ?? null,
        completed_at: Number(r.completed) === 1 ? stamp : null,
        phase_entered_at: stamp,
      },
    };
  });
  return new PipelineOverview(groups, q.dates);
}

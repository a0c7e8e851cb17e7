import { createHash } from 'node:crypto';
import { allSubscriptions } from '../subscriptions/service.js';
import type { HomeView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { PhaseSequence } from '../../domain/phases.js';
import { isFinished } from '../../domain/finished.js';
import { FOCUSES, listsFinished, pipelineDates } from '../../domain/pipeline-focus.js';
import { slackOwnerOf } from '../../domain/slack-owner.js';
import { pipelineOverview, type FocusCounts, type OwnerLoad, type PhaseTally } from '../../store/pipeline-summary.js';
import { loadPhaseSequence } from '../../store/phases.js';
import { listUserMappings, pivotalUserFor, slackUsersMappedTo } from '../../store/user-mappings.js';
import { getWorkspace } from '../../store/workspaces.js';
import { workspaceId, type WorkspaceRef } from '../../domain/workspace-ref.js';
import { getSyncState } from '../../store/sync-state.js';
import { webhookPathFor } from '../../webhooks/route.js';
import { markPublished } from '../../store/home-views.js';
import { getFilters } from './home-views-store.js';
import {
  phaseCounts,
  pipelinePage,
  statesInUse,
  type PipelineFilter,
  type PipelinePageRow,
} from '../../store/pipeline-page.js';
import {
  homeView,
  PAGE_ROWS,
  VOLATILE_BLOCK_PREFIX,
  type HomeData,
  type HomeRow,
  type PhaseCount,
  type WorkloadLine,
} from './views.js';

/**
 * Builds a person's Home from the store alone: no call to Pivotal, so it opens at once however slow
 * or rate-limited Pivotal is. Slack is asked only who is an admin (cached).
 */
export async function buildHome(
  ctx: AppContext,
  client: WebClient,
  workspace: WorkspaceRef,
  userId: string,
): Promise<HomeView> {
  return homeView(await loadHomeData(ctx, client, workspace, userId));
}

const STATES_ALWAYS_OFFERED = ['active', 'paused', 'at_risk', 'waiting'];

export async function loadHomeData(
  ctx: AppContext,
  client: WebClient,
  workspace: WorkspaceRef,
  userId: string,
): Promise<HomeData> {
  const ws = workspaceId(workspace);
  const db = ctx.store.db;
  const dialect = ctx.store.dialect;
  const [connection, admin] = await Promise.all([
    ctx.pivotal.forWorkspace(workspace),
    ctx.permissions.isAdmin(client, ws, userId),
  ]);
  if (!connection)
    return { kind: 'not_connected', admin, admins: admin ? [] : await ctx.permissions.admins(client, ws) };

  const now = ctx.now();
  const dates = pipelineDates(now);
  const [row, state, filters, sequence, myPivotalId, states, overview] = await Promise.all([
    getWorkspace(db, ws),
    getSyncState(db, ws),
    getFilters(db, ws, userId),
    loadPhaseSequence(db, ws),
    pivotalUserFor(db, ws, userId),
    statesInUse(db, ws),
    pipelineOverview(db, { workspaceId: ws, dialect, dates }),
  ]);
  const me = { slackUserId: userId, pivotalUserIds: myPivotalId ? [myPivotalId] : [] };
  // Someone who owns open onboardings sees theirs until they pick; everyone else sees the whole pipeline.
  const ownsSome = overview.owns(me);
  const mine = (filters.whose ?? (ownsSome ? 'mine' : 'everyone')) === 'mine';
  const filter: PipelineFilter = {
    workspaceId: ws,
    dialect,
    dates,
    owner: mine ? me : null,
    focus: filters.focus,
    state: filters.state,
    phase: filters.phase,
    includeFinished: listsFinished({ ...filters, state: filters.state?.slice('state:'.length) ?? null }),
  };
  // Admins and managers (people who own no open onboarding) see who carries what.
  const showWorkload = admin || !ownsSome;
  const all = overview.tally(null);
  const scoped = mine ? overview.tally(me) : all;
  const loads = showWorkload ? overview.workload() : null;
  // The tally answers every filter but the state one, which needs its own count.
  const counts = filter.state
    ? await phaseCounts(db, filter)
    : new Map(
        [...scoped].map(([phase, t]) => [
          phase,
          filter.focus ? t.focus[filter.focus] : filter.includeFinished ? t.total : t.open,
        ]),
      );
  const everything = new Map([...all].map(([phase, t]) => [phase, t.total]));
  const phases = boardPhases(sequence, counts, everything);
  const total = filters.phase === null ? phases.reduce((n, p) => n + p.count, 0) : (counts.get(filters.phase) ?? 0);
  // A page past the end (the data shrank since the person paged) shows the last page instead.
  const offset = total === 0 ? 0 : Math.min(filters.offset, Math.floor((total - 1) / PAGE_ROWS) * PAGE_ROWS);
  const page = await pipelinePage(
    db,
    filter,
    phases.map((p) => p.key),
    offset,
    PAGE_ROWS,
  );
  const owners = await slackUsersMappedTo(db, ws, [
    ...page.flatMap((r) => (r.csm_id ? [r.csm_id] : [])),
    ...(loads ?? []).flatMap((l) => (l.csmId ? [l.csmId] : [])),
  ]);
  const workspaceTotal = [...everything.values()].reduce((n, c) => n + c, 0);

  return {
    kind: 'connected',
    now,
    today: dates.today,
    connection: {
      mode: connection.mode,
      keyPrefix: connection.keyPrefix,
      orgName: row?.pivotal_org_name ?? row?.pivotal_org_slug ?? state?.org_name ?? null,
    },
    attention: row ?? null,
    sync: {
      started: Boolean(state?.last_sync_at || state?.walk_kind || state?.last_full_walk_at),
      lastSyncAt: state?.last_sync_at ?? null,
      lastFullWalkAt: state?.last_full_walk_at ?? null,
      lagMs: state?.lag_ms ?? null,
      lastError: state?.last_error ?? null,
      lastErrorAt: state?.last_error_at ?? null,
      webhookConfigured: Boolean(state?.webhook_secret_ciphertext),
      webhookLastSeenAt: state?.webhook_last_seen_at ?? null,
      onboardingsKnown: workspaceTotal,
    },
    filters: { ...filters, offset },
    mine,
    listsFinished: filter.includeFinished,
    summary: summaryOf(scoped),
    workload: loads && workload(loads, owners),
    phases,
    states: [...new Set([...STATES_ALWAYS_OFFERED, ...states])],
    total,
    workspaceTotal,
    rows: page.map((r) => homeRow(r, sequence, owners)),
    viewerMapped: Boolean(myPivotalId),
    settings: admin
      ? {
          notifyChannel: row?.notify_channel ?? ctx.config.notifyChannel ?? null,
          phaseNames: sequence.active.map((p) => p.name),
          mappings: (await listUserMappings(db, ws)).length,
          webhookPath: webhookPathFor(ws),
          subscriptions: await allSubscriptions(ctx, ws),
        }
      : null,
  };
}

function summaryOf(tally: Map<string, PhaseTally>): { counts: FocusCounts; finished: number } {
  const counts = Object.fromEntries(
    FOCUSES.map((f) => [f, [...tally.values()].reduce((n, t) => n + t.focus[f], 0)]),
  ) as FocusCounts;
  return { counts, finished: [...tally.values()].reduce((n, t) => n + t.total - t.open, 0) };
}

/**
 * Who an onboarding belongs to, as Home names them: the Slack people mapped to its Pivotal user, else
 * the Slack owner the app recorded; the Pivotal user id stays for when neither is known.
 */
function ownerOf(
  csmId: string | null,
  slackOwner: string | null,
  owners: Map<string, string[]>,
): Pick<HomeRow, 'ownerSlackIds' | 'ownerPivotalId'> {
  const mapped = csmId ? (owners.get(csmId) ?? []) : [];
  return { ownerSlackIds: mapped.length === 0 && slackOwner ? [slackOwner] : mapped, ownerPivotalId: csmId };
}

/** One line per owner as Home names them, most open onboardings first. */
function workload(loads: OwnerLoad[], owners: Map<string, string[]>): WorkloadLine[] {
  const lines = new Map<string, WorkloadLine>();
  for (const load of loads) {
    const owner = ownerOf(load.csmId, load.slackOwner, owners);
    const key = owner.ownerSlackIds.length ? owner.ownerSlackIds.join(' ') : `pivotal:${owner.ownerPivotalId ?? ''}`;
    const line = lines.get(key) ?? { ...owner, open: 0, overdue: 0 };
    line.open += load.open;
    line.overdue += load.overdue;
    lines.set(key, line);
  }
  return [...lines.values()].sort((a, b) => b.open - a.open || b.overdue - a.overdue);
}

/**
 * The board's columns: the workspace's active phases in order (even when empty), then archived and
 * unknown phases that still hold onboardings, so every onboarding is counted somewhere.
 */
function boardPhases(
  sequence: PhaseSequence,
  counts: Map<string, number>,
  everything: Map<string, number>,
): PhaseCount[] {
  const listed = new Set<string>();
  const out: PhaseCount[] = [];
  const add = (key: string) => {
    if (listed.has(key)) return;
    listed.add(key);
    out.push({ key, name: sequence.name(key), count: counts.get(key) ?? 0 });
  };
  for (const p of sequence.active) add(p.key);
  for (const p of sequence.all) if (everything.has(p.key)) add(p.key);
  for (const key of [...everything.keys()].sort()) add(key);
  return out;
}

function homeRow(r: PipelinePageRow, sequence: PhaseSequence, owners: Map<string, string[]>): HomeRow {
  return {
    id: r.id,
    displayId: r.display_id,
    name: r.name,
    customerId: r.customer_id,
    customerDisplayId: r.customer_display_id,
    customerName: r.customer_name,
    phase: r.phase,
    phaseName: sequence.name(r.phase),
    state: r.state,
    waiting: r.waiting_on_customer === 1,
    target: r.target_launch_date,
    finished: isFinished(r),
    ...ownerOf(r.csm_id, slackOwnerOf(r), owners),
    phaseEnteredAt: r.phase_entered_at,
  };
}

/** What identifies a view's content, leaving out the lines that only move with the clock. */
export function viewHash(view: HomeView): string {
  const stable = view.blocks.filter((b) => !(b.block_id ?? '').startsWith(VOLATILE_BLOCK_PREFIX));
  return createHash('sha256').update(JSON.stringify(stable)).digest('base64url');
}

/** Renders and publishes a person's Home. */
export async function publishHome(
  ctx: AppContext,
  client: WebClient,
  workspace: WorkspaceRef,
  userId: string,
): Promise<void> {
  await publishView(ctx, client, workspace, userId, await buildHome(ctx, client, workspace, userId));
}

export async function publishView(
  ctx: AppContext,
  client: WebClient,
  workspace: WorkspaceRef,
  userId: string,
  view: HomeView,
): Promise<void> {
  await client.views.publish({ user_id: userId, view });
  await markPublished(ctx.store.db, workspaceId(workspace), userId, viewHash(view), ctx.now());
}

import type { AppContext } from '../../context.js';
import type { PhaseSequence } from '../../domain/phases.js';
import { ownerOf } from '../../notifications/change-facts.js';
import { isFinished } from '../../domain/finished.js';
import { describeTarget, phaseName, safeText } from '../../notifications/describe.js';
import { stateName } from '../../domain/states.js';
import { recordActivity } from '../../notifications/activity.js';
import { routeFor } from '../../notifications/routing.js';
import { PivotalError, PivotalNotFoundError, type Onboarding, type OnboardingPatch } from '../../pivotal/index.js';
import { loadPhaseSequence } from '../../store/phases.js';
import {
  findCustomers,
  findOnboarding,
  getCustomerRow,
  getOnboardingRow,
  onboardingsOfCustomer,
  openOnboardings,
  upsertCustomer,
  upsertOnboarding,
} from '../../store/read-model.js';
import { applyOnboardings } from '../../sync/apply.js';
import { truncate } from '../../views/text.js';
import type { PivotalConnection } from '../../workspace/pivotal-gateway.js';
import { explainToPerson } from '../shared/explain-to-person.js';
import type { Session } from '../shared/session.js';
import type { Actor } from '../shared/actor.js';
import {
  checkMove,
  moveEvents,
  type MoveCheck,
  type MoveInput,
  type MovePlan,
  type ShownOnboarding,
} from './move-rules.js';
import { withOnboardingLock } from './onboarding-lock.js';
import { snapshotCard, type MovedResult, type MoveForm, type MoveSnapshot, type PickCandidate } from './move-views.js';
import { recordTransitions } from './transitions-store.js';
import { customerRecord, onboardingRecord } from '../../sync/projection.js';

/** What the move modal shows next. */
export type MoveScreen =
  | { kind: 'message'; text: string }
  | { kind: 'pick'; candidates: PickCandidate[]; reference: string }
  | { kind: 'form'; form: MoveForm }
  | { kind: 'moved'; result: MovedResult };

export type MoveTarget = { reference: string } | { onboardingId: string };

export const NOT_CONNECTED =
  ':electric_plug: This workspace is not connected to Pivotal yet. A workspace admin must run `/pivotal connect` first; then try again.';
/** A static menu holds at most 100 options; older ones are reached with `/pivotal move <customer>`. */
const PICK_LIMIT = 100;
const GONE = 'That onboarding no longer exists in Pivotal (it may have been deleted).';

/** `/pivotal move <reference>`, a "Move phase" button: find the onboarding and show it as Pivotal has it now. */
export async function openMove(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  target: MoveTarget,
): Promise<MoveScreen> {
  if (!session.connection) return { kind: 'message', text: NOT_CONNECTED };
  if ('onboardingId' in target && !target.onboardingId) return { kind: 'message', text: GONE };
  try {
    if ('onboardingId' in target)
      return await formFor(ctx, session, actor, await session.connection.client.getOnboarding(target.onboardingId));
    const candidates = await findCandidates(ctx, session, target.reference);
    if (candidates.length === 0) {
      return {
        kind: 'message',
        text: `No customer or onboarding matches *${safeText(target.reference, 100)}*. Try the customer's name, its number (\`#245\`) or an onboarding's number; a record made in Pivotal moments ago shows up after the next sync.`,
      };
    }
    if (candidates.length > 1) return { kind: 'pick', candidates, reference: target.reference };
    return await formFor(
      ctx,
      session,
      actor,
      await session.connection.client.getOnboarding(candidates[0]!.onboardingId),
    );
  } catch (err) {
    return await failure(ctx, session, actor, err);
  }
}

/** The newest open onboardings from the read model, for a picker (this one's, and "Add to onboarding"'s). */
export async function openOnboardingCandidates(ctx: AppContext, session: Session): Promise<PickCandidate[]> {
  const phases = await loadPhaseSequence(ctx.store.db, session.workspaceId);
  const rows = await openOnboardings(ctx.store.db, session.workspaceId, PICK_LIMIT);
  return rows.map((o) => ({
    onboardingId: o.id,
    displayId: o.display_id,
    name: o.name,
    customerName: o.customer_name,
    phaseName: phases.name(o.phase),
    state: o.state,
  }));
}

export const NO_OPEN_ONBOARDING =
  'There is no open onboarding yet. One made in Pivotal moments ago shows up after the next sync.';

/** The "Move an onboarding" shortcut names nothing: the newest open onboardings, to pick one. */
export async function pickAnyOnboarding(ctx: AppContext, session: Session): Promise<MoveScreen> {
  if (!session.connection) return { kind: 'message', text: NOT_CONNECTED };
  const candidates = await openOnboardingCandidates(ctx, session);
  if (candidates.length === 0) return { kind: 'message', text: NO_OPEN_ONBOARDING };
  return { kind: 'pick', candidates, reference: '' };
}

/** A Pivotal failure is explained in the modal; anything else is a bug for the global error path. */
async function failure(ctx: AppContext, session: Session, actor: Actor, err: unknown): Promise<MoveScreen> {
  if (!(err instanceof PivotalError)) throw err;
  if (err instanceof PivotalNotFoundError) return { kind: 'message', text: GONE };
  ctx.logger.warn({ err }, 'move: a Pivotal call failed');
  return { kind: 'message', text: `:warning: ${await explainToPerson(ctx, actor.slack, session.workspaceId, err)}` };
}

const looksLikeId = (ref: string) => /^#?\d{1,12}$/.test(ref) || /^[A-Za-z0-9_]{16,}$/.test(ref);

async function ifExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof PivotalNotFoundError) return undefined;
    throw err;
  }
}

/**
 * The onboardings a reference may mean: an onboarding by id or number, and the open onboardings of
 * the customers it names (all of them when none is open, so a finished one can still be reopened).
 * The read model answers first; an id or number it does not know is asked of Pivotal.
 */
async function findCandidates(ctx: AppContext, session: Session, reference: string): Promise<PickCandidate[]> {
  const db = ctx.store.db;
  const ws = session.workspaceId;
  const ref = reference.trim();
  const phases = await loadPhaseSequence(db, ws);
  const found = new Map<string, PickCandidate>();
  const add = (
    o: { id: string; display_id: number; name?: string | null; phase: string; state: string },
    customerName: string | null,
  ) =>
    found.set(o.id, {
      onboardingId: o.id,
      displayId: o.display_id,
      name: o.name ?? null,
      customerName,
      phaseName: phases.name(o.phase),
      state: o.state,
    });
  const openFirst = <T extends { completed_at?: string | null; phase: string; state: string }>(all: T[]) => {
    const open = all.filter((o) => !isFinished(o));
    return open.length > 0 ? open : all;
  };

  const direct = await findOnboarding(db, ws, ref);
  if (direct) add(direct, (await getCustomerRow(db, ws, direct.customer_id))?.name ?? null);
  for (const customer of await findCustomers(db, ws, ref)) {
    for (const o of openFirst(await onboardingsOfCustomer(db, ws, customer.id))) add(o, customer.name);
  }
  if (found.size > 0 || !looksLikeId(ref) || !session.connection) return [...found.values()];

  const client = session.connection.client;
  const onboarding = await ifExists(() => client.getOnboarding(ref));
  if (onboarding) add(onboarding, (await getCustomerRow(db, ws, onboarding.customer_id))?.name ?? null);
  const customer = await ifExists(() => client.getCustomer(ref));
  if (customer) {
    const page = await client.listCustomerOnboardings(customer.id, { limit: 100 });
    for (const o of openFirst(page.data)) add(o, customer.name);
  }
  return [...found.values()];
}

/** The modal form for an onboarding as Pivotal has it now. */
async function formFor(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  fresh: Onboarding,
  extra: Pick<MoveForm, 'notice' | 'entered'> = {},
): Promise<MoveScreen> {
  const db = ctx.store.db;
  const ws = session.workspaceId;
  let customer = await getCustomerRow(db, ws, fresh.customer_id);
  if (!customer && session.connection) {
    // Customers carry no channel news, so filling the read model here cannot hide a change from the sync.
    await upsertCustomer(
      db,
      ws,
      customerRecord(await session.connection.client.getCustomer(fresh.customer_id)),
      ctx.now().toISOString(),
    );
    customer = await getCustomerRow(db, ws, fresh.customer_id);
  }
  const snapshot: MoveSnapshot = {
    shown: {
      id: fresh.id,
      customerId: fresh.customer_id,
      phase: fresh.phase,
      state: fresh.state,
      target: fresh.target_launch_date ?? null,
      updatedAt: fresh.updated_at ?? null,
    },
    displayId: fresh.display_id,
    name: fresh.name ? truncate(fresh.name, 150) : null,
    finished: isFinished(fresh),
    customer: customer
      ? {
          displayId: customer.display_id,
          name: truncate(customer.name, 150),
          slug: customer.slug ? truncate(customer.slug, 100) : null,
        }
      : null,
    owner: await ownerOf(db, ws, {
      csm_id: fresh.csm_id ?? null,
      metadata: fresh.metadata ? JSON.stringify(fresh.metadata) : null,
      slack_owner_id: (await getOnboardingRow(db, ws, fresh.id))?.slack_owner_id ?? null,
    }),
  };
  return { kind: 'form', form: await formFromSnapshot(ctx, session, actor, snapshot, extra) };
}

async function formFromSnapshot(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  snapshot: MoveSnapshot,
  extra: Pick<MoveForm, 'notice' | 'entered'>,
): Promise<MoveForm> {
  return {
    snapshot,
    phases: await loadPhaseSequence(ctx.store.db, session.workspaceId),
    isAdmin: await ctx.permissions.isAdmin(actor.slack, session.workspaceId, actor.userId),
    mode: session.mode,
    today: ctx.now(),
    ...extra,
  };
}

/** Checked before the submission is acked, so a bad input is answered next to its field. */
export async function checkSubmission(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  snapshot: MoveSnapshot,
  input: MoveInput,
): Promise<MoveCheck> {
  const phases = await loadPhaseSequence(ctx.store.db, session.workspaceId);
  return checkMove(snapshot.shown, input, phases, {
    isAdmin: await ctx.permissions.isAdmin(actor.slack, session.workspaceId, actor.userId),
  });
}

function differs(shown: ShownOnboarding, fresh: Onboarding): boolean {
  return (
    shown.phase !== fresh.phase || shown.state !== fresh.state || shown.target !== (fresh.target_launch_date ?? null)
  );
}

function staleNotice(shown: ShownOnboarding, fresh: Onboarding, phases: PhaseSequence, today: Date): string {
  const changes: string[] = [];
  if (shown.phase !== fresh.phase)
    changes.push(`phase *${phaseName(phases, shown.phase)}* → *${phaseName(phases, fresh.phase)}*`);
  if (shown.state !== fresh.state)
    changes.push(`state *${safeText(stateName(shown.state), 80)}* → *${safeText(stateName(fresh.state), 80)}*`);
  const target = fresh.target_launch_date ?? null;
  if (shown.target !== target)
    changes.push(
      `target launch *${describeTarget(shown.target, today, true)}* → *${describeTarget(target, today, true)}*`,
    );
  return `:warning: This onboarding was changed in Pivotal after you opened this (${changes.join(', ')}), so nothing was saved. Here it is as it is now; make your change again if it still applies.`;
}

export interface SaveRequest {
  snapshot: MoveSnapshot;
  plan: MovePlan;
  entered: MoveInput;
  /** Names the submission in the activity log when Pivotal reports no updated_at. */
  interaction: string;
}

/**
 * Saves a checked move. Moves of one onboarding take turns (a lock shared by every replica), and
 * each re-reads the onboarding once it has its turn: one that moved since the modal opened, in
 * Pivotal or by another person's move a moment earlier, is not overwritten but shown fresh. Then it
 * PATCHes and writes the read model, the audit rows and the channel events in one transaction.
 */
export async function saveMove(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  request: SaveRequest,
): Promise<MoveScreen> {
  const connection = session.connection;
  if (!connection) return { kind: 'message', text: NOT_CONNECTED };
  const locked = await withOnboardingLock(ctx, session.workspaceId, request.snapshot.shown.id, () =>
    saveInTurn(ctx, session, connection, actor, request),
  );
  if (locked.ok) return locked.value;
  return {
    kind: 'form',
    form: await formFromSnapshot(ctx, session, actor, request.snapshot, { notice: BUSY, entered: request.entered }),
  };
}

const BUSY =
  ':hourglass: Someone else is saving a change to this onboarding right now, so nothing was saved. Try again in a moment.';

async function saveInTurn(
  ctx: AppContext,
  session: Session,
  connection: PivotalConnection,
  actor: Actor,
  request: SaveRequest,
): Promise<MoveScreen> {
  const { snapshot, plan, entered } = request;
  const ws = session.workspaceId;
  const phases = await loadPhaseSequence(ctx.store.db, ws);
  let fresh: Onboarding;
  try {
    fresh = await connection.client.getOnboarding(snapshot.shown.id);
  } catch (err) {
    return retryableFailure(ctx, session, actor, snapshot, entered, err);
  }
  if (differs(snapshot.shown, fresh)) {
    await catchUp(ctx, ws, fresh);
    return formFor(ctx, session, actor, fresh, {
      notice: staleNotice(snapshot.shown, fresh, phases, ctx.now()),
      entered: { text: entered.text },
    });
  }

  const patch: OnboardingPatch = {
    ...(plan.phase ? { phase: plan.phase.to } : {}),
    ...(plan.state ? { state: plan.state.to } : {}),
    ...(plan.target ? { target_launch_date: plan.target.to } : {}),
  };
  let updated: Onboarding;
  try {
    updated = await connection.client.updateOnboarding(snapshot.shown.id, patch);
  } catch (err) {
    return retryableFailure(ctx, session, actor, snapshot, entered, err);
  }

  const events = moveEvents(plan, updated.id, actor.userId);
  const now = ctx.now().toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    // A change made in Pivotal before this modal opened, which the sync has not read yet, is announced first.
    await applyOnboardings(trx, [fresh], {
      workspaceId: ws,
      dialect: ctx.store.dialect,
      now: ctx.now(),
      announce: true,
      announceNew: false,
    });
    await upsertOnboarding(trx, ws, onboardingRecord(updated), now);
    await recordTransitions(trx, ws, events, actor.userId, now);
    // The occurrence is the one the sync uses (the record's updated_at): should it read this very
    // change back before this transaction commits, the change is still announced once.
    const occurrence = updated.updated_at ?? request.interaction;
    for (const event of events) await recordActivity(trx, ws, event, occurrence, now);
  });
  ctx.outbox.nudge();

  const customer = await getCustomerRow(ctx.store.db, ws, updated.customer_id);
  const route = await routeFor(ctx, ws, customer?.slack_channel_id);
  const after: MoveSnapshot = {
    ...snapshot,
    shown: {
      ...snapshot.shown,
      phase: updated.phase,
      state: updated.state,
      target: updated.target_launch_date ?? null,
      updatedAt: updated.updated_at ?? null,
    },
    finished: isFinished(updated),
  };
  return {
    kind: 'moved',
    result: { card: snapshotCard(after, phases, session.mode, ctx.now()), events, channelId: route?.channelId ?? null },
  };
}

async function catchUp(ctx: AppContext, ws: string, fresh: Onboarding): Promise<void> {
  await ctx.store.db.transaction().execute((trx) =>
    applyOnboardings(trx, [fresh], {
      workspaceId: ws,
      dialect: ctx.store.dialect,
      now: ctx.now(),
      announce: true,
      announceNew: false,
    }),
  );
  ctx.outbox.nudge();
}

/** Pivotal could not save: the form comes back as it was, with what went wrong and everything entered. */
async function retryableFailure(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  snapshot: MoveSnapshot,
  entered: MoveInput,
  err: unknown,
): Promise<MoveScreen> {
  if (!(err instanceof PivotalError)) throw err;
  if (err instanceof PivotalNotFoundError) return { kind: 'message', text: GONE };
  ctx.logger.warn({ err }, 'move: saving in Pivotal failed');
  const notice = `:warning: Nothing was saved. ${await explainToPerson(ctx, actor.slack, session.workspaceId, err)}`;
  return { kind: 'form', form: await formFromSnapshot(ctx, session, actor, snapshot, { notice, entered }) };
}

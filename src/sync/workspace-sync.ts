import type { Logger } from 'pino';
import {
  PivotalNotFoundError,
  PivotalProtocolError,
  type Customer,
  type Onboarding,
  type Page,
} from '../pivotal/index.js';
import type { Store } from '../store/database.js';
import { markCustomerDeleted, markOnboardingDeleted, setPrimaryContact } from '../store/read-model.js';
import type { SyncStateRow, WalkKind } from '../store/schema-sync.js';
import type { PivotalConnection } from '../workspace/pivotal-gateway.js';
import { markAllDeleted, unseenSince } from '../store/read-model-walks.js';
import { applyCustomers, applyOnboardings } from './apply.js';
import type { SyncOptions } from './options.js';
import { waitForSyncTurn, type WaitOutside } from './pacing.js';
import {
  customersAwaitingContacts,
  ensureSyncState,
  getSyncState,
  markContactsRead,
  restartedSync,
  updateSyncState,
} from '../store/sync-state.js';
import { contactRecord } from './projection.js';
import { giveWay } from '../shared/give-way.js';

/**
 * One sync cycle of one workspace. The documented API has no `updated_since` and lists only newest
 * first by created_at, with a created_at cursor, so a cycle:
 *  1. continues the full walk of both lists, up to `maxPagesPerCycle` pages, resumable across cycles
 *     and restarts: edits of existing onboardings are found by re-reading them. Each page starts at
 *     the last created_at of the one before (see nextPageCursor), so records sharing a created_at at a
 *     page edge are all read. What a complete walk did not see is asked for by id (settleUnseen): only
 *     Pivotal's 404 marks it deleted. One unfiltered walk of GET /onboardings (100 a page) is the
 *     fewest requests that sees every edit: per-id reads cost one request per onboarding, and the
 *     state/phase filters need a walk per value yet still miss moves into completed or unknown states;
 *  2. for a list whose first page the walk did not read this time (a long walk in progress), walks
 *     its head down to the newest created_at already known: new records, usually one request. A small
 *     workspace thus costs two requests a cycle;
 *  3. once a full walk is complete, reads the contacts of a few customers whose primary contact is
 *     unknown (the customer list does not carry it).
 * Only onboardings created at or after the newest one known are announced as opened (all of them once
 * the first walk found none). Every request first waits for its turn in the key's bucket (pacing.ts).
 */
export interface CycleInput {
  store: Store;
  logger: Logger;
  now: () => Date;
  workspace: { id: string; pivotal_org_id: string | null; pivotal_org_name: string | null };
  connection: PivotalConnection;
  options: SyncOptions;
  signal: AbortSignal;
  /** Confirms this replica still holds the workspace's lease; false stops the cycle. */
  stillHolder: () => Promise<boolean>;
  /** How a wait for the key's bucket is spent (the worker lets another workspace's cycle run meanwhile). */
  waitOutside?: WaitOutside;
}

export interface CycleResult {
  requests: number;
  changed: number;
  announced: number;
  /** A full walk reached the end of both lists in this cycle. */
  walkComplete: boolean;
  /** The full walk still has pages to go. */
  walkPending: boolean;
  stopped: boolean;
}

class Stopped extends Error {}

export async function runSyncCycle(input: CycleInput): Promise<CycleResult> {
  const { store, connection, options, signal } = input;
  const db = store.db;
  const ws = input.workspace.id;
  const result: CycleResult = {
    requests: 0,
    changed: 0,
    announced: 0,
    walkComplete: false,
    walkPending: false,
    stopped: false,
  };

  const request = async <T>(call: () => Promise<T>): Promise<T> => {
    if (signal.aborted || !(await input.stillHolder())) throw new Stopped();
    await waitForSyncTurn(
      () => connection.client.rateLimit(),
      options.budgetShare,
      signal,
      Date.now,
      input.waitOutside,
    );
    if (signal.aborted) throw new Stopped();
    result.requests++;
    return call();
  };
  const list = (kind: WalkKind, cursor: string | null): Promise<Page<Customer> | Page<Onboarding>> =>
    request<Page<Customer> | Page<Onboarding>>(() => {
      const q = { limit: options.pageSize, ...(cursor ? { cursor } : {}) };
      return kind === 'customers' ? connection.client.listCustomers(q) : connection.client.listOnboardings(q);
    });

  try {
    let state = await ensureSyncState(db, ws, input.now());
    state = await settleOrg(input, state, request);
    const announce = state.last_full_walk_at !== null;

    const known = { customers: state.customers_cursor, onboardings: state.onboardings_cursor };
    const topRead = await fullWalk(input, state, announce, known, list, request, result);
    // A list whose first page the walk just read needs no separate look at its head.
    for (const kind of ['customers', 'onboardings'] as const) {
      const cursor = known[kind];
      if (cursor && !topRead.has(kind)) await headWalk(input, kind, cursor, announce, list, result);
    }
    if (result.walkComplete) await readSomeContacts(input, request);
  } catch (err) {
    if (!(err instanceof Stopped)) throw err;
    result.stopped = true;
  }
  return result;
}

type Request = <T>(call: () => Promise<T>) => Promise<T>;
type Cursors = Record<WalkKind, string | null>;
type List = (kind: WalkKind, cursor: string | null) => Promise<Page<Customer> | Page<Onboarding>>;

/** The read model belongs to one Pivotal org; a key of another org starts it afresh, silently. */
async function settleOrg(input: CycleInput, state: SyncStateRow, request: Request): Promise<SyncStateRow> {
  const db = input.store.db;
  const ws = input.workspace.id;
  let org: { id: string; name: string | null };
  if (input.workspace.pivotal_org_id)
    org = { id: input.workspace.pivotal_org_id, name: input.workspace.pivotal_org_name };
  else if (state.org_id) return state;
  else {
    // PIVOTAL_API_KEY of a single-workspace install: /me once tells which org it reads.
    const me = await request(() => input.connection.client.me());
    // An identity without an org id still names one org per key: the key prefix stands in.
    // The documented /me names the org by slug alone; a name is only there in the nested shape.
    org = {
      id: me.organization?.id ?? `key:${input.connection.keyPrefix}`,
      name: me.organization?.name ?? me.organization?.slug ?? null,
    };
  }
  if (state.org_id === org.id && state.org_name === org.name) return state;
  if (state.org_id && state.org_id !== org.id) {
    input.logger.info({ workspace: ws }, 'the workspace now reads another Pivotal org: filling the read model again');
    await db.transaction().execute(async (trx) => {
      await markAllDeleted(trx, ws);
      await updateSyncState(trx, ws, restartedSync(org), input.now());
    });
  } else {
    await updateSyncState(db, ws, { org_id: org.id, org_name: org.name }, input.now());
  }
  return (await getSyncState(db, ws))!;
}

function createdMs(record: { created_at?: string | undefined }): number {
  return record.created_at ? Date.parse(record.created_at) : Number.NaN;
}

function newestCreatedAt(
  records: ReadonlyArray<{ created_at?: string | undefined }>,
  current: string | null,
): string | null {
  let newest = current;
  for (const r of records) {
    if (r.created_at && (newest === null || Date.parse(r.created_at) > Date.parse(newest))) newest = r.created_at;
  }
  return newest;
}

/**
 * Where the page after `page` (read with `cursor`) starts, or null at the end of the list. The cursor
 * is a created_at and the list answers rows strictly older than it, so Pivotal's own next cursor (the
 * last row's created_at) would skip the rows that share that created_at but did not fit on the page.
 * Starting 1 ms later reads them; the rows of that instant already read come again, which is harmless.
 * Only a page whose rows all fall in that last millisecond cannot be got past this way: then Pivotal's
 * cursor is the only way on (`crowded`), and what else shares that instant is out of a walk's reach.
 */
export function nextPageCursor(
  page: Page<{ created_at?: string | undefined }>,
  cursor: string | null,
): { next: string | null; crowded: boolean } {
  if (!page.has_more || !page.next_cursor) return { next: null, crowded: false };
  const edgeMs = Math.floor(createdMs(page.data.at(-1) ?? {}));
  const bound = cursor === null ? Number.POSITIVE_INFINITY : Date.parse(cursor);
  if (Number.isFinite(edgeMs) && edgeMs + 1 < bound)
    return { next: new Date(edgeMs + 1).toISOString(), crowded: false };
  if (page.next_cursor === cursor)
    throw new PivotalProtocolError(200, `pagination did not advance past cursor ${cursor}`);
  return { next: page.next_cursor, crowded: true };
}

function warnCrowded(input: CycleInput, kind: WalkKind, page: Page<{ created_at?: string | undefined }>): void {
  input.logger.warn(
    { workspace: input.workspace.id, kind, createdAt: page.data.at(-1)?.created_at, pageSize: page.data.length },
    'a whole page of records shares one created_at: the list cannot be walked past it without skipping some of them',
  );
}

const cursorColumn = (kind: WalkKind) => (kind === 'customers' ? 'customers_cursor' : 'onboardings_cursor');

/**
 * New records: newest first down to the newest created_at already known. Records of that very instant
 * are read too (another one may have been made in it since), so a tie at the top loses nothing.
 */
async function headWalk(
  input: CycleInput,
  kind: WalkKind,
  known: string,
  announce: boolean,
  list: List,
  result: CycleResult,
): Promise<void> {
  const knownMs = Date.parse(known);
  let cursor: string | null = null;
  for (;;) {
    const page = await list(kind, cursor);
    // A record without created_at cannot be placed against the cursor: applying it again is harmless.
    const fresh = page.data.filter((r) => !(createdMs(r) < knownMs));
    await applyPage(input, kind, fresh, { announce, knownUntil: known }, result, async (trx) => {
      const newest = newestCreatedAt(fresh, known);
      if (newest !== known)
        await updateSyncState(trx, input.workspace.id, { [cursorColumn(kind)]: newest }, input.now());
    });
    if (fresh.length < page.data.length) return;
    const { next, crowded } = nextPageCursor(page, cursor);
    if (crowded) warnCrowded(input, kind, page);
    if (next === null) return;
    cursor = next;
  }
}

/** Returns the lists whose first page it read. */
async function fullWalk(
  input: CycleInput,
  state: SyncStateRow,
  announce: boolean,
  known: Cursors,
  list: List,
  request: Request,
  result: CycleResult,
): Promise<Set<WalkKind>> {
  const topRead = new Set<WalkKind>();
  const ws = input.workspace.id;
  let kind: WalkKind = state.walk_kind ?? 'customers';
  let cursor = state.walk_kind ? state.walk_cursor : null;
  const startedAt = state.walk_kind && state.walk_started_at ? state.walk_started_at : input.now().toISOString();
  if (!state.walk_kind)
    await updateSyncState(
      input.store.db,
      ws,
      { walk_kind: kind, walk_cursor: null, walk_started_at: startedAt },
      input.now(),
    );
  let headCursors = { customers: state.customers_cursor, onboardings: state.onboardings_cursor };
  let checksLeft = input.options.unseenChecksPerCycle;

  for (let pages = 0; pages < input.options.maxPagesPerCycle; pages++) {
    if (cursor === null) topRead.add(kind);
    const page = await list(kind, cursor);
    const { next, crowded } = nextPageCursor(page, cursor);
    if (crowded) warnCrowded(input, kind, page);
    await applyPage(input, kind, page.data, { announce, knownUntil: known[kind] }, result, async (trx) => {
      const newest = newestCreatedAt(page.data, headCursors[kind]);
      const changes: Parameters<typeof updateSyncState>[2] = {};
      if (newest !== headCursors[kind]) {
        changes[cursorColumn(kind)] = newest;
        headCursors = { ...headCursors, [kind]: newest };
      }
      // At the end of a list the walk stays on its last page until what it did not see is settled.
      if (next !== null) Object.assign(changes, { walk_kind: kind, walk_cursor: next });
      await updateSyncState(trx, ws, changes, input.now());
    });
    if (next !== null) {
      cursor = next;
      continue;
    }
    const settled = await settleUnseen(input, kind, startedAt, announce, checksLeft, request, result);
    checksLeft -= settled.checked;
    if (!settled.done) break;
    const now = input.now();
    if (kind === 'customers') {
      kind = 'onboardings';
      cursor = null;
      await updateSyncState(input.store.db, ws, { walk_kind: kind, walk_cursor: null }, now);
      continue;
    }
    result.walkComplete = true;
    await updateSyncState(
      input.store.db,
      ws,
      {
        last_full_walk_at: now.toISOString(),
        lag_ms: now.getTime() - Date.parse(startedAt),
        walk_kind: null,
        walk_cursor: null,
        walk_started_at: null,
      },
      now,
    );
    return topRead;
  }
  result.walkPending = true;
  return topRead;
}

/**
 * What a complete walk of `kind` did not see is asked for by id, at most `budget` records a cycle:
 * only Pivotal's 404 (or a deleted object) marks a record deleted, never a walk that missed it. An
 * onboarding whose customer Pivotal already answered 404 for is gone from the lists with it and is
 * marked without asking. `done` is false while records are left for the next cycle.
 */
async function settleUnseen(
  input: CycleInput,
  kind: WalkKind,
  walkStartedAt: string,
  announce: boolean,
  budget: number,
  request: Request,
  result: CycleResult,
): Promise<{ checked: number; done: boolean }> {
  const ws = input.workspace.id;
  const db = input.store.db;
  const handled = new Set<string>();
  let checked = 0;
  for (;;) {
    // Each settled row leaves the set (marked deleted, or read again after the walk began).
    const unseen = (await unseenSince(db, ws, kind, walkStartedAt, UNSEEN_BATCH)).filter((row) => !handled.has(row.id));
    if (unseen.length === 0) return { checked, done: true };
    for (const row of unseen) {
      handled.add(row.id);
      if (kind === 'onboardings' && row.customerDeleted) {
        await markOnboardingDeleted(db, ws, row.id);
        continue;
      }
      if (checked >= budget) return { checked, done: false };
      checked++;
      const record = await request<Customer | Onboarding>(() =>
        kind === 'customers'
          ? input.connection.client.getCustomer(row.id)
          : input.connection.client.getOnboarding(row.id),
      ).catch((err: unknown) => {
        // A 404, or a deleted object in its place (the client reads both as not found).
        if (err instanceof PivotalNotFoundError) return null;
        throw err;
      });
      await db.transaction().execute(async (trx) => {
        if (record) await apply(trx, input, kind, [record], { announce, knownUntil: null }, result);
        else if (kind === 'customers') await markCustomerDeleted(trx, ws, row.id);
        else await markOnboardingDeleted(trx, ws, row.id);
      });
    }
  }
}

const UNSEEN_BATCH = 100;

/**
 * Records applied in one transaction. better-sqlite3 runs synchronously and SQLite holds one
 * connection, so a page of 100 applied at once kept every request waiting for its whole length;
 * between chunks the event loop and the connection serve them.
 */
const APPLY_CHUNK = 20;

type Trx = Parameters<typeof applyOnboardings>[0];

/**
 * Applies a page chunk by chunk, each in its own transaction, and moves the walk's cursors
 * (`advance`) only in the transaction of the last chunk: a cycle that stops or dies between chunks
 * leaves the cursors on this page, so the next one reads it again. Applying a chunk again is
 * idempotent: a record already in the read model as read compares unchanged and announces nothing,
 * while each change and its announcement were committed together, so nothing is lost or doubled.
 * Between chunks the cycle gives way to requests and stops if the worker stops or lost the lease.
 */
async function applyPage(
  input: CycleInput,
  kind: WalkKind,
  records: ReadonlyArray<Customer | Onboarding>,
  flags: { announce: boolean; knownUntil: string | null },
  result: CycleResult,
  advance: (trx: Trx) => Promise<void>,
): Promise<void> {
  for (let start = 0; ; start += APPLY_CHUNK) {
    const last = start + APPLY_CHUNK >= records.length;
    await input.store.db.transaction().execute(async (trx) => {
      await apply(trx, input, kind, records.slice(start, start + APPLY_CHUNK), flags, result);
      if (last) await advance(trx);
    });
    if (last) return;
    await giveWay();
    if (input.signal.aborted || !(await input.stillHolder())) throw new Stopped();
  }
}

async function apply(
  db: Trx,
  input: CycleInput,
  kind: WalkKind,
  records: ReadonlyArray<Customer | Onboarding>,
  flags: { announce: boolean; knownUntil: string | null },
  result: CycleResult,
): Promise<void> {
  if (records.length === 0) return;
  const opts = {
    workspaceId: input.workspace.id,
    dialect: input.store.dialect,
    now: input.now(),
    announce: flags.announce,
  };
  if (kind === 'customers') {
    await applyCustomers(db, records as Customer[], opts);
    return;
  }
  // Onboardings created at or after the newest one known are news (one of that very instant the read
  // model lacks was made since); older ones a walk turns up for the first time (e.g. under a restored
  // customer) are filled in silently. With none known yet, an org that was empty when the first walk
  // completed, every onboarding is news.
  const knownMs = flags.knownUntil ? Date.parse(flags.knownUntil) : Number.NEGATIVE_INFINITY;
  const isNew = (r: Onboarding) => !(createdMs(r) < knownMs);
  for (const [part, announceNew] of [
    [records.filter((r) => isNew(r as Onboarding)), true],
    [records.filter((r) => !isNew(r as Onboarding)), false],
  ] as const) {
    const applied = await applyOnboardings(db, part as Onboarding[], { ...opts, announceNew });
    result.changed += applied.changed;
    result.announced += applied.announced;
  }
}

async function readSomeContacts(input: CycleInput, request: Request): Promise<void> {
  const ws = input.workspace.id;
  const customerIds = await customersAwaitingContacts(input.store.db, ws, input.options.contactsPerCycle);
  for (const customerId of customerIds) {
    let primary = null;
    try {
      const page = await request(() =>
        input.connection.client.listContacts(customerId, { limit: input.options.pageSize }),
      );
      primary = page.data.find((c) => c.is_primary) ?? null;
    } catch (err) {
      // A customer deleted since the walk: nothing to read, and nothing to ask again.
      if (!(err instanceof PivotalNotFoundError)) throw err;
    }
    await input.store.db.transaction().execute(async (trx) => {
      if (primary) await setPrimaryContact(trx, ws, customerId, contactRecord(primary));
      await markContactsRead(trx, ws, [customerId], input.now());
    });
  }
}

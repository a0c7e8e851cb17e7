import type { Logger } from 'pino';
import { PivotalNotFoundError, type Customer, type Onboarding, type Page } from '../pivotal/index.js';
import type { Store } from '../store/database.js';
import { setPrimaryContact } from '../store/read-model.js';
import type { SyncStateRow, WalkKind } from '../store/schema-sync.js';
import type { PivotalConnection } from '../workspace/pivotal-gateway.js';
import { applyCustomers, applyOnboardings, markAllDeleted, markUnseenDeleted } from './apply.js';
import type { SyncOptions } from './options.js';
import { waitForSyncTurn } from './pacing.js';
import { customersAwaitingContacts, ensureSyncState, getSyncState, markContactsRead, restartedSync, updateSyncState } from './sync-state.js';

/**
 * One sync cycle of one workspace. The documented API has no `updated_since` and lists only newest
 * first by created_at (pivotal-api.md §6, §12.2), so a cycle:
 *  1. continues the full walk of both lists, up to `maxPagesPerCycle` pages, resumable across cycles
 *     and restarts: edits of existing onboardings are found by re-reading them, and what a complete
 *     walk no longer sees was soft-deleted. One unfiltered walk of GET /onboardings (100 a page) is the
 *     fewest requests that sees every edit: per-id reads cost one request per onboarding, and the
 *     state/phase filters need a walk per value yet still miss moves into completed or unknown states;
 *  2. for a list whose first page the walk did not read this time (a long walk in progress), walks
 *     its head until the newest record already known (the created_at cursor): new records, usually
 *     one request. A small workspace thus costs two requests a cycle;
 *  3. once a full walk is complete, reads the contacts of a few customers whose primary contact is
 *     unknown (the customer list does not carry it).
 * Only onboardings created after the newest one known are announced as opened. Every request first
 * waits for its turn in the key's bucket (pacing.ts).
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
  const result: CycleResult = { requests: 0, changed: 0, announced: 0, walkComplete: false, walkPending: false, stopped: false };

  const request = async <T>(call: () => Promise<T>): Promise<T> => {
    if (signal.aborted || !(await input.stillHolder())) throw new Stopped();
    await waitForSyncTurn(() => connection.client.rateLimit(), options.budgetShare, signal);
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
    const topRead = await fullWalk(input, state, announce, known, list, result);
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
  if (input.workspace.pivotal_org_id) org = { id: input.workspace.pivotal_org_id, name: input.workspace.pivotal_org_name };
  else if (state.org_id) return state;
  else {
    // PIVOTAL_API_KEY of a single-workspace install: /me once tells which org it reads.
    const me = await request(() => input.connection.client.me());
    // An identity without an org id still names one org per key: the key prefix stands in.
    org = { id: me.organization?.id ?? `key:${input.connection.keyPrefix}`, name: me.organization?.name ?? null };
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

function newestCreatedAt(records: ReadonlyArray<{ created_at?: string | undefined }>, current: string | null): string | null {
  let newest = current;
  for (const r of records) {
    if (r.created_at && (newest === null || Date.parse(r.created_at) > Date.parse(newest))) newest = r.created_at;
  }
  return newest;
}

const cursorColumn = (kind: WalkKind) => (kind === 'customers' ? 'customers_cursor' : 'onboardings_cursor');

/** New records: newest first until the first one at or before the known cursor. */
async function headWalk(input: CycleInput, kind: WalkKind, known: string, announce: boolean, list: List, result: CycleResult): Promise<void> {
  const knownMs = Date.parse(known);
  const knownUntil = known;
  let cursor: string | null = null;
  for (;;) {
    const page = await list(kind, cursor);
    // A record without created_at cannot be placed against the cursor: applying it again is harmless.
    const fresh = page.data.filter((r) => !(createdMs(r) <= knownMs));
    await input.store.db.transaction().execute(async (trx) => {
      await apply(trx, input, kind, fresh, { announce, knownUntil }, result);
      const newest = newestCreatedAt(fresh, known);
      if (newest !== known) await updateSyncState(trx, input.workspace.id, { [cursorColumn(kind)]: newest }, input.now());
    });
    if (fresh.length < page.data.length || !page.has_more || !page.next_cursor) return;
    cursor = page.next_cursor;
  }
}

/** Returns the lists whose first page it read. */
async function fullWalk(input: CycleInput, state: SyncStateRow, announce: boolean, known: Cursors, list: List, result: CycleResult): Promise<Set<WalkKind>> {
  const topRead = new Set<WalkKind>();
  const ws = input.workspace.id;
  let kind: WalkKind = state.walk_kind ?? 'customers';
  let cursor = state.walk_kind ? state.walk_cursor : null;
  const startedAt = state.walk_kind && state.walk_started_at ? state.walk_started_at : input.now().toISOString();
  if (!state.walk_kind) await updateSyncState(input.store.db, ws, { walk_kind: kind, walk_cursor: null, walk_started_at: startedAt }, input.now());
  let headCursors = { customers: state.customers_cursor, onboardings: state.onboardings_cursor };

  for (let pages = 0; pages < input.options.maxPagesPerCycle; pages++) {
    if (cursor === null) topRead.add(kind);
    const page = await list(kind, cursor);
    await input.store.db.transaction().execute(async (trx) => {
      await apply(trx, input, kind, page.data, { announce, knownUntil: known[kind] }, result);
      const newest = newestCreatedAt(page.data, headCursors[kind]);
      const changes: Parameters<typeof updateSyncState>[2] = {};
      if (newest !== headCursors[kind]) {
        changes[cursorColumn(kind)] = newest;
        headCursors = { ...headCursors, [kind]: newest };
      }
      if (page.has_more && page.next_cursor) {
        cursor = page.next_cursor;
      } else {
        await markUnseenDeleted(trx, ws, kind, startedAt);
        if (kind === 'customers') {
          kind = 'onboardings';
          cursor = null;
        } else {
          const now = input.now();
          result.walkComplete = true;
          Object.assign(changes, { last_full_walk_at: now.toISOString(), lag_ms: now.getTime() - Date.parse(startedAt), walk_kind: null, walk_started_at: null });
          cursor = null;
        }
      }
      if (!result.walkComplete) Object.assign(changes, { walk_kind: kind, walk_cursor: cursor });
      else changes.walk_cursor = null;
      await updateSyncState(trx, ws, changes, input.now());
    });
    if (result.walkComplete) return topRead;
  }
  result.walkPending = true;
  return topRead;
}

async function apply(
  db: Parameters<typeof applyOnboardings>[0],
  input: CycleInput,
  kind: WalkKind,
  records: ReadonlyArray<Customer | Onboarding>,
  flags: { announce: boolean; knownUntil: string | null },
  result: CycleResult,
): Promise<void> {
  if (records.length === 0) return;
  const opts = { workspaceId: input.workspace.id, dialect: input.store.dialect, now: input.now(), announce: flags.announce };
  if (kind === 'customers') {
    await applyCustomers(db, records as Customer[], opts);
    return;
  }
  // Only onboardings created after the newest one known are news; older ones a walk turns up for the
  // first time (e.g. under a restored customer) are filled in silently.
  const knownMs = flags.knownUntil ? Date.parse(flags.knownUntil) : Number.POSITIVE_INFINITY;
  const isNew = (r: Onboarding) => !(createdMs(r) <= knownMs);
  for (const [part, announceNew] of [[records.filter((r) => isNew(r as Onboarding)), true], [records.filter((r) => !isNew(r as Onboarding)), false]] as const) {
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
      const page = await request(() => input.connection.client.listContacts(customerId, { limit: input.options.pageSize }));
      primary = page.data.find((c) => c.is_primary) ?? null;
    } catch (err) {
      // A customer deleted since the walk: nothing to read, and nothing to ask again.
      if (!(err instanceof PivotalNotFoundError)) throw err;
    }
    await input.store.db.transaction().execute(async (trx) => {
      if (primary) await setPrimaryContact(trx, ws, customerId, primary);
      await markContactsRead(trx, ws, [customerId], input.now());
    });
  }
}

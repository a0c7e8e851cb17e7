import { sql } from 'kysely';
import { FINISHED_PHASE, FINISHED_STATES } from '../domain/finished.js';
import type { Db } from './database.js';
import type { RmCustomerRow, RmOnboardingRow } from './schema-domain.js';

/**
 * The local copy of what Pivotal holds, per workspace. Home, search and channel posts read it so they
 * never wait on Pivotal; the sync worker and the app's own writes keep it current, and upserting an
 * onboarding reports what changed so the change can be announced exactly once.
 */

export interface FieldChange<T> {
  from: T;
  to: T;
}

export interface OnboardingChanges {
  isNew: boolean;
  phase?: FieldChange<string>;
  state?: FieldChange<string>;
  target?: FieldChange<string | null>;
  /** True when nothing the channel cares about changed. */
  unchanged: boolean;
}

/** The fields of a customer the read model keeps (src/sync/projection.ts makes them from a Pivotal record). */
export type CustomerInput = Pick<
  RmCustomerRow,
  | 'id'
  | 'display_id'
  | 'name'
  | 'slug'
  | 'domain'
  | 'status'
  | 'slack_channel_id'
  | 'pivotal_created_at'
  | 'pivotal_updated_at'
>;

/** The fields of an onboarding the read model keeps, and the Slack owner its metadata names, if any. */
export type OnboardingInput = Pick<
  RmOnboardingRow,
  | 'id'
  | 'display_id'
  | 'customer_id'
  | 'name'
  | 'phase'
  | 'state'
  | 'waiting_on_customer'
  | 'target_launch_date'
  | 'csm_id'
  | 'started_at'
  | 'completed_at'
  | 'metadata'
  | 'pivotal_created_at'
  | 'pivotal_updated_at'
> & { slack_owner_in_metadata: string | null };

/** The primary contact of a customer, as the pipeline and the customer card show it. */
export interface ContactInput {
  id: string;
  name: string | null;
  email: string | null;
  title: string | null;
}

export async function upsertCustomer(db: Db, workspaceId: string, c: CustomerInput, now: string): Promise<void> {
  const { id, ...fields } = c;
  const values = { ...fields, name_lower: c.name.toLowerCase(), deleted: 0 as const, synced_at: now };
  await db
    .insertInto('rm_customers')
    .values({ workspace_id: workspaceId, id, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet(values))
    .execute();
}

/** Only the primary contact is kept: it is the one the pipeline and the customer card show. */
export async function setPrimaryContact(
  db: Db,
  workspaceId: string,
  customerId: string,
  contact: ContactInput | null,
): Promise<void> {
  await db
    .updateTable('rm_customers')
    .set({
      primary_contact_id: contact?.id ?? null,
      primary_contact_name: contact?.name ?? null,
      primary_contact_email: contact?.email ?? null,
      primary_contact_title: contact?.title ?? null,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', customerId)
    .execute();
}

/** A deleted contact stops being its customer's primary one. */
export async function forgetContact(db: Db, workspaceId: string, contactId: string): Promise<void> {
  await db
    .updateTable('rm_customers')
    .set({
      primary_contact_id: null,
      primary_contact_name: null,
      primary_contact_email: null,
      primary_contact_title: null,
    })
    .where('workspace_id', '=', workspaceId)
    .where('primary_contact_id', '=', contactId)
    .execute();
}

export async function markCustomerDeleted(db: Db, workspaceId: string, id: string): Promise<void> {
  await db
    .updateTable('rm_customers')
    .set({ deleted: 1 })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function getOnboardingRow(db: Db, workspaceId: string, id: string): Promise<RmOnboardingRow | undefined> {
  return db
    .selectFrom('rm_onboardings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * `current` is the row as the caller just read it in the same transaction (undefined: none), so a
 * caller that had to read it anyway does not make this read it a second time.
 */
export async function upsertOnboarding(
  db: Db,
  workspaceId: string,
  o: OnboardingInput,
  now: string,
  current?: { row: RmOnboardingRow | undefined },
): Promise<OnboardingChanges> {
  const before = current ? current.row : await getOnboardingRow(db, workspaceId, o.id);
  const target = o.target_launch_date;
  const phaseChanged = before !== undefined && before.phase !== o.phase;
  const { id, slack_owner_in_metadata, ...fields } = o;
  const values = {
    ...fields,
    // The app's own record of the owner is kept; metadata only fills it when there is none.
    slack_owner_id: before?.slack_owner_id ?? slack_owner_in_metadata,
    deleted: 0 as const,
    synced_at: now,
    phase_entered_at:
      before && !phaseChanged ? before.phase_entered_at : before ? now : (o.started_at ?? o.pivotal_created_at ?? now),
  };
  await db
    .insertInto('rm_onboardings')
    .values({ workspace_id: workspaceId, id, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet(values))
    .execute();

  if (!before) return { isNew: true, unchanged: false };
  const changes: OnboardingChanges = { isNew: false, unchanged: true };
  if (phaseChanged) changes.phase = { from: before.phase, to: o.phase };
  if (before.state !== o.state) changes.state = { from: before.state, to: o.state };
  if ((before.target_launch_date ?? null) !== target) changes.target = { from: before.target_launch_date, to: target };
  changes.unchanged = !changes.phase && !changes.state && !changes.target;
  return changes;
}

export async function markOnboardingDeleted(db: Db, workspaceId: string, id: string): Promise<void> {
  await db
    .updateTable('rm_onboardings')
    .set({ deleted: 1 })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function getCustomerRow(db: Db, workspaceId: string, id: string): Promise<RmCustomerRow | undefined> {
  return db
    .selectFrom('rm_customers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

const liveCustomers = (db: Db, workspaceId: string) =>
  db.selectFrom('rm_customers').selectAll().where('workspace_id', '=', workspaceId).where('deleted', '=', 0);

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/**
 * Customer references accept a display id (`245`, `#245`), a cuid, a slug or a name.
 * An exact hit on id, display id or slug wins; otherwise names containing the text, best first.
 */
export async function findCustomers(
  db: Db,
  workspaceId: string,
  reference: string,
  limit = 10,
): Promise<RmCustomerRow[]> {
  const ref = reference.trim();
  if (!ref) return [];
  const base = liveCustomers(db, workspaceId);
  const digits = /^#?(\d{1,12})$/.exec(ref)?.[1];
  if (digits) {
    const hit = await base.where('display_id', '=', Number(digits)).executeTakeFirst();
    if (hit) return [hit];
  }
  const exact = await base
    .where((eb) => eb.or([eb('id', '=', ref), eb('slug', '=', ref.toLowerCase())]))
    .executeTakeFirst();
  if (exact) return [exact];
  const needle = ref.toLowerCase();
  return base
    .where(sql<boolean>`name_lower like ${`%${escapeLike(needle)}%`} escape '\\'`)
    .orderBy(
      sql`case when name_lower = ${needle} then 0 when name_lower like ${`${escapeLike(needle)}%`} escape '\\' then 1 else 2 end`,
    )
    .orderBy('name_lower')
    .limit(limit)
    .execute();
}

export async function onboardingsOfCustomer(
  db: Db,
  workspaceId: string,
  customerId: string,
): Promise<RmOnboardingRow[]> {
  return db
    .selectFrom('rm_onboardings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('deleted', '=', 0)
    .orderBy('display_id', 'desc')
    .execute();
}

export interface OpenOnboardingRow {
  id: string;
  display_id: number;
  name: string | null;
  phase: string;
  state: string;
  customer_name: string | null;
}

/** The newest onboardings not yet finished (see domain/finished.ts), with their customer's name: a picker's list. */
export async function openOnboardings(db: Db, workspaceId: string, limit: number): Promise<OpenOnboardingRow[]> {
  return db
    .selectFrom('rm_onboardings as o')
    .leftJoin('rm_customers as c', (join) =>
      join.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
    )
    .select(['o.id', 'o.display_id', 'o.name', 'o.phase', 'o.state', 'c.name as customer_name'])
    .where('o.workspace_id', '=', workspaceId)
    .where('o.deleted', '=', 0)
    .where('o.completed_at', 'is', null)
    .where('o.phase', '!=', FINISHED_PHASE)
    .where('o.state', 'not in', [...FINISHED_STATES])
    .orderBy('o.display_id', 'desc')
    .limit(limit)
    .execute();
}

/** An onboarding by cuid or display id (`#12`). */
export async function findOnboarding(
  db: Db,
  workspaceId: string,
  reference: string,
): Promise<RmOnboardingRow | undefined> {
  const ref = reference.trim();
  const digits = /^#?(\d{1,12})$/.exec(ref)?.[1];
  const q = db
    .selectFrom('rm_onboardings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('deleted', '=', 0);
  return digits
    ? q.where('display_id', '=', Number(digits)).executeTakeFirst()
    : q.where('id', '=', ref).executeTakeFirst();
}

/** The distinct phases or states the workspace's onboardings carry (filter menus, the phase editor). */
export async function valuesInUse(
  db: Db,
  workspaceId: string,
  column: 'phase' | 'state',
  limit = 200,
): Promise<string[]> {
  const rows = await db
    .selectFrom('rm_onboardings')
    .select(column)
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('deleted', '=', 0)
    .orderBy(column)
    .limit(limit)
    .execute();
  return rows.map((r) => (r as Record<typeof column, string>)[column]);
}

export async function customerByDisplayId(
  db: Db,
  workspaceId: string,
  displayId: number,
): Promise<RmCustomerRow | undefined> {
  return liveCustomers(db, workspaceId).where('display_id', '=', displayId).executeTakeFirst();
}

export async function customerBySlug(db: Db, workspaceId: string, slug: string): Promise<RmCustomerRow | undefined> {
  return liveCustomers(db, workspaceId).where('slug', '=', slug).executeTakeFirst();
}

/** Which of the slugs a customer of the workspace already has. */
export async function slugsInUse(db: Db, workspaceId: string, slugs: readonly string[]): Promise<Set<string | null>> {
  const rows = await db
    .selectFrom('rm_customers')
    .select('slug')
    .where('workspace_id', '=', workspaceId)
    .where('deleted', '=', 0)
    .where('slug', 'in', slugs)
    .execute();
  return new Set(rows.map((row) => row.slug));
}

/**
 * Postgres only (SQLite serialises writers anyway): locks an onboarding's row for the caller's
 * transaction, so a webhook and a poll carrying the same change at once apply it one after the other.
 */
export async function lockOnboardingRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db
    .selectFrom('rm_onboardings')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .execute();
}

/** The record still exists in Pivotal (a full walk must not take it for deleted), whatever version was kept. */
export async function markOnboardingSeen(db: Db, workspaceId: string, id: string, nowIso: string): Promise<void> {
  await db
    .updateTable('rm_onboardings')
    .set({ synced_at: nowIso, deleted: 0 })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/** A few customers by name, to suggest how to name one. */
export async function someCustomers(db: Db, workspaceId: string, limit: number): Promise<RmCustomerRow[]> {
  return db
    .selectFrom('rm_customers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('deleted', '=', 0)
    .orderBy('name_lower')
    .limit(limit)
    .execute();
}

/** The customers whose own Slack channel this is (Pivotal's `slack_channel_id`). */
export async function customersOfChannel(db: Db, workspaceId: string, channelId: string): Promise<RmCustomerRow[]> {
  return db
    .selectFrom('rm_customers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('slack_channel_id', '=', channelId)
    .where('deleted', '=', 0)
    .orderBy('name_lower')
    .execute();
}

import { sql } from 'kysely';
import type { Contact, Customer, Onboarding } from '../pivotal/index.js';
import type { Db } from './database.js';
import { slackOwnerFromMetadata } from '../domain/slack-owner.js';
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

const bool = (v: boolean | null | undefined): 0 | 1 => (v ? 1 : 0);

export async function upsertCustomer(db: Db, workspaceId: string, c: Customer, now: string): Promise<void> {
  const values = {
    display_id: c.display_id,
    name: c.name,
    name_lower: c.name.toLowerCase(),
    slug: c.slug ?? null,
    domain: c.domain ?? null,
    status: c.status ?? null,
    slack_channel_id: c.slack_channel_id ?? null,
    pivotal_created_at: c.created_at ?? null,
    pivotal_updated_at: c.updated_at ?? null,
    deleted: 0 as const,
    synced_at: now,
  };
  await db
    .insertInto('rm_customers')
    .values({ workspace_id: workspaceId, id: c.id, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet(values))
    .execute();
}

/** Only the primary contact is kept: it is the one the pipeline and the customer card show. */
export async function setPrimaryContact(
  db: Db,
  workspaceId: string,
  customerId: string,
  contact: Contact | null,
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

export async function upsertOnboarding(
  db: Db,
  workspaceId: string,
  o: Onboarding,
  now: string,
): Promise<OnboardingChanges> {
  const before = await getOnboardingRow(db, workspaceId, o.id);
  const target = o.target_launch_date ?? null;
  const phaseChanged = before !== undefined && before.phase !== o.phase;
  const values = {
    display_id: o.display_id,
    customer_id: o.customer_id,
    name: o.name ?? null,
    phase: o.phase,
    state: o.state,
    waiting_on_customer: bool(o.waiting_on_customer),
    target_launch_date: target,
    csm_id: o.csm_id ?? null,
    started_at: o.started_at ?? null,
    completed_at: o.completed_at ?? null,
    metadata: o.metadata ? JSON.stringify(o.metadata) : null,
    // The app's own record of the owner is kept; metadata only fills it when there is none.
    slack_owner_id: before?.slack_owner_id ?? slackOwnerFromMetadata(o.metadata),
    pivotal_created_at: o.created_at ?? null,
    pivotal_updated_at: o.updated_at ?? null,
    deleted: 0 as const,
    synced_at: now,
    phase_entered_at:
      before && !phaseChanged ? before.phase_entered_at : before ? now : (o.started_at ?? o.created_at ?? now),
  };
  await db
    .insertInto('rm_onboardings')
    .values({ workspace_id: workspaceId, id: o.id, ...values })
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
  const base = db
    .selectFrom('rm_customers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('deleted', '=', 0);
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

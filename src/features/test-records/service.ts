import type { AppContext } from '../../context.js';
import { recordRemoval, type Actor } from '../../notifications/activity.js';
import { PivotalNotFoundError, type PivotalClient } from '../../pivotal/index.js';
import type { Db } from '../../store/database.js';
import { forgetContact, markCustomerDeleted, markOnboardingDeleted } from '../../store/read-model.js';
import type { CleanupKind, TestCleanupItemRow, TestCleanupJobRow } from '../../store/schema-test-records.js';
import {
  addCleanupTargets,
  cleanupCounts,
  createCleanupJob,
  setCleanupItemStatus,
  setCleanupStatus,
  unfinishedCleanupJob,
  type CleanupCounts,
  type CleanupTarget,
} from '../../store/test-record-cleanup.js';
import type { Session } from '../shared/session.js';

/**
 * "Remove test records": the records this app created in one Slack workspace with a test key, found
 * in Pivotal and soft-deleted in the documented teardown order.
 *
 * They are found by listing Pivotal, not the read model: the read model keeps no customer metadata
 * and only each customer's primary contact, so it cannot tell which customers and contacts are the
 * app's test records. What the lists return is current, so a record is deleted without being read
 * again; the one exception is a record whose DELETE may already have gone out before a restart.
 */

/** What the app writes into `metadata` (src/pivotal/record-metadata.ts) and what the cleanup looks for. */
export function isOwnTestRecord(metadata: Record<string, unknown> | null | undefined, teamId: string): boolean {
  return metadata?.source === 'slack' && metadata.test === true && metadata.slack_team_id === teamId;
}

export interface CountProgress {
  customersLooked: number;
  found: number;
}

const PAGE = { limit: 100 } as const;

/**
 * Lists every onboarding, every customer and each customer's contacts, and records those the app
 * tagged. Nothing is deleted while listing (a list changed during a walk may skip or repeat rows), and a customer is
 * listed with its contacts before any of them goes: once a customer is deleted its contacts and
 * onboardings vanish from the lists. `onCustomer` runs after each customer (progress, the lease).
 */
export async function countTestRecords(
  db: Db,
  job: TestCleanupJobRow,
  client: PivotalClient,
  teamId: string,
  onCustomer: (progress: CountProgress) => Promise<void>,
): Promise<void> {
  const progress: CountProgress = { customersLooked: 0, found: 0 };
  let batch: CleanupTarget[] = [];
  const found = async (kind: CleanupKind, record: { id: string; display_id: number }) => {
    batch.push({ kind, recordId: record.id, displayId: record.display_id });
    progress.found += 1;
    if (batch.length >= 100) await flush();
  };
  const flush = async () => {
    await addCleanupTargets(db, job.id, batch);
    batch = [];
  };
  for await (const onboarding of client.onboardings(PAGE)) {
    if (isOwnTestRecord(onboarding.metadata, teamId)) await found('onboarding', onboarding);
  }
  for await (const customer of client.customers(PAGE)) {
    try {
      for await (const contact of client.contacts(customer.id, PAGE)) {
        if (isOwnTestRecord(contact.metadata, teamId)) await found('contact', contact);
      }
    } catch (err) {
      // Deleted by someone since the customer list was read: its contacts left the lists with it.
      if (!(err instanceof PivotalNotFoundError)) throw err;
      continue;
    }
    if (isOwnTestRecord(customer.metadata, teamId)) await found('customer', customer);
    progress.customersLooked += 1;
    await onCustomer(progress);
  }
  await flush();
}

/**
 * An admin pressed "Remove test records". A job still counting or deleting is shown as it stands;
 * one waiting for confirmation is replaced by a fresh count, since records may have come and gone.
 */
export async function openCleanup(
  ctx: AppContext,
  session: Session,
  userId: string,
): Promise<{ job: TestCleanupJobRow }> {
  const db = ctx.store.db;
  const now = ctx.now().toISOString();
  const current = await unfinishedCleanupJob(db, session.workspaceId);
  if (current && current.status !== 'ready') return { job: current };
  if (current) await setCleanupStatus(db, current.id, ['ready'], 'cancelled', now);
  const job = await createCleanupJob(
    db,
    { workspaceId: session.workspaceId, requestedBy: userId, keyPrefix: session.connection!.keyPrefix },
    now,
  );
  return { job };
}

export type ConfirmOutcome =
  | { kind: 'deleting'; job: TestCleanupJobRow; counts: CleanupCounts }
  | { kind: 'stale'; message: string };

/** The admin confirmed the counts; the job is deleting from now on (a second click changes nothing). */
export async function confirmCleanup(
  ctx: AppContext,
  session: Session,
  job: TestCleanupJobRow | undefined,
): Promise<ConfirmOutcome> {
  if (!job || job.workspace_id !== session.workspaceId)
    return { kind: 'stale', message: 'This count is no longer current. Press *Remove test records* on Home again.' };
  if (session.mode !== 'test' || session.connection?.keyPrefix !== job.key_prefix) {
    await setCleanupStatus(ctx.store.db, job.id, ['ready'], 'cancelled', ctx.now().toISOString());
    return {
      kind: 'stale',
      message:
        'The workspace is no longer connected with the test key these records were counted with, so nothing was removed.',
    };
  }
  const moved = await setCleanupStatus(ctx.store.db, job.id, ['ready'], 'deleting', ctx.now().toISOString());
  if (!moved && job.status !== 'deleting')
    return {
      kind: 'stale',
      message: 'This count was replaced by a newer one. Press *Remove test records* on Home again.',
    };
  return { kind: 'deleting', job: { ...job, status: 'deleting' }, counts: await cleanupCounts(ctx.store.db, job.id) };
}

const DELETERS: Record<CleanupKind, (client: PivotalClient, id: string) => Promise<unknown>> = {
  onboarding: (client, id) => client.deleteOnboarding(id),
  contact: (client, id) => client.deleteContact(id),
  customer: (client, id) => client.deleteCustomer(id),
};

const READERS: Record<CleanupKind, (client: PivotalClient, id: string) => Promise<unknown>> = {
  onboarding: (client, id) => client.getOnboarding(id),
  contact: (client, id) => client.getContact(id),
  customer: (client, id) => client.getCustomer(id),
};

async function stillExists(client: PivotalClient, item: TestCleanupItemRow): Promise<boolean> {
  try {
    await READERS[item.kind](client, item.record_id);
    return true;
  } catch (err) {
    if (err instanceof PivotalNotFoundError) return false;
    throw err;
  }
}

/**
 * Soft-deletes one record, at most once. The item is marked `sent` before the DELETE goes out; a
 * runner that finds it so (its predecessor stopped in between) first asks Pivotal whether the record
 * is still there, since a soft-deleted record reads as 404. Then the read model and, for an onboarding
 * that has a channel post, the outbox are updated in the same transaction as the item.
 */
export async function deleteOne(
  ctx: AppContext,
  job: TestCleanupJobRow,
  item: TestCleanupItemRow,
  client: PivotalClient,
): Promise<void> {
  const db = ctx.store.db;
  let outcome: 'done' | 'gone';
  if (item.status === 'sent' && !(await stillExists(client, item))) {
    outcome = 'done';
  } else {
    await setCleanupItemStatus(db, item, 'sent', ctx.now().toISOString());
    try {
      await DELETERS[item.kind](client, item.record_id);
      outcome = 'done';
    } catch (err) {
      if (!(err instanceof PivotalNotFoundError)) throw err;
      outcome = 'gone';
    }
  }
  const now = ctx.now().toISOString();
  // Removed by someone else before its turn: the channel hears it was removed, not who did it.
  const actor: Actor = outcome === 'done' ? { type: 'slack', userId: job.requested_by } : { type: 'pivotal' };
  let announced = false;
  await db.transaction().execute(async (trx) => {
    await setCleanupItemStatus(trx, item, outcome, now);
    if (item.kind === 'onboarding') {
      await markOnboardingDeleted(trx, job.workspace_id, item.record_id);
      announced = await recordRemoval(trx, job.workspace_id, item.record_id, actor, job.id, now);
    } else if (item.kind === 'contact') {
      await forgetContact(trx, job.workspace_id, item.record_id);
    } else {
      await markCustomerDeleted(trx, job.workspace_id, item.record_id);
    }
  });
  if (announced) ctx.outbox.nudge();
}

import type { Customer, Onboarding } from '../pivotal/index.js';
import type { Db } from '../store/database.js';
import type { DialectName } from '../store/dialect.js';
import {
  getOnboardingRow,
  lockOnboardingRow,
  markOnboardingSeen,
  upsertCustomer,
  upsertOnboarding,
} from '../store/read-model.js';
import { recordActivity, type ActivityEvent } from '../notifications/activity.js';
import { customerRecord, onboardingRecord } from './projection.js';
import { queueOwnerDm } from '../notifications/owner-dms/queue.js';

/**
 * Writes what was read from Pivotal (a list page, a webhook) into the read model and turns what
 * changed into channel events, in the caller's transaction so the change and its announcement are
 * committed together. Changes are attributed to Pivotal: the app's own writes update the read model
 * at once, so by the time the sync reads them back there is no difference left to announce.
 */

export interface ApplyOptions {
  workspaceId: string;
  dialect: DialectName;
  now: Date;
  /** False during the initial fill: what already existed is not news. */
  announce: boolean;
  /**
   * Whether an onboarding the read model has never seen is announced as opened: true for records
   * found at the head of the list or by a webhook, false for older records a full walk turns up.
   */
  announceNew: boolean;
}

export interface ApplyResult {
  /** Records whose phase, state or target changed, or that were new. */
  changed: number;
  /** Events queued for the channel. */
  announced: number;
}

const PIVOTAL = { type: 'pivotal' } as const;

/** A newly seen onboarding is opened once, whichever path (poll or webhook) saw it first. */
const FIRST_SEEN = 'first-seen';

export async function applyOnboardings(
  db: Db,
  records: readonly Onboarding[],
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const result: ApplyResult = { changed: 0, announced: 0 };
  const nowIso = opts.now.toISOString();
  for (const record of records) {
    if (opts.dialect === 'postgres') {
      // A webhook and a poll may carry the same change at once: the second to lock sees it applied.
      await lockOnboardingRow(db, opts.workspaceId, record.id);
    }
    const before = await getOnboardingRow(db, opts.workspaceId, record.id);
    if (before && isOlder(record.updated_at, before.pivotal_updated_at)) {
      // Read before a newer version arrived (by webhook or the app's own write): keep the newer one,
      // but note the record still exists so a full walk does not take it for deleted.
      await markOnboardingSeen(db, opts.workspaceId, record.id, nowIso);
      continue;
    }
    const changes = await upsertOnboarding(db, opts.workspaceId, onboardingRecord(record), nowIso, { row: before });
    if (changes.isNew || !changes.unchanged) result.changed++;
    if (!opts.announce) continue;

    const occurrence = record.updated_at ?? nowIso;
    const events: Array<[ActivityEvent, string]> = [];
    if (changes.isNew) {
      if (opts.announceNew)
        events.push([{ kind: 'onboarding.opened', onboardingId: record.id, actor: PIVOTAL }, FIRST_SEEN]);
    } else {
      if (changes.phase)
        events.push([
          {
            kind: 'onboarding.phase_changed',
            onboardingId: record.id,
            ...changes.phase,
            direction: 'external',
            actor: PIVOTAL,
          },
          occurrence,
        ]);
      if (changes.state)
        events.push([
          { kind: 'onboarding.state_changed', onboardingId: record.id, ...changes.state, actor: PIVOTAL },
          occurrence,
        ]);
      if (changes.target)
        events.push([
          { kind: 'onboarding.target_changed', onboardingId: record.id, ...changes.target, actor: PIVOTAL },
          occurrence,
        ]);
    }
    for (const [event, occ] of events) {
      if (await recordActivity(db, opts.workspaceId, event, occ, nowIso)) result.announced++;
    }
    const newOwner = record.csm_id ?? null;
    if (before && newOwner && before.csm_id !== newOwner) {
      // Handed to someone in Pivotal: no channel post (the card shows the owner), but the new owner hears of it.
      const key = `owner:${record.id}:${before.csm_id ?? 'none'}>${newOwner}@${occurrence}`;
      const change = { kind: 'onboarding.owner_changed', onboardingId: record.id, actor: PIVOTAL };
      await queueOwnerDm(db, opts.workspaceId, change, key, nowIso);
    }
  }
  return result;
}

export async function applyCustomers(
  db: Db,
  records: readonly Customer[],
  opts: Pick<ApplyOptions, 'workspaceId' | 'now'>,
): Promise<number> {
  const nowIso = opts.now.toISOString();
  for (const record of records) await upsertCustomer(db, opts.workspaceId, customerRecord(record), nowIso);
  return records.length;
}

function isOlder(incoming: string | undefined, stored: string | null): boolean {
  if (!incoming || !stored) return false;
  const a = Date.parse(incoming);
  const b = Date.parse(stored);
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

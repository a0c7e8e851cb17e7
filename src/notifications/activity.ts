import type { Db } from '../store/database.js';
import { enqueuePost, isPostedAnywhere } from '../store/posts.js';
import { queueOwnerDm } from './owner-dms/queue.js';
import { factsNow } from './change-facts.js';

/**
 * What happened to an onboarding, as the channel hears it. Written to the outbox in the same
 * transaction as the change it reports, so nothing is lost or doubled; the dispatcher turns it into the parent
 * post and a thread reply, and its owner's DM (notifications/owner-dms/).
 */
export type Actor = { type: 'slack'; userId: string } | { type: 'pivotal' };

/** `set`: a move from a phase the workspace's sequence does not know, so neither forward nor back. */
export type PhaseDirection = 'advance' | 'back' | 'skip' | 'set' | 'external';

export type ActivityEvent =
  | { kind: 'onboarding.opened'; onboardingId: string; actor: Actor }
  | {
      kind: 'onboarding.phase_changed';
      onboardingId: string;
      from: string;
      to: string;
      direction: PhaseDirection;
      reason?: string;
      note?: string;
      actor: Actor;
    }
  | { kind: 'onboarding.state_changed'; onboardingId: string; from: string; to: string; reason?: string; actor: Actor }
  | {
      kind: 'onboarding.target_changed';
      onboardingId: string;
      from: string | null;
      to: string | null;
      reason?: string;
      actor: Actor;
    }
  | { kind: 'onboarding.removed'; onboardingId: string; actor: Actor };

export type ActivityKind = ActivityEvent['kind'];

/**
 * The key that makes a change announced once: the same change seen twice (a retry, the sync reading
 * back what the app just wrote, a webhook and a poll) maps to the same key.
 */
export function activityDedupeKey(event: ActivityEvent): string {
  switch (event.kind) {
    case 'onboarding.opened':
      return `opened:${event.onboardingId}`;
    case 'onboarding.phase_changed':
      return `phase:${event.onboardingId}:${event.from}>${event.to}`;
    case 'onboarding.state_changed':
      return `state:${event.onboardingId}:${event.from}>${event.to}`;
    case 'onboarding.target_changed':
      return `target:${event.onboardingId}:${event.from ?? 'none'}>${event.to ?? 'none'}`;
    case 'onboarding.removed':
      return `removed:${event.onboardingId}`;
  }
}

/**
 * Queues the event for the channel. `occurrence` distinguishes a real repeat of the same transition
 * (moved forward, back, forward again): pass what identifies this occurrence, e.g. the record's
 * updated_at or the Slack interaction id. Returns false when the same occurrence was queued before.
 */
export async function recordActivity(
  db: Db,
  workspaceId: string,
  event: ActivityEvent,
  occurrence: string,
  now: string,
): Promise<boolean> {
  const dedupeKey = `${activityDedupeKey(event)}@${occurrence}`;
  const queued = await enqueuePost(
    db,
    {
      workspaceId,
      dedupeKey,
      kind: event.kind,
      onboardingId: event.onboardingId,
      payload: JSON.stringify(event),
      facts: JSON.stringify(await factsNow(db, workspaceId, event.onboardingId)),
    },
    now,
  );
  // The owner hears about it in the same transaction, so the DM is as exactly-once as the post.
  if (queued) await queueOwnerDm(db, workspaceId, event, dedupeKey, now);
  return queued;
}

/**
 * A soft-deleted onboarding is announced only where it was posted: its parent message then says it
 * was removed, and a channel that never heard of it gets no post about it.
 */
export async function recordRemoval(
  db: Db,
  workspaceId: string,
  onboardingId: string,
  actor: Actor,
  occurrence: string,
  now: string,
): Promise<boolean> {
  return (
    (await isPostedAnywhere(db, workspaceId, onboardingId)) &&
    recordActivity(db, workspaceId, { kind: 'onboarding.removed', onboardingId, actor }, occurrence, now)
  );
}

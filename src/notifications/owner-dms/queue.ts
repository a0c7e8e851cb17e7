import { FINISHED_PHASE, FINISHED_STATES } from '../../domain/finished.js';
import type { Db } from '../../store/database.js';
import { queueDirectMessage } from '../../store/direct-messages.js';
import { getOnboardingRow } from '../../store/read-model.js';
import { owningSlackUserOf } from '../../store/user-mappings.js';
import type { DmActor, OwnerDm } from './payload.js';

/**
 * Turns a change to an onboarding into a DM to its owner, queued in the change's own transaction.
 * The shape is the channel's activity event, read loosely so this module does not depend on it.
 */
export interface OwnerChange {
  kind: string;
  onboardingId: string;
  actor: DmActor;
  from?: string | null;
  to?: string | null;
}

function dmTypeOf(change: OwnerChange): 'assigned' | 'changed' | 'launched' | null {
  switch (change.kind) {
    case 'onboarding.opened':
    case 'onboarding.owner_changed':
      return 'assigned';
    case 'onboarding.phase_changed':
      return change.to === FINISHED_PHASE ? 'launched' : 'changed';
    case 'onboarding.state_changed':
      return change.to && FINISHED_STATES.includes(change.to) ? 'launched' : 'changed';
    case 'onboarding.target_changed':
      return 'changed';
    default:
      return null;
  }
}

/**
 * `changeKey` identifies the change (the channel post's dedupe key): the same change seen twice
 * queues one DM. Nothing is queued for the owner's own action or an owner not linked to Slack.
 */
export async function queueOwnerDm(
  db: Db,
  workspaceId: string,
  change: OwnerChange,
  changeKey: string,
  now: string,
): Promise<boolean> {
  const type = dmTypeOf(change);
  if (!type) return false;
  const row = await getOnboardingRow(db, workspaceId, change.onboardingId);
  if (!row) return false;
  const recipient = await owningSlackUserOf(db, workspaceId, row);
  if (!recipient) return false;
  if (change.actor.type === 'slack' && change.actor.userId === recipient) return false;
  const dm: OwnerDm = {
    type,
    recipient,
    onboardingId: change.onboardingId,
    actor: change.actor,
    change: type === 'assigned' ? null : { kind: change.kind, from: change.from ?? null, to: change.to ?? null },
  };
  return queueDirectMessage(db, {
    workspaceId,
    dedupeKey: `dm:${recipient}:${changeKey}`,
    kind: 'dm.owner',
    payload: JSON.stringify(dm),
    now,
  });
}

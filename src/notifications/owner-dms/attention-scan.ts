import { attentionConditions, type AttentionCondition } from '../../domain/attention.js';
import { owningSlackUser } from '../../domain/slack-owner.js';
import type { Db } from '../../store/database.js';
import { clearCondition, raiseCondition, raisedConditions } from '../../store/attention-flags.js';
import { queueDirectMessage } from '../../store/direct-messages.js';
import type { OwnedOnboardingRow } from '../../store/owned-onboardings.js';
import type { OwnerDm } from './payload.js';
import { givingWayEvery } from '../../shared/give-way.js';

/** How long the scan may hold the event loop before it lets requests in (see src/shared/give-way.ts). */
const SCAN_TURN_MS = 10;

export interface AttentionScan {
  workspaceId: string;
  now: Date;
  /** YYYY-MM-DD the targets are compared with. */
  today: string;
  onboardings: readonly OwnedOnboardingRow[];
  /** Pivotal user id → Slack user. */
  mapped: ReadonlyMap<string, string>;
  /** Phases where a near target is expected (the end of the workspace's sequence). */
  lastPhases: ReadonlySet<string>;
}

/**
 * Raises each needs-attention condition once per onboarding and clears it when it no longer holds,
 * so it is told again only after it cleared. A condition is raised with its DM in one transaction
 * (the flag row decides, so two replicas scanning at once queue one DM). Returns the DMs queued.
 */
export async function scanAttention(db: Db, scan: AttentionScan): Promise<number> {
  const raised = await raisedConditions(db, scan.workspaceId);
  const nowIso = scan.now.toISOString();
  const turn = givingWayEvery(SCAN_TURN_MS);
  let queued = 0;
  // An onboarding gone from Pivotal (or finished and archived) holds no condition any more.
  const live = new Set(scan.onboardings.map((o) => o.id));
  for (const [onboardingId, conditions] of raised) {
    if (live.has(onboardingId)) continue;
    await turn();
    for (const condition of conditions) await clearCondition(db, scan.workspaceId, onboardingId, condition);
  }
  for (const o of scan.onboardings) {
    // Each onboarding's flags are settled on their own, so requests may run between two of them.
    await turn();
    const holding = new Set<string>(attentionConditions(o, scan.today, scan.now, scan.lastPhases));
    const before = raised.get(o.id) ?? new Set<string>();
    for (const condition of before)
      if (!holding.has(condition)) await clearCondition(db, scan.workspaceId, o.id, condition);
    const recipient = owningSlackUser(o, o.csm_id ? scan.mapped.get(o.csm_id) : undefined);
    for (const condition of holding) {
      if (before.has(condition)) continue;
      const sent = await db.transaction().execute(async (trx) => {
        if (!(await raiseCondition(trx, scan.workspaceId, o.id, condition, nowIso))) return false;
        if (!recipient) return false;
        const dm: OwnerDm = {
          type: 'attention',
          recipient,
          onboardingId: o.id,
          condition: condition as AttentionCondition,
        };
        return queueDirectMessage(trx, {
          workspaceId: scan.workspaceId,
          dedupeKey: `attention:${o.id}:${condition}@${nowIso}`,
          kind: 'dm.owner',
          payload: JSON.stringify(dm),
          now: nowIso,
        });
      });
      if (sent) queued++;
    }
  }
  return queued;
}

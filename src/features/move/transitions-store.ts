import { randomUUID } from 'node:crypto';
import type { ActivityEvent } from '../../notifications/activity.js';
import type { Db } from '../../store/database.js';
import { insertPhaseTransitions, type NewPhaseTransition } from '../../store/phase-transitions.js';
import type { PhaseTransitionsTable } from '../../store/schema-phases.js';

type Change = Pick<PhaseTransitionsTable, 'kind' | 'from_value' | 'to_value' | 'reason' | 'note'>;

function changeOf(e: ActivityEvent): Change | null {
  switch (e.kind) {
    case 'onboarding.phase_changed':
      return e.direction === 'external'
        ? null
        : { kind: e.direction, from_value: e.from, to_value: e.to, reason: e.reason ?? null, note: e.note ?? null };
    case 'onboarding.state_changed':
      return { kind: 'state', from_value: e.from, to_value: e.to, reason: e.reason ?? null, note: null };
    case 'onboarding.target_changed':
      return { kind: 'target', from_value: e.from, to_value: e.to, reason: e.reason ?? null, note: null };
    case 'onboarding.opened':
    case 'onboarding.removed':
      return null;
  }
}

/** The app's audit of a move made from Slack: one row per change, with who, when, from, to and why. */
export async function recordTransitions(
  db: Db,
  workspaceId: string,
  events: readonly ActivityEvent[],
  userId: string,
  now: string,
): Promise<void> {
  const rows: NewPhaseTransition[] = [];
  for (const event of events) {
    const change = changeOf(event);
    if (change)
      rows.push({
        id: randomUUID(),
        workspace_id: workspaceId,
        onboarding_id: event.onboardingId,
        actor_slack_user_id: userId,
        occurred_at: now,
        ...change,
      });
  }
  await insertPhaseTransitions(db, rows);
}

import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../context.js';
import { attentionConditions, stalledInPhase } from '../domain/attention.js';
import { dueMorningSlot, localDate } from '../domain/local-time.js';
import { parseNotificationSettings } from '../domain/notification-settings.js';
import { owningSlackUser } from '../domain/slack-owner.js';
import { isFinished } from '../domain/finished.js';
import type { SlackClients } from '../slack/clients.js';
import { isQueued, queueDirectMessage } from '../store/direct-messages.js';
import { newLeaseHolder, releaseLease, tryAcquireLease } from '../store/leases.js';
import { RepeatingTask } from '../shared/repeating-task.js';
import { liveOnboardings, workspacesWithOnboardings, type OwnedOnboardingRow } from '../store/owned-onboardings.js';
import { getPersonSettingsJson } from '../store/person-settings.js';
import { loadPhaseSequence } from '../store/phases.js';
import { slackUserByPivotalId } from '../store/user-mappings.js';
import { utcDay } from '../views/launch-date.js';
import { scanAttention } from './owner-dms/attention-scan.js';
import type { MorningItem, OwnerDm } from './owner-dms/payload.js';
import { personTimeZone } from './owner-dms/time-zone.js';

export interface OwnerNotificationTimings {
  enabled: boolean;
  /** How often the clock is looked at: a morning list goes out within this long after its hour. */
  intervalMs: number;
}

const DEFAULT_TIMINGS: OwnerNotificationTimings = { enabled: true, intervalMs: 60_000 };
const LEASE = 'owner-notifications';
/** Phases at the end of a workspace's sequence, where a near target is the plan rather than a worry. */
const LAST_PHASES = 2;

/**
 * Once a minute, under a lease: raises the needs-attention DMs and queues each owner's morning list
 * at their hour in their own zone on working days. Both are outbox rows with a dedupe key (the
 * condition's flag, the person's local date), so a restart or a second replica never sends one twice.
 */
export class OwnerNotificationsJob {
  private readonly holder = newLeaseHolder();
  private readonly timings: OwnerNotificationTimings;
  private readonly task: RepeatingTask;

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: SlackClients,
    timings: Partial<OwnerNotificationTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
    this.task = new RepeatingTask({
      intervalMs: () => this.timings.intervalMs,
      pass: () => this.runOnce(),
      onError: (err) => ctx.logger.error({ err }, 'owner notifications: pass failed'),
      track: (pass) => ctx.background.track(pass),
    });
  }

  start(): void {
    if (this.timings.enabled) this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await releaseLease(this.ctx.store.db, LEASE, this.holder).catch((err: unknown) =>
      this.ctx.logger.warn({ err }, 'owner notifications: could not release the lease'),
    );
  }

  /** One pass over every connected workspace; false when another replica holds the lease. */
  async runOnce(): Promise<boolean> {
    const db = this.ctx.store.db;
    const now = this.ctx.now();
    if (!(await tryAcquireLease(db, LEASE, this.holder, this.timings.intervalMs * 2, now))) return false;
    let queued = 0;
    for (const ws of await workspacesWithOnboardings(db)) {
      try {
        queued += await this.runWorkspace(ws, now);
      } catch (err) {
        this.ctx.logger.error({ err, workspace: ws }, 'owner notifications: pass failed for a workspace');
      }
    }
    if (queued > 0) this.ctx.outbox.nudge();
    return true;
  }

  private async runWorkspace(workspaceId: string, now: Date): Promise<number> {
    const db = this.ctx.store.db;
    const [onboardings, mapped, sequence] = await Promise.all([
      liveOnboardings(db, workspaceId),
      slackUserByPivotalId(db, workspaceId),
      loadPhaseSequence(db, workspaceId),
    ]);
    const lastPhases = new Set(sequence.active.slice(-LAST_PHASES).map((p) => p.key));
    let queued = await scanAttention(db, { workspaceId, now, today: utcDay(now), onboardings, mapped, lastPhases });
    const byOwner = new Map<string, OwnedOnboardingRow[]>();
    for (const o of onboardings) {
      if (isFinished(o)) continue;
      const owner = owningSlackUser(o, o.csm_id ? mapped.get(o.csm_id) : undefined);
      if (owner) byOwner.set(owner, [...(byOwner.get(owner) ?? []), o]);
    }
    if (byOwner.size === 0) return queued;
    const client = await this.slack.forWorkspace(workspaceId);
    if (!client) return queued;
    for (const [owner, owned] of byOwner) {
      if (await this.queueMorningList(client, workspaceId, owner, owned, lastPhases, now)) queued++;
    }
    return queued;
  }

  private async queueMorningList(
    client: WebClient,
    workspaceId: string,
    owner: string,
    owned: OwnedOnboardingRow[],
    lastPhases: ReadonlySet<string>,
    now: Date,
  ): Promise<boolean> {
    const db = this.ctx.store.db;
    const settings = parseNotificationSettings(await getPersonSettingsJson(db, workspaceId, owner));
    if (!settings.morningList) return false;
    const tz = await personTimeZone(this.ctx, client, workspaceId, owner);
    const slot = dueMorningSlot(now, tz, settings.morningHour);
    if (!slot) return false;
    const dedupeKey = `morning:${owner}:${slot.localDate}`;
    if (await isQueued(db, workspaceId, dedupeKey)) return false;
    const today = localDate(now, tz);
    const items: MorningItem[] = [];
    for (const o of owned) {
      const reasons: string[] = attentionConditions(o, today, now, lastPhases);
      if (stalledInPhase(o, now)) reasons.push('stalled_phase');
      if (reasons.length > 0)
        items.push({
          onboardingId: o.id,
          displayId: o.display_id,
          customerName: o.customer_name,
          target: o.target_launch_date,
          reasons,
        });
    }
    const dm: OwnerDm = { type: 'morning_list', recipient: owner, localDate: slot.localDate, items };
    // An empty list is not sent, but its row marks the day as done.
    return queueDirectMessage(db, {
      workspaceId,
      dedupeKey,
      kind: 'dm.morning_list',
      payload: JSON.stringify(dm),
      now: now.toISOString(),
      done: items.length === 0,
    }).then((isNew) => isNew && items.length > 0);
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnerNotificationsJob } from '../../src/notifications/morning-list.js';
import { setUserMapping } from '../../src/store/user-mappings.js';
import type { FakeUser } from '../../sandbox/fake-slack/server.js';
import { startHarness, type Harness } from '../harness/app-harness.js';
import { dmText, dmsTo } from '../harness/owner-dms.js';
import { fastOutbox, outboxDrained, seedOnboarding, seenBySync, WORKSPACE } from '../harness/phase-moves.js';
import { visibleText } from '../harness/view-submission.js';

/** The morning list and needs-attention DMs, on a fake clock, in each owner's own time zone. */

const LA: FakeUser = { id: 'U0LAUSER1', name: 'lena', real_name: 'Lena LA', tz: 'America/Los_Angeles' };
const KOLKATA: FakeUser = { id: 'U0KOLKAT1', name: 'kiran', real_name: 'Kiran Kolkata', tz: 'Asia/Kolkata' };

let clock = new Date('2026-03-09T00:00:00Z');
let h: Harness;

const morningListsTo = (userId: string) =>
  h.slack.messages.filter((m) => m.channel === userId && visibleText(m.blocks).includes('What needs you today'));

/** Sets the clock, runs one pass of the job (as its timer would), and waits for the DMs to go out. */
async function at(iso: string, job = h.app.ownerNotifications): Promise<void> {
  clock = new Date(iso);
  await job.runOnce();
  h.app.ctx.outbox.nudge();
  await outboxDrained(h);
}

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  fastOutbox(h);
  h.slack.addUser(LA);
  h.slack.addUser(KOLKATA);
  const now = clock.toISOString();
  await setUserMapping(h.app.ctx.store.db, WORKSPACE, LA.id, 'user_csm_la', now);
  await setUserMapping(h.app.ctx.store.db, WORKSPACE, KOLKATA.id, 'user_csm_in', now);
  // Each owns an onboarding long past its target: it needs them every morning.
  await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_la', target_launch_date: '2026-01-15' } });
  await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_in', target_launch_date: '2026-01-20' } });
});
afterAll(async () => {
  await h.close();
});

describe('the morning list', () => {
  it('reaches each owner at 09:00 their time on a Monday (after the US DST change), once', async () => {
    await at('2026-03-09T03:29:00Z');
    expect(morningListsTo(KOLKATA.id)).toHaveLength(0);
    await at('2026-03-09T03:30:00Z'); // 09:00 in Kolkata
    expect(morningListsTo(KOLKATA.id)).toHaveLength(1);
    expect(morningListsTo(LA.id)).toHaveLength(0);
    await at('2026-03-09T15:59:00Z');
    expect(morningListsTo(LA.id)).toHaveLength(0);
    await at('2026-03-09T16:00:00Z'); // 09:00 PDT, the day after the US change
    expect(morningListsTo(LA.id)).toHaveLength(1);

    const list = visibleText(morningListsTo(LA.id)[0]!.blocks);
    expect(list).toContain('overdue');
    // Slack's date token: every reader sees the date in their own zone.
    expect(JSON.stringify(morningListsTo(LA.id)[0]!.blocks)).toMatch(/<!date\^\d+\^\{date_long_pretty\}\|2026-03-09>/);
  });

  it('is sent once across a restart of the job and a second replica', async () => {
    await h.app.ownerNotifications.stop();
    const restarted = new OwnerNotificationsJob(h.app.ctx, h.app.slackClients);
    await at('2026-03-09T16:05:00Z', restarted);
    await restarted.stop();
    const replica = new OwnerNotificationsJob(h.app.ctx, h.app.slackClients);
    await at('2026-03-09T16:10:00Z', replica);
    await replica.stop();
    expect(morningListsTo(LA.id)).toHaveLength(1);
    expect(morningListsTo(KOLKATA.id)).toHaveLength(1);
  });

  it('skips Saturday, and comes again on the next working day', async () => {
    await at('2026-03-14T03:30:00Z');
    await at('2026-03-14T16:00:00Z');
    expect(morningListsTo(KOLKATA.id)).toHaveLength(1);
    expect(morningListsTo(LA.id)).toHaveLength(1);
    await at('2026-03-16T03:30:00Z');
    await at('2026-03-16T16:00:00Z');
    expect(morningListsTo(KOLKATA.id)).toHaveLength(2);
    expect(morningListsTo(LA.id)).toHaveLength(2);
  });
});

describe('needs-attention DMs', () => {
  it('overdue fires once, clears when the target moves, and fires again after the new target passes', async () => {
    const { onboarding } = await seedOnboarding(h, {
      onboarding: { csm_id: 'user_csm_la', target_launch_date: '2026-03-10' },
    });
    const overdue = () =>
      dmsTo(h, LA.id).filter((m) => JSON.stringify(m.blocks).includes(onboarding.id) && dmText(m).includes('Overdue'));
    await at('2026-03-17T18:00:00Z');
    expect(overdue()).toHaveLength(1);
    await at('2026-03-17T18:01:00Z');
    expect(overdue()).toHaveLength(1);

    // The target moves to the future (in Pivotal, read by the sync): the condition clears.
    const moved = h.pivotal.state.updateOnboarding(h.orgId, onboarding.id, { target_launch_date: '2026-04-20' });
    await seenBySync(h, { onboarding: moved });
    await at('2026-03-18T18:00:00Z');
    expect(overdue()).toHaveLength(1);

    // The new target passes: told again.
    await at('2026-04-21T18:00:00Z');
    expect(overdue()).toHaveLength(2);
  });
});

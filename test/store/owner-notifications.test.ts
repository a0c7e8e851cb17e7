import { expect, it } from 'vitest';
import { clearCondition, raiseCondition, raisedConditions } from '../../src/store/attention-flags.js';
import { isQueued, queueDirectMessage } from '../../src/store/direct-messages.js';
import { liveOnboardings, workspacesWithOnboardings } from '../../src/store/owned-onboardings.js';
import { createClaim, decideClaim, seenPivotalUsers } from '../../src/store/people.js';
import { assignPivotalUser, listUserMappings, setUserMapping } from '../../src/store/user-mappings.js';
import { describeEachDialect } from '../helpers/databases.js';

describeEachDialect('owner notifications store', (suite) => {
  const db = () => suite.store().db;
  const now = '2026-03-01T10:00:00.000Z';

  async function onboarding(id: string, csmId: string | null, customer: string, deleted: 0 | 1 = 0) {
    await db()
      .insertInto('rm_customers')
      .values({
        workspace_id: 'T1',
        id: `c_${id}`,
        display_id: 1,
        name: customer,
        name_lower: customer.toLowerCase(),
        slug: null,
        domain: null,
        status: null,
        slack_channel_id: null,
        primary_contact_id: null,
        primary_contact_name: null,
        primary_contact_email: null,
        primary_contact_title: null,
        pivotal_created_at: null,
        pivotal_updated_at: null,
        deleted: 0,
        synced_at: now,
      })
      .execute();
    await db()
      .insertInto('rm_onboardings')
      .values({
        workspace_id: 'T1',
        id,
        display_id: 1,
        customer_id: `c_${id}`,
        name: null,
        phase: 'review',
        state: 'active',
        waiting_on_customer: 0,
        target_launch_date: null,
        csm_id: csmId,
        started_at: null,
        completed_at: null,
        phase_entered_at: now,
        metadata: null,
        slack_owner_id: null,
        pivotal_created_at: null,
        pivotal_updated_at: null,
        deleted,
        synced_at: now,
      })
      .execute();
  }

  it('raises a condition once among concurrent scans, and again only after it cleared', async () => {
    const raises = await Promise.all(Array.from({ length: 6 }, () => raiseCondition(db(), 'T1', 'o1', 'overdue', now)));
    expect(raises.filter(Boolean)).toHaveLength(1);
    expect(await raisedConditions(db(), 'T1')).toEqual(new Map([['o1', new Set(['overdue'])]]));
    await clearCondition(db(), 'T1', 'o1', 'overdue');
    expect(await raiseCondition(db(), 'T1', 'o1', 'overdue', now)).toBe(true);
  });

  it('queues one DM per dedupe key, however many replicas try', async () => {
    const dm = {
      workspaceId: 'T1',
      dedupeKey: 'morning:U1:2026-03-02',
      kind: 'dm.morning_list' as const,
      payload: '{}',
      now,
    };
    const queued = await Promise.all(Array.from({ length: 6 }, () => queueDirectMessage(db(), dm)));
    expect(queued.filter(Boolean)).toHaveLength(1);
    expect(await isQueued(db(), 'T1', dm.dedupeKey)).toBe(true);
    const row = await db().selectFrom('outbox').select(['onboarding_id', 'status']).executeTakeFirstOrThrow();
    expect(row).toEqual({ onboarding_id: null, status: 'pending' });
  });

  it('lists the Pivotal user ids seen as owners with two example customers, and the workspaces to scan', async () => {
    await onboarding('o1', 'user_1', 'Acme');
    await onboarding('o2', 'user_1', 'Birch');
    await onboarding('o3', 'user_1', 'Cedar');
    await onboarding('o4', 'user_2', 'Dune');
    await onboarding('o5', 'user_3', 'Gone', 1);
    expect(await seenPivotalUsers(db(), 'T1')).toEqual([
      { pivotalUserId: 'user_1', onboardings: 3, exampleCustomers: ['Acme', 'Birch'] },
      { pivotalUserId: 'user_2', onboardings: 1, exampleCustomers: ['Dune'] },
    ]);
    expect(await workspacesWithOnboardings(db())).toEqual(['T1']);
  });

  it('reads every live onboarding of a large workspace once, in display id order, across its pages', async () => {
    // Three onboardings to a display id, so ties fall on the edges of the pages it is read in.
    const rows = Array.from({ length: 2_500 }, (_, i) => ({
      id: `o${String(i).padStart(4, '0')}`,
      display: Math.floor(i / 3),
    }));
    for (let start = 0; start < rows.length; start += 250) {
      await db()
        .insertInto('rm_onboardings')
        .values(
          rows.slice(start, start + 250).map((r, k) => ({
            workspace_id: 'T1',
            id: r.id,
            display_id: r.display,
            customer_id: 'c_none',
            phase: 'review',
            state: 'active',
            waiting_on_customer: 0,
            phase_entered_at: now,
            deleted: (start + k) % 10 === 9 ? 1 : 0,
            synced_at: now,
          })),
        )
        .execute();
    }
    const read = await liveOnboardings(db(), 'T1');
    const live = rows.filter((_, i) => i % 10 !== 9);
    expect(read.map((r) => [r.display_id, r.id])).toEqual(live.map((r) => [r.display, r.id]));
  });

  it('decides a claim once, and hands the id over from its holder', async () => {
    await setUserMapping(db(), 'T1', 'U_OLD', 'user_1', now);
    const id = await createClaim(db(), 'T1', 'U_NEW', 'user_1', now);
    const decisions = await Promise.all([
      decideClaim(db(), id, 'approved', 'U_ADMIN', now),
      decideClaim(db(), id, 'declined', 'U_ADMIN2', now),
    ]);
    expect(decisions.filter(Boolean)).toHaveLength(1);
    await assignPivotalUser(db(), 'T1', 'U_NEW', 'user_1', now);
    expect(await listUserMappings(db(), 'T1')).toEqual([{ slack_user_id: 'U_NEW', pivotal_user_id: 'user_1' }]);
  });
});

import { expect, it } from 'vitest';
import { addressRow, unroutedSiblings } from '../../src/store/outbox-routes.js';
import { saveFullPosts, saveSharedFlag, sharedChannelsInUse } from '../../src/store/channel-sharing.js';
import {
  DIGEST_POST_KIND,
  digestFigures,
  getDigestSchedule,
  queueDigestPeriod,
  saveDigestSchedule,
} from '../../src/store/digests.js';
import { listSubscriptions, removeSubscriptions, saveSubscription } from '../../src/store/subscriptions.js';
import { describeEachDialect } from '../helpers/databases.js';

/** The subscription, routing, sharing and digest repositories, on both dialects. */

const WS = 'T0STORE01';
const NOW = '2026-12-07T08:00:00.000Z';

describeEachDialect('channel subscriptions and routed outbox rows', (suite) => {
  const db = () => suite.store().db;

  it('keeps one subscription per channel and filter, and removes them by filter or all', async () => {
    const sub = { workspaceId: WS, channelId: 'C1', spec: '{}', names: '{}', createdBy: 'U1', now: NOW };
    expect(await saveSubscription(db(), { ...sub, filterKey: 'a' })).toBe(true);
    expect(await saveSubscription(db(), { ...sub, filterKey: 'a', spec: '{"x":1}' })).toBe(false);
    expect(await saveSubscription(db(), { ...sub, filterKey: 'b' })).toBe(true);
    // Both were made at the same instant: their order between themselves is not specified.
    const listed = (await listSubscriptions(db(), WS, 'C1')).map((r) => [r.filter_key, r.spec]);
    expect(listed.sort()).toEqual([
      ['a', '{"x":1}'],
      ['b', '{}'],
    ]);
    expect(await removeSubscriptions(db(), WS, 'C1', 'a')).toBe(1);
    expect(await removeSubscriptions(db(), WS, 'C1')).toBe(1);
  });

  it('routes the rows of one save once: the first addressed, copies for the others, siblings done', async () => {
    for (const [id, kind] of [
      ['r1', 'onboarding.phase_changed'],
      ['r2', 'onboarding.state_changed'],
    ] as const)
      await db()
        .insertInto('outbox')
        .values({
          id,
          workspace_id: WS,
          dedupe_key: `${kind}@occ`,
          kind,
          onboarding_id: 'onb_1',
          payload: '{}',
          status: 'pending',
          attempts: 0,
          next_attempt_at: NOW,
          created_at: NOW,
        })
        .execute();
    const [row] = await db().selectFrom('outbox').selectAll().where('id', '=', 'r1').execute();
    expect((await unroutedSiblings(db(), row!)).map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    const targets = [
      { channelId: 'C1', route: '{"to":"C1"}' },
      { channelId: 'C2', route: '{"to":"C2"}' },
    ];
    expect(await addressRow(db(), row!, ['r1', 'r2'], targets, NOW)).toBe(true);
    // A second holder of the lease finds nothing left to route.
    expect(await addressRow(db(), row!, ['r1', 'r2'], targets, NOW)).toBe(false);
    const rows = await db()
      .selectFrom('outbox')
      .select(['id', 'status', 'channel_id', 'route'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'r1', status: 'pending', channel_id: 'C1', route: '{"to":"C1"}' },
      { id: 'r1>C2', status: 'pending', channel_id: 'C2', route: '{"to":"C2"}' },
      { id: 'r2', status: 'done', channel_id: null, route: null },
    ]);
  });

  it('lists the shared channels in use with who chose full posts', async () => {
    await saveSharedFlag(db(), WS, 'C1', true, NOW);
    await saveSharedFlag(db(), WS, 'C2', true, NOW);
    await saveFullPosts(db(), WS, 'C1', 'U0ADMIN', NOW);
    await db()
      .insertInto('onboarding_posts')
      .values({
        workspace_id: WS,
        onboarding_id: 'o',
        channel_id: 'C1',
        parent_ts: '1.0',
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    expect((await sharedChannelsInUse(db(), WS)).map((r) => [r.channel_id, r.full_posts_by])).toEqual([
      ['C1', 'U0ADMIN'],
    ]);
  });

  it('claims a digest period once, queueing its post and its counts with the claim', async () => {
    await saveDigestSchedule(db(), {
      workspace_id: WS,
      channel_id: 'C1',
      cron: '0 9 * * 1',
      time_zone: 'Europe/Berlin',
      label: 'weekly',
      created_by: 'U1',
      created_at: NOW,
    });
    const row = (await getDigestSchedule(db(), WS, 'C1'))!;
    const digest = { payload: '{"figures":1}', phaseCounts: { review: 2 }, now: NOW };
    expect(await queueDigestPeriod(db(), row, NOW, digest)).toBe(true);
    // A second replica or a restart that read the schedule before the claim: nothing more is queued.
    expect(await queueDigestPeriod(db(), row, NOW, digest)).toBe(false);
    const queued = await db()
      .selectFrom('outbox')
      .select(['kind', 'dedupe_key', 'channel_id', 'onboarding_id', 'payload', 'status'])
      .where('workspace_id', '=', WS)
      .where('kind', '=', DIGEST_POST_KIND)
      .execute();
    expect(queued).toEqual([
      {
        kind: 'digest',
        dedupe_key: `digest:C1:${NOW}`,
        channel_id: 'C1',
        onboarding_id: null,
        payload: '{"figures":1}',
        status: 'pending',
      },
    ]);
    expect(await getDigestSchedule(db(), WS, 'C1')).toMatchObject({
      last_period: NOW,
      last_posted_at: NOW,
      last_counts: '{"review":2}',
    });
    // The next period, claimed from what the first claim left.
    const next = '2026-12-14T08:00:00.000Z';
    const claimed = (await getDigestSchedule(db(), WS, 'C1'))!;
    expect(await queueDigestPeriod(db(), claimed, next, { ...digest, now: next })).toBe(true);
  });

  it('counts digest figures from the read model', async () => {
    await db()
      .insertInto('rm_customers')
      .values({
        workspace_id: WS,
        id: 'c',
        display_id: 1,
        name: 'Acme',
        name_lower: 'acme',
        deleted: 0,
        synced_at: NOW,
      })
      .execute();
    const onboarding = (id: string, phase: string, state: string, target: string | null) => ({
      workspace_id: WS,
      id,
      display_id: Number(id.slice(1)),
      customer_id: 'c',
      phase,
      state,
      waiting_on_customer: 0 as const,
      target_launch_date: target,
      phase_entered_at: '2026-10-01T00:00:00.000Z',
      deleted: 0 as const,
      synced_at: NOW,
    });
    await db()
      .insertInto('rm_onboardings')
      .values([
        onboarding('o1', 'review', 'at_risk', '2026-11-01'),
        onboarding('o2', 'launch', 'active', '2026-12-09'),
        { ...onboarding('o3', 'completed', 'active', null), completed_at: NOW },
      ])
      .execute();
    const figures = await digestFigures(db(), WS, {
      since: '2026-11-30T00:00:00.000Z',
      today: '2026-12-07',
      inAWeek: '2026-12-14',
      stalledBefore: '2026-11-23T00:00:00.000Z',
      listed: 5,
    });
    expect(figures.phaseCounts).toEqual({ review: 1, launch: 1 });
    expect(figures.launched.first.map((i) => i.id)).toEqual(['o3']);
    expect([figures.atRisk.count, figures.overdue.count, figures.stalled.count, figures.dueSoon.count]).toEqual([
      1, 1, 2, 1,
    ]);
  });
});

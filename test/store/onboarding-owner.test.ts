import { pipelineDates } from '../../src/domain/pipeline-focus.js';
import { expect, it } from 'vitest';
import { pipelinePage } from '../../src/store/pipeline-page.js';
import { OnboardingSchema } from '../../src/pivotal/index.js';
import { setSlackOwner } from '../../src/store/onboarding-owner.js';
import { slackOwnerOf } from '../../src/domain/slack-owner.js';
import { getOnboardingRow, upsertOnboarding } from '../../src/store/read-model.js';
import { onboardingRecord } from '../../src/sync/projection.js';
import { describeEachDialect } from '../helpers/databases.js';

const WS = 'T0OWNERS';
const NOW = '2026-05-20T12:00:00.000Z';

const onboarding = (id: string, metadata: Record<string, unknown> | null) =>
  onboardingRecord(
    OnboardingSchema.parse({
      object: 'onboarding',
      id,
      display_id: Number(id.slice(-1)),
      customer_id: 'cus_1',
      phase: 'review',
      state: 'active',
      metadata,
    }),
  );

describeEachDialect('the Slack owner of an onboarding', (suite) => {
  const db = () => suite.store().db;
  const mine = (slackUserId: string) =>
    pipelinePage(
      db(),
      {
        workspaceId: WS,
        dialect: suite.store().dialect,
        dates: pipelineDates(new Date('2026-05-20T12:00:00.000Z')),
        owner: { slackUserId, pivotalUserIds: [] },
        focus: null,
        state: null,
        phase: null,
        includeFinished: true,
      },
      ['review'],
      0,
      50,
    );

  it('is kept by the app when Pivotal echoes no metadata back', async () => {
    await upsertOnboarding(db(), WS, onboarding('onb_1', null), NOW);
    await setSlackOwner(db(), WS, 'onb_1', 'U0CASEY01');
    // The sync reads the record again, still without metadata: the owner stays.
    await upsertOnboarding(db(), WS, onboarding('onb_1', null), NOW);

    const row = await getOnboardingRow(db(), WS, 'onb_1');
    expect(row?.slack_owner_id).toBe('U0CASEY01');
    expect(slackOwnerOf(row!)).toBe('U0CASEY01');
    expect((await mine('U0CASEY01')).map((r) => r.id)).toEqual(['onb_1']);
  });

  it('is read from the metadata when Pivotal echoes it, and the app’s own record wins over it', async () => {
    await upsertOnboarding(db(), WS, onboarding('onb_2', { slack_csm_user_id: 'U0FROMMETA' }), NOW);
    expect((await getOnboardingRow(db(), WS, 'onb_2'))?.slack_owner_id).toBe('U0FROMMETA');

    await upsertOnboarding(db(), WS, onboarding('onb_3', null), NOW);
    await setSlackOwner(db(), WS, 'onb_3', 'U0OWNER03');
    await upsertOnboarding(db(), WS, onboarding('onb_3', { slack_csm_user_id: 'U0SOMEONE' }), NOW);
    expect((await getOnboardingRow(db(), WS, 'onb_3'))?.slack_owner_id).toBe('U0OWNER03');
    expect((await mine('U0FROMMETA')).map((r) => r.id)).toEqual(['onb_2']);
  });

  it('falls back to the metadata of a row written before the column existed', async () => {
    await upsertOnboarding(db(), WS, onboarding('onb_4', null), NOW);
    await db()
      .updateTable('rm_onboardings')
      .set({ slack_owner_id: null, metadata: JSON.stringify({ slack_csm_user_id: 'U0LEGACY1' }) })
      .where('id', '=', 'onb_4')
      .execute();

    expect(slackOwnerOf((await getOnboardingRow(db(), WS, 'onb_4'))!)).toBe('U0LEGACY1');
    expect((await mine('U0LEGACY1')).map((r) => r.id)).toEqual(['onb_4']);
    expect(await mine('U0NOBODY1')).toEqual([]);
  });
});

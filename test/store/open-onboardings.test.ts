import { expect, it } from 'vitest';
import { CustomerSchema, OnboardingSchema } from '../../src/pivotal/index.js';
import {
  markOnboardingDeleted,
  openOnboardings,
  upsertCustomer,
  upsertOnboarding,
} from '../../src/store/read-model.js';
import { customerRecord, onboardingRecord } from '../../src/sync/projection.js';
import { describeEachDialect } from '../helpers/databases.js';

const WS = 'T0PICKER';
const NOW = '2026-05-20T12:00:00.000Z';

const onboarding = (displayId: number, fields: Record<string, unknown> = {}) =>
  onboardingRecord(
    OnboardingSchema.parse({
      object: 'onboarding',
      id: `onb_${displayId}`,
      display_id: displayId,
      customer_id: 'cus_1',
      phase: 'review',
      state: 'active',
      ...fields,
    }),
  );

describeEachDialect('the open onboardings a picker offers', (suite) => {
  const db = () => suite.store().db;

  it('lists the newest unfinished ones with their customer, and leaves out finished, deleted and other workspaces', async () => {
    await upsertCustomer(
      db(),
      WS,
      customerRecord(CustomerSchema.parse({ object: 'customer', id: 'cus_1', display_id: 1, name: 'Acme' })),
      NOW,
    );
    await upsertOnboarding(db(), WS, onboarding(1), NOW);
    await upsertOnboarding(db(), WS, onboarding(2, { customer_id: 'cus_unknown' }), NOW);
    await upsertOnboarding(db(), WS, onboarding(3, { state: 'done' }), NOW);
    await upsertOnboarding(db(), WS, onboarding(4, { phase: 'completed' }), NOW);
    await upsertOnboarding(db(), WS, onboarding(5, { completed_at: NOW }), NOW);
    await upsertOnboarding(db(), WS, onboarding(6), NOW);
    await markOnboardingDeleted(db(), WS, 'onb_6');
    await upsertOnboarding(db(), 'T0ELSEWHERE', onboarding(7), NOW);

    expect(await openOnboardings(db(), WS, 10)).toEqual([
      { id: 'onb_2', display_id: 2, name: null, phase: 'review', state: 'active', customer_name: null },
      { id: 'onb_1', display_id: 1, name: null, phase: 'review', state: 'active', customer_name: 'Acme' },
    ]);
    expect(await openOnboardings(db(), WS, 1)).toHaveLength(1);
  });
});

import type { RmCustomerRow, RmOnboardingRow } from '../../src/store/schema-domain.js';
import type { Harness } from './app-harness.js';
import { TEAM } from './app-harness.js';

/** The i-th customer and onboarding, beyond the columns every row gets (ids, display id, timestamps). */
export type BulkShape = (i: number) => {
  customer?: Partial<RmCustomerRow>;
  onboarding: Partial<RmOnboardingRow> & Pick<RmOnboardingRow, 'phase' | 'state'>;
};

/** Many onboardings straight into the read model (what a long-running sync would have written), in batches. */
export async function seedReadModel(h: Harness, n: number, shape: BulkShape, now = new Date()): Promise<void> {
  const db = h.app.ctx.store.db;
  const iso = now.toISOString();
  for (let start = 0; start < n; start += 200) {
    const batch = Array.from({ length: Math.min(200, n - start) }, (_, k) => start + k).map((i) => ({
      i,
      ...shape(i),
    }));
    await db
      .insertInto('rm_customers')
      .values(
        batch.map(({ i, customer }) => ({
          workspace_id: TEAM.id,
          id: `cus_${i}`,
          display_id: i + 1,
          name: `Customer ${i}`,
          name_lower: `customer ${i}`,
          deleted: 0 as const,
          synced_at: iso,
          ...customer,
        })),
      )
      .execute();
    await db
      .insertInto('rm_onboardings')
      .values(
        batch.map(({ i, onboarding }) => ({
          workspace_id: TEAM.id,
          id: `onb_${i}`,
          display_id: i + 1,
          customer_id: `cus_${i}`,
          waiting_on_customer: 0 as const,
          phase_entered_at: iso,
          deleted: 0 as const,
          synced_at: iso,
          ...onboarding,
        })),
      )
      .execute();
  }
}

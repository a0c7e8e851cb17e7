import type { AppContext } from '../context.js';
import { loadPhaseSequence } from '../store/phases.js';
import { getCustomerRow, getOnboardingRow } from '../store/read-model.js';
import type { RmCustomerRow, RmOnboardingRow } from '../store/schema-domain.js';
import type { KeyMode } from '../domain/key-mode.js';
import { isFinished } from '../domain/finished.js';
import { ownerOf } from './change-facts.js';
import type { OnboardingCard } from './post-views.js';

export interface LoadedCard {
  card: OnboardingCard;
  onboarding: RmOnboardingRow;
  customer: RmCustomerRow | undefined;
}

/** The card as the read model has it now, so every post and update shows the latest state. */
export async function loadCard(
  ctx: AppContext,
  workspaceId: string,
  onboardingId: string,
  mode: KeyMode | null,
): Promise<LoadedCard | null> {
  const db = ctx.store.db;
  const onboarding = await getOnboardingRow(db, workspaceId, onboardingId);
  if (!onboarding) return null;
  const customer = await getCustomerRow(db, workspaceId, onboarding.customer_id);
  const card: OnboardingCard = {
    onboarding: {
      id: onboarding.id,
      displayId: onboarding.display_id,
      name: onboarding.name,
      phase: onboarding.phase,
      state: onboarding.state,
      target: onboarding.target_launch_date,
      finished: isFinished(onboarding),
      removed: onboarding.deleted === 1,
    },
    customer: customer ? { displayId: customer.display_id, name: customer.name, slug: customer.slug } : null,
    owner: await ownerOf(db, workspaceId, onboarding),
    phases: await loadPhaseSequence(db, workspaceId),
    mode,
    today: null,
  };
  return { card, onboarding, customer };
}

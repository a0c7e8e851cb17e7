import type { ExpressionBuilder } from 'kysely';
import type { Database } from './schema.js';

/** A query over the outbox that names its row `row`. */
type OutboxRowScope = Database & { row: Database['outbox'] };

/**
 * The other posts about the same onboarding as `row` that Slack has not accepted yet: while one of
 * them waits, the onboarding's posts are not finished (later ones must wait, delivered ones stay).
 */
export function undeliveredOfSameOnboarding(eb: ExpressionBuilder<OutboxRowScope, 'row'>) {
  return eb
    .selectFrom('outbox as other')
    .select('other.id')
    .whereRef('other.workspace_id', '=', 'row.workspace_id')
    .whereRef('other.onboarding_id', '=', 'row.onboarding_id')
    .whereRef('other.id', '!=', 'row.id')
    .where('other.status', '!=', 'done');
}

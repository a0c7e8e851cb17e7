import type { Db } from './database.js';
import type { RmOnboardingRow } from './schema-domain.js';

export type OwnedOnboardingRow = RmOnboardingRow & { customer_name: string | null };

/** The workspace's onboardings still in Pivotal, with their customer's name, for the owner scans. */
export async function liveOnboardings(db: Db, workspaceId: string): Promise<OwnedOnboardingRow[]> {
  return db
    .selectFrom('rm_onboardings as o')
    .leftJoin('rm_customers as c', (join) =>
      join.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
    )
    .selectAll('o')
    .select('c.name as customer_name')
    .where('o.workspace_id', '=', workspaceId)
    .where('o.deleted', '=', 0)
    .orderBy('o.display_id')
    .execute();
}

/**
 * Workspaces whose read model holds live onboardings (a single-workspace install has no connected
 * row until someone uses the app), leaving out those whose key Pivotal refused: their data is stale.
 */
export async function workspacesWithOnboardings(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('rm_onboardings as o')
    .leftJoin('workspaces as w', 'w.id', 'o.workspace_id')
    .select('o.workspace_id')
    .distinct()
    .where('o.deleted', '=', 0)
    .where('w.needs_attention', 'is', null)
    .orderBy('o.workspace_id')
    .execute();
  return rows.map((r) => r.workspace_id);
}

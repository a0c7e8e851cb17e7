import type { Db } from './database.js';
import type { RmOnboardingRow } from './schema-domain.js';
import { giveWay } from '../shared/give-way.js';

export type OwnedOnboardingRow = RmOnboardingRow & { customer_name: string | null };

/** Rows read per query: one query over every onboarding of a large workspace held the event loop for a second. */
const LIVE_PAGE = 1_000;

/**
 * The workspace's onboardings still in Pivotal, with their customer's name, for the owner scans, in
 * display id order. Read a page at a time (keyset on display id and id), giving way between pages
 * (src/shared/give-way.ts), since better-sqlite3 materialises a whole result in one synchronous call.
 */
export async function liveOnboardings(db: Db, workspaceId: string): Promise<OwnedOnboardingRow[]> {
  const rows: OwnedOnboardingRow[] = [];
  for (;;) {
    const after = rows.at(-1);
    const page = await db
      .selectFrom('rm_onboardings as o')
      .leftJoin('rm_customers as c', (join) =>
        join.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.customer_id'),
      )
      .selectAll('o')
      .select('c.name as customer_name')
      .where('o.workspace_id', '=', workspaceId)
      .where('o.deleted', '=', 0)
      .$if(after !== undefined, (q) =>
        q
          .where('o.display_id', '>=', after!.display_id)
          .where((eb) => eb.not(eb.and([eb('o.display_id', '=', after!.display_id), eb('o.id', '<=', after!.id)]))),
      )
      .orderBy('o.display_id')
      .orderBy('o.id')
      .limit(LIVE_PAGE)
      .execute();
    rows.push(...page);
    if (page.length < LIVE_PAGE) return rows;
    await giveWay();
  }
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

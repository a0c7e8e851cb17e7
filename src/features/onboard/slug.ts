import type { AppContext } from '../../context.js';
import type { Session } from '../shared/session.js';
import { slugCandidates } from '../../domain/slug.js';
import { slugsInUse } from '../../store/read-model.js';

const PIVOTAL_CHECKS = 3;

/**
 * A slug near `taken` that is free: first what the read model knows, then (when a connection is at
 * hand) Pivotal is asked about the first few candidates. Best effort: if Pivotal cannot answer, the
 * first candidate the read model does not know is offered, and a second refusal would say so.
 */
export async function freeSlug(
  ctx: AppContext,
  session: Session,
  taken: string,
  opts: { askPivotal: boolean },
): Promise<string> {
  const candidates = slugCandidates(taken);
  const takenLocally = await slugsInUse(ctx.store.db, session.workspaceId, candidates);
  const free = candidates.filter((c) => !takenLocally.has(c));
  const client = session.connection?.client;
  if (!client || !opts.askPivotal) return free[0] ?? candidates.at(-1)!;
  let checked = 0;
  try {
    for (; checked < Math.min(PIVOTAL_CHECKS, free.length); checked++) {
      const candidate = free[checked]!;
      // The slug filter is implied by the docs, not named: only an exact slug in the answer counts.
      const page = await client.listCustomers({ slug: candidate, limit: 1 });
      if (!page.data.some((c) => c.slug === candidate)) return candidate;
    }
  } catch (err) {
    ctx.logger.warn({ err }, 'onboard: could not ask Pivotal which slug is free');
  }
  return free[checked] ?? candidates.at(-1)!;
}

import type { AppContext } from '../../context.js';
import type { Session } from '../shared/session.js';

/** Lower-case letters and digits, with single dashes between them (what Pivotal accepts). */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 60;

/** "Café Zürich & Co." → "cafe-zurich-co"; empty when the name has no letters or digits to keep. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
}

/** `acme` → acme-2, acme-3…; `acme-2` → acme-3, acme-4… */
export function slugCandidates(taken: string, count = 20): string[] {
  const numbered = /^(.*)-(\d{1,6})$/.exec(taken);
  const root = numbered ? numbered[1]! : taken;
  const first = numbered ? Number(numbered[2]) + 1 : 2;
  return Array.from({ length: count }, (_, i) => {
    const suffix = `-${first + i}`;
    return `${root.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
  });
}

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
  const known = await ctx.store.db
    .selectFrom('rm_customers')
    .select('slug')
    .where('workspace_id', '=', session.workspaceId)
    .where('deleted', '=', 0)
    .where('slug', 'in', candidates)
    .execute();
  const takenLocally = new Set(known.map((r) => r.slug));
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

import type { ExternalSelect, PlainTextOption } from '@slack/types';
import { settleWithin } from '../../background.js';
import type { AppContext } from '../../context.js';
import { PivotalNotFoundError, type Customer } from '../../pivotal/index.js';
import { findCustomers, upsertCustomer } from '../../store/read-model.js';
import type { RmCustomerRow } from '../../store/schema-domain.js';
import { LIMITS, plain, truncate } from '../../views/text.js';
import type { Session } from '../shared/session.js';
import { option } from '../../views/inputs.js';
import type { Choice } from '../../views/form-values.js';
import { customerRecord } from '../../sync/projection.js';

/** The customer picker of every modal; one options listener answers them all. */
export const CUSTOMER_PICK = 'customer_pick';

/** Slack waits 3 s for options; what Pivotal has not answered by then is not worth the wait. */
export const SUGGESTION_BUDGET_MS = 1_500;
const PIVOTAL_PAGE = 100;

export function customerChoice(row: Pick<RmCustomerRow, 'id' | 'display_id' | 'name' | 'slug'>): Choice {
  const suffix = ` · #${row.display_id}${row.slug ? ` · ${row.slug}` : ''}`;
  // The name gets what the 75-character option text leaves after the id and slug.
  return {
    value: row.id,
    label: `${truncate(row.name, Math.max(20, LIMITS.optionText - [...suffix].length))}${suffix}`,
  };
}

export function customerPickElement(initial: Choice | null): ExternalSelect {
  return {
    type: 'external_select',
    action_id: CUSTOMER_PICK,
    placeholder: plain('Type a name, slug or #number', LIMITS.placeholder),
    // Short names ("Bo") must be findable; the local answer is cheap.
    min_query_length: 1,
    ...(initial ? { initial_option: option(initial) } : {}),
  };
}

export interface CustomerSearch {
  rows: RmCustomerRow[];
  /** The local read model knew nothing and Pivotal was asked. */
  fromPivotal: boolean;
  /** Why Pivotal could not be asked (it failed or was too slow); undefined when it answered or was not needed. */
  pivotalProblem?: unknown;
}

/**
 * Customer references (a display id `245`/`#245`, a cuid, a slug or a name) are answered from the
 * read model. Only when it knows nothing is Pivotal asked, within `budgetMs`: the newest customers
 * (and the record itself for an id, or the slug filter), all kept in the read model so the next
 * search is local. A late answer still lands in the read model, in the background.
 */
export async function searchCustomers(
  ctx: AppContext,
  session: Session,
  reference: string,
  opts: { budgetMs: number; limit: number },
): Promise<CustomerSearch> {
  const local = await findCustomers(ctx.store.db, session.workspaceId, reference, opts.limit);
  if (local.length > 0 || !session.connection || !reference.trim()) return { rows: local, fromPivotal: false };
  const refresh = ctx.background.track(() => refreshFromPivotal(ctx, session, reference));
  const outcome = await settleWithin(refresh, opts.budgetMs);
  if (outcome === 'late' || 'error' in outcome) {
    ctx.logger.warn(
      { err: outcome === 'late' ? undefined : outcome.error, workspace: session.workspaceId },
      'customer search: Pivotal did not answer in time',
    );
    return { rows: [], fromPivotal: true, pivotalProblem: outcome === 'late' ? 'late' : outcome.error };
  }
  return { rows: await findCustomers(ctx.store.db, session.workspaceId, reference, opts.limit), fromPivotal: true };
}

export function suggestionOptions(search: CustomerSearch): PlainTextOption[] {
  return search.rows.slice(0, 100).map((row) => option(customerChoice(row)));
}

const DISPLAY_ID = /^#?(\d{1,12})$/;
const CUID = /^c[a-z0-9]{19,30}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

async function refreshFromPivotal(ctx: AppContext, session: Session, reference: string): Promise<void> {
  const client = session.connection!.client;
  const ref = reference.trim();
  const found: Customer[] = (await client.listCustomers({ limit: PIVOTAL_PAGE })).data;
  const known = (match: (c: Customer) => boolean) => found.some(match);
  const id = DISPLAY_ID.exec(ref)?.[1] ?? (CUID.test(ref) ? ref : undefined);
  if (id && !known((c) => c.id === id || String(c.display_id) === id)) {
    try {
      found.push(await client.getCustomer(id));
    } catch (err) {
      if (!(err instanceof PivotalNotFoundError)) throw err;
    }
  } else if (SLUG.test(ref) && !known((c) => c.slug === ref)) {
    // Pivotal implies a slug filter without naming it: keep only a real match in case it is ignored.
    found.push(...(await client.listCustomers({ slug: ref, limit: 1 })).data.filter((c) => c.slug === ref));
  }
  const now = ctx.now().toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    for (const customer of found) await upsertCustomer(trx, session.workspaceId, customerRecord(customer), now);
  });
}

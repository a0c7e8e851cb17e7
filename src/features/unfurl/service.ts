import type { KnownBlock } from '@slack/types';
import type { AppContext } from '../../context.js';
import { PIVOTAL_APP_URL } from '../../pivotal/index.js';
import { loadPhaseSequence } from '../../store/phases.js';
import { findOnboarding, getCustomerRow, onboardingsOfCustomer } from '../../store/read-model.js';
import type { Session } from '../shared/session.js';
import { customerCard, onboardingCard } from './views.js';

export interface PivotalLink {
  kind: 'customers' | 'onboardings';
  displayId: number;
}

const PIVOTAL_HOST = new URL(PIVOTAL_APP_URL).host;

/** `https://my.pivotal.app/customers/245-aurora` or `/onboardings/12`; Pivotal ignores the slug part when routing. */
export function parsePivotalLink(url: string): PivotalLink | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.host !== PIVOTAL_HOST) return undefined;
  const match = /^\/(customers|onboardings)\/(\d{1,12})(?:-[^/]*)?\/?$/.exec(parsed.pathname);
  return match ? { kind: match[1] as PivotalLink['kind'], displayId: Number(match[2]) } : undefined;
}

/** Cards for the links the read model knows; unknown ones are left to Slack's plain link. */
export async function unfurlCards(ctx: AppContext, session: Session, urls: readonly string[]): Promise<Map<string, KnownBlock[]>> {
  const db = ctx.store.db;
  const ws = session.workspaceId;
  const cards = new Map<string, KnownBlock[]>();
  const context = { mode: session.mode, phases: await loadPhaseSequence(db, ws), now: ctx.now() };
  for (const url of urls) {
    const link = parsePivotalLink(url);
    if (!link || cards.has(url)) continue;
    if (link.kind === 'onboardings') {
      const onboarding = await findOnboarding(db, ws, String(link.displayId));
      if (onboarding) cards.set(url, onboardingCard(onboarding, await getCustomerRow(db, ws, onboarding.customer_id), context));
    } else {
      const customer = await db.selectFrom('rm_customers').selectAll().where('workspace_id', '=', ws).where('display_id', '=', link.displayId).where('deleted', '=', 0).executeTakeFirst();
      if (customer) cards.set(url, customerCard(customer, await onboardingsOfCustomer(db, ws, customer.id), context));
    }
  }
  return cards;
}

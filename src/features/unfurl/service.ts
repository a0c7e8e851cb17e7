import type { KnownBlock } from '@slack/types';
import type { AppContext } from '../../context.js';
import type { RmCustomerRow } from '../../store/schema-domain.js';
import { loadPhaseSequence } from '../../store/phases.js';
import {
  customerByDisplayId,
  customerBySlug,
  findOnboarding,
  getCustomerRow,
  onboardingsOfCustomer,
} from '../../store/read-model.js';
import type { Session } from '../shared/session.js';
import { customerCard, onboardingCard } from './views.js';

export type PivotalLink =
  | { kind: 'onboardings'; displayId: number }
  /** A customer page names the customer by display id (`/customers/245`) or by slug (`/customers/aurora`). */
  | { kind: 'customers'; displayId: number | null; slug: string | null };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DISPLAY_ID = /^(\d{1,12})(?:-[^/]*)?$/;

/**
 * A page of the Pivotal web app at `webUrl` (the configured PIVOTAL_WEB_URL, whose host may not be the
 * default one): `/customers/245`, `/customers/245-aurora` (a slug after the display id is cosmetic, but
 * the whole segment may also be a slug), `/customers/aurora`, and `/onboardings/12`, which the app once
 * wrote and people may still paste.
 */
export function parsePivotalLink(url: string, webUrl: string): PivotalLink | undefined {
  let parsed: URL;
  let base: URL;
  try {
    parsed = new URL(url);
    base = new URL(webUrl);
  } catch {
    return undefined;
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  if (parsed.host !== base.host || !parsed.pathname.startsWith(`${prefix}/`)) return undefined;
  const match = /^\/(customers|onboardings)\/([^/]+)\/?$/.exec(parsed.pathname.slice(prefix.length));
  if (!match) return undefined;
  const segment = match[2]!.toLowerCase();
  const digits = DISPLAY_ID.exec(segment)?.[1];
  const displayId = digits === undefined ? null : Number(digits);
  if (match[1] === 'onboardings') return displayId === null ? undefined : { kind: 'onboardings', displayId };
  const slug = SLUG.test(segment) && segment !== digits ? segment : null;
  return displayId === null && slug === null ? undefined : { kind: 'customers', displayId, slug };
}

/** Cards for the links the read model knows; unknown ones are left to Slack's plain link. */
export async function unfurlCards(
  ctx: AppContext,
  session: Session,
  urls: readonly string[],
): Promise<Map<string, KnownBlock[]>> {
  const db = ctx.store.db;
  const ws = session.workspaceId;
  const cards = new Map<string, KnownBlock[]>();
  const context = { mode: session.mode, phases: await loadPhaseSequence(db, ws), now: ctx.now() };
  for (const url of urls) {
    const link = parsePivotalLink(url, ctx.config.pivotalWebUrl);
    if (!link || cards.has(url)) continue;
    if (link.kind === 'onboardings') {
      const onboarding = await findOnboarding(db, ws, String(link.displayId));
      if (onboarding)
        cards.set(url, onboardingCard(onboarding, await getCustomerRow(db, ws, onboarding.customer_id), context));
    } else {
      const customer = await linkedCustomer(ctx, ws, link);
      if (customer) cards.set(url, customerCard(customer, await onboardingsOfCustomer(db, ws, customer.id), context));
    }
  }
  return cards;
}

/** By display id first, as the documents' own links are; else by slug. */
async function linkedCustomer(
  ctx: AppContext,
  ws: string,
  link: Extract<PivotalLink, { kind: 'customers' }>,
): Promise<RmCustomerRow | undefined> {
  const db = ctx.store.db;
  const byDisplayId = link.displayId === null ? undefined : await customerByDisplayId(db, ws, link.displayId);
  if (byDisplayId || link.slug === null) return byDisplayId;
  return customerBySlug(db, ws, link.slug);
}

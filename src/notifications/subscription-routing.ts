import { z } from 'zod';
import type { AppContext } from '../context.js';
import { FINISHED_PHASE, FINISHED_STATES } from '../domain/finished.js';
import {
  canonicalSubscription,
  matchingEvents,
  type Placement,
  type Subscription,
  type SubscriptionEvent,
} from '../domain/subscription-filter.js';
import { addressRow, channelsWithParentPost, unroutedSiblings, type AddressedCopy } from '../store/outbox-routes.js';
import type { OutboxRow } from '../store/schema-domain.js';
import { listSubscriptions } from '../store/subscriptions.js';
import type { ActivityEvent } from './activity.js';
import { ActivityEventSchema, parseActivityPayload } from './activity-payload.js';
import type { LoadedCard } from './card-data.js';
import type { OnboardingFacts } from './change-facts.js';
import { routeFor } from './routing.js';

/**
 * Which channels hear a change, and how. The default route (the customer's own channel, else the
 * notification channel) hears every event, as before subscriptions existed, unless that channel has
 * subscriptions of its own; every subscribed channel hears what its filters let through.
 */

/** `customer` and `workspace` rows follow the default route as it stands when they are sent (a refused customer channel falls back). */
export type RouteSource = 'customer' | 'workspace' | 'subscription';

/** How a routed outbox row posts: the changes of its save this channel hears, and their placement. */
export interface Route {
  source: RouteSource;
  events: ActivityEvent[];
  /** Unset: the channel's own threading setting (`/pivotal channel threads`). */
  placement?: Placement;
  /** Also show the thread reply in the channel. */
  broadcast: boolean;
}

const RouteSchema = z.object({
  source: z.enum(['customer', 'workspace', 'subscription']),
  events: z.array(ActivityEventSchema).min(1),
  placement: z.enum(['threaded', 'flat']).optional(),
  broadcast: z.boolean(),
});

export function parseRoute(route: string): Route | null {
  try {
    const parsed = RouteSchema.safeParse(JSON.parse(route));
    return parsed.success ? (parsed.data as Route) : null;
  } catch {
    return null;
  }
}

/** The subscription events one recorded change stands for. */
export function subscriptionEventsOf(event: ActivityEvent): SubscriptionEvent[] {
  switch (event.kind) {
    case 'onboarding.opened':
      return ['created'];
    case 'onboarding.phase_changed':
      return [
        'phase',
        ...(event.direction === 'back' ? (['sent_back'] as const) : []),
        ...(event.to === FINISHED_PHASE ? (['launched'] as const) : []),
      ];
    case 'onboarding.state_changed':
      return [
        'state',
        ...(event.to === 'at_risk' ? (['at_risk'] as const) : []),
        ...(FINISHED_STATES.includes(event.to) ? (['launched'] as const) : []),
      ];
    case 'onboarding.target_changed':
      return ['target'];
    case 'onboarding.removed':
      return [];
  }
}

/** Same-instant changes read in this order: opened, phase, state, target. */
const KIND_ORDER: ActivityEvent['kind'][] = [
  'onboarding.opened',
  'onboarding.phase_changed',
  'onboarding.state_changed',
  'onboarding.target_changed',
  'onboarding.removed',
];

export interface StoredSubscription {
  channelId: string;
  subscription: Subscription;
}

export async function workspaceSubscriptions(ctx: AppContext, workspaceId: string): Promise<StoredSubscription[]> {
  const rows = await listSubscriptions(ctx.store.db, workspaceId);
  return rows.map((r) => ({ channelId: r.channel_id, subscription: canonicalSubscription(JSON.parse(r.spec)) }));
}

const FactsSchema = z.object({
  phase: z.string(),
  state: z.string(),
  owner: z.string().nullable(),
  customerId: z.string().nullable(),
});

/** The onboarding as the change left it (kept with the row), else as the read model has it now. */
function factsOf(row: OutboxRow, loaded: LoadedCard): OnboardingFacts {
  const kept = row.facts ? FactsSchema.safeParse(JSON.parse(row.facts)) : undefined;
  if (kept?.success) return kept.data;
  return {
    phase: loaded.onboarding.phase,
    state: loaded.onboarding.state,
    owner: loaded.card.owner.kind === 'slack' ? loaded.card.owner.userId : null,
    customerId: loaded.onboarding.customer_id,
  };
}

/** One channel's share of the change: the events its subscriptions let through (pure, for the bench too). */
export function planSubscribedChannels(
  subscriptions: readonly StoredSubscription[],
  events: readonly ActivityEvent[],
  facts: OnboardingFacts,
): Map<string, Route> {
  const byChannel = new Map<string, Route>();
  for (const { channelId, subscription } of subscriptions) {
    const heard = events.filter(
      (event) => matchingEvents(subscription, { ...facts, events: subscriptionEventsOf(event) }).length > 0,
    );
    if (heard.length === 0) continue;
    const broadcast = heard.some((event) =>
      subscriptionEventsOf(event).some((e) => subscription.broadcast.includes(e)),
    );
    const known = byChannel.get(channelId);
    if (!known) {
      byChannel.set(channelId, { source: 'subscription', events: heard, placement: subscription.placement, broadcast });
      continue;
    }
    known.events = events.filter((e) => known.events.includes(e) || heard.includes(e));
    known.broadcast ||= broadcast;
  }
  return byChannel;
}

export type RouteOutcome = { kind: 'routed'; channels: number } | { kind: 'no_channel' } | { kind: 'raced' };

/**
 * Routes an unrouted row with the other rows of the same save: one routed row per channel that
 * hears any of them. `no_channel`: nothing could hear it because no channel is set up at all.
 */
export async function routeRow(
  ctx: AppContext,
  row: OutboxRow,
  loaded: LoadedCard,
  unusable: (channelId: string) => boolean,
): Promise<RouteOutcome> {
  const ws = row.workspace_id;
  const siblings = await unroutedSiblings(ctx.store.db, row);
  const parsed = siblings
    .map((r) => ({ id: r.id, event: parseActivityPayload(r.payload) }))
    .filter((p): p is { id: string; event: ActivityEvent } => p.event !== null)
    .sort((a, b) => KIND_ORDER.indexOf(a.event.kind) - KIND_ORDER.indexOf(b.event.kind));
  const events = parsed.map((p) => p.event);
  const targets: AddressedCopy[] = [];
  const add = (channelId: string, route: Route) => {
    if (!targets.some((t) => t.channelId === channelId)) targets.push({ channelId, route: JSON.stringify(route) });
  };

  const removals = events.filter((e) => e.kind === 'onboarding.removed');
  if (removals.length) {
    for (const channelId of await channelsWithParentPost(ctx.store.db, ws, loaded.onboarding.id))
      add(channelId, { source: 'subscription', events: removals, placement: 'threaded', broadcast: false });
  }
  const changes = events.filter((e) => e.kind !== 'onboarding.removed');
  const subscriptions = await workspaceSubscriptions(ctx, ws);
  const subscribed = planSubscribedChannels(subscriptions, changes, factsOf(row, loaded));
  const fallback = await routeFor(ctx, ws, loaded.customer?.slack_channel_id, unusable);
  if (!fallback && subscriptions.length === 0 && removals.length === 0) return { kind: 'no_channel' };
  if (changes.length && fallback && !subscriptions.some((s) => s.channelId === fallback.channelId))
    add(fallback.channelId, { source: fallback.source, events: changes, broadcast: false });
  for (const [channelId, route] of subscribed) add(channelId, route);

  const claimed = await addressRow(
    ctx.store.db,
    row,
    parsed.map((p) => p.id),
    targets,
    ctx.now().toISOString(),
  );
  return claimed ? { kind: 'routed', channels: targets.length } : { kind: 'raced' };
}

import type { AppContext } from '../../context.js';
import { FINISHED_STATES } from '../../domain/finished.js';
import {
  canonicalSubscription,
  describeSubscription,
  filterKey,
  parseSubscription,
  type Subscription,
  type Vocabulary,
} from '../../domain/subscription-filter.js';
import { SETTABLE_STATES, stateName } from '../../domain/states.js';
import { workspaceChannel } from '../../notifications/routing.js';
import { loadPhaseSequence } from '../../store/phases.js';
import { customersOfChannel, findCustomers, someCustomers, valuesInUse } from '../../store/read-model.js';
import type { ChannelSubscriptionRow } from '../../store/schema-subscriptions.js';
import { listSubscriptions, removeSubscriptions, saveSubscription } from '../../store/subscriptions.js';
import type { Actor } from '../shared/actor.js';
import type { Session } from '../shared/session.js';
import { type ChannelAccess, defaultRouteLine, subscribedText, subscriptionLines } from './views.js';

type Vocab = Pick<Vocabulary, 'phases' | 'states'>;

async function baseVocabulary(ctx: AppContext, workspaceId: string): Promise<Vocab> {
  const db = ctx.store.db;
  const phases = (await loadPhaseSequence(db, workspaceId)).all.map((p) => ({ key: p.key, name: p.name }));
  const stateKeys = [
    ...new Set([...SETTABLE_STATES, ...FINISHED_STATES, ...(await valuesInUse(db, workspaceId, 'state'))]),
  ];
  return { phases, states: stateKeys.map((key) => ({ key, name: stateName(key) })) };
}

/** A customer token names one customer: its number, slug, or name (with `-` for spaces). */
async function resolveCustomer(ctx: AppContext, workspaceId: string, token: string) {
  for (const reference of [token, token.replace(/[-_]+/g, ' ')]) {
    const hits = await findCustomers(ctx.store.db, workspaceId, reference, 2);
    const exact = hits.find((c) => c.name_lower === reference.toLowerCase());
    const hit = hits.length === 1 ? hits[0] : exact;
    if (hit) return { id: hit.id, name: hit.name };
  }
  return undefined;
}

/** The workspace's words for the parser; customer tokens are looked up before parsing (the parser is pure). */
async function vocabularyFor(ctx: AppContext, workspaceId: string, text: string): Promise<Vocabulary> {
  const customers = new Map<string, { id: string; name: string }>();
  for (const match of text.matchAll(/(?:^|\s)-?customer:(\S+)/gi)) {
    for (const token of match[1]!.split(',').filter(Boolean)) {
      const hit = await resolveCustomer(ctx, workspaceId, token);
      if (hit) customers.set(token, hit);
    }
  }
  const examples = (await someCustomers(ctx.store.db, workspaceId, 5)).map((c) => c.slug ?? `#${c.display_id}`);
  return {
    ...(await baseVocabulary(ctx, workspaceId)),
    customer: (token) => customers.get(token),
    customerExamples: examples,
  };
}

/** Posts in a channel need the app in it: public channels it joins, private ones need an invitation. */
async function ensureMember(ctx: AppContext, actor: Actor, channelId: string): Promise<ChannelAccess> {
  try {
    const info = await actor.slack.conversations.info({ channel: channelId });
    if (info.channel?.is_member) return 'member';
    if (info.channel?.is_private) return 'invite';
    await actor.slack.conversations.join({ channel: channelId });
    return 'joined';
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    // A private channel the app is not in is invisible to it.
    if (code === 'channel_not_found' || code === 'method_not_supported_for_channel_type') return 'invite';
    ctx.logger.warn(
      { err, channelId },
      'subscribe: could not check the channel; the dispatcher reports problems later',
    );
    return 'unknown';
  }
}

const isChannel = (channelId: string) => /^[CG]/.test(channelId);
const NOT_A_CHANNEL =
  'Subscriptions belong to channels: run `/pivotal subscribe` in the channel that should hear the updates.';

/** A command typed in a channel: who, where, and the words after the subcommand. */
export interface ChannelRequest {
  session: Session;
  actor: Actor;
  channelId: string;
  args: string;
}

export async function subscribe(ctx: AppContext, { session, actor, channelId, args }: ChannelRequest): Promise<string> {
  if (!isChannel(channelId)) return NOT_A_CHANNEL;
  const ws = session.workspaceId;
  const vocab = await vocabularyFor(ctx, ws, args);
  const parsed = parseSubscription(args, vocab);
  if (!parsed.ok) return `:warning: ${parsed.problem}`;
  const { subscription, names } = parsed;
  const hadAny = (await listSubscriptions(ctx.store.db, ws, channelId)).length > 0;
  const isNew = await saveSubscription(ctx.store.db, {
    workspaceId: ws,
    channelId,
    filterKey: filterKey(subscription),
    spec: JSON.stringify(subscription),
    names: JSON.stringify(names),
    createdBy: actor.userId,
    now: ctx.now().toISOString(),
  });
  const access = await ensureMember(ctx, actor, channelId);
  const replacesDefault = !hadAny && (await isDefaultChannel(ctx, ws, channelId));
  ctx.outbox.nudge();
  return subscribedText({
    channelId,
    description: describeSubscription(subscription, vocab, names),
    isNew,
    access,
    replacesDefault,
  });
}

async function isDefaultChannel(ctx: AppContext, workspaceId: string, channelId: string): Promise<boolean> {
  return (
    (await workspaceChannel(ctx, workspaceId)) === channelId ||
    (await customersOfChannel(ctx.store.db, workspaceId, channelId)).length > 0
  );
}

export async function unsubscribe(ctx: AppContext, { session, channelId, args }: ChannelRequest): Promise<string> {
  if (!isChannel(channelId)) return NOT_A_CHANNEL;
  const ws = session.workspaceId;
  let key: string | undefined;
  if (args.trim()) {
    const parsed = parseSubscription(args, await vocabularyFor(ctx, ws, args));
    if (!parsed.ok) return `:warning: ${parsed.problem}`;
    key = filterKey(parsed.subscription);
  }
  const removed = await removeSubscriptions(ctx.store.db, ws, channelId, key);
  const left = await describeChannel(ctx, ws, channelId);
  if (removed === 0)
    return `${key ? 'This channel has no subscription with that filter.' : 'This channel has no subscriptions.'}\n${left}`;
  return `:white_check_mark: Removed ${removed === 1 ? 'the subscription' : `${removed} subscriptions`}.\n${left}`;
}

/** `/pivotal subscriptions`: what this channel hears, and who asked for each. */
export async function channelSubscriptions(ctx: AppContext, { session, channelId }: ChannelRequest): Promise<string> {
  if (!isChannel(channelId)) return NOT_A_CHANNEL;
  return describeChannel(ctx, session.workspaceId, channelId);
}

async function describeChannel(ctx: AppContext, workspaceId: string, channelId: string): Promise<string> {
  const rows = await listSubscriptions(ctx.store.db, workspaceId, channelId);
  if (rows.length) return subscriptionLines(await describedRows(ctx, workspaceId, rows)).join('\n');
  const customers = await customersOfChannel(ctx.store.db, workspaceId, channelId);
  const isNotify = (await workspaceChannel(ctx, workspaceId)) === channelId;
  return defaultRouteLine({ channelId, isNotify, customerNames: customers.map((c) => c.name) });
}

export interface DescribedSubscription {
  channelId: string;
  description: string;
  createdBy: string;
}

async function describedRows(
  ctx: AppContext,
  workspaceId: string,
  rows: readonly ChannelSubscriptionRow[],
): Promise<DescribedSubscription[]> {
  const vocab = await baseVocabulary(ctx, workspaceId);
  return rows.map((r) => ({
    channelId: r.channel_id,
    description: describeSubscription(
      canonicalSubscription(JSON.parse(r.spec) as Subscription),
      vocab,
      JSON.parse(r.names) as Record<string, string>,
    ),
    createdBy: r.created_by,
  }));
}

/** Every channel's subscriptions, for the admins' Home settings. */
export async function allSubscriptions(ctx: AppContext, workspaceId: string): Promise<DescribedSubscription[]> {
  return describedRows(ctx, workspaceId, await listSubscriptions(ctx.store.db, workspaceId));
}

/**
 * What a channel subscribes to: which changes (events) of which onboardings (filters), and how the
 * posts are placed. Pure: the parser gets the workspace's vocabulary (its phase names, its customers)
 * from the caller, so one rule serves the slash command, Home and the dispatcher.
 *
 *   /pivotal subscribe phase:launch,review -state:paused
 *   /pivotal subscribe launched sent_back customer:acme owner:@casey flat broadcast:launched
 */

export const SUBSCRIPTION_EVENTS = ['created', 'phase', 'sent_back', 'state', 'target', 'launched', 'at_risk'] as const;
export type SubscriptionEvent = (typeof SUBSCRIPTION_EVENTS)[number];

export const FILTER_KEYS = ['phase', 'state', 'owner', 'customer'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export type Placement = 'threaded' | 'flat';

export interface Subscription {
  /** Empty: every event. */
  events: SubscriptionEvent[];
  /** Per key, the values one of which the onboarding must have (empty: any). */
  include: Partial<Record<FilterKey, string[]>>;
  /** Per key, the values it must not have. */
  exclude: Partial<Record<FilterKey, string[]>>;
  placement: Placement;
  /** Events whose thread reply is also sent to the channel. */
  broadcast: SubscriptionEvent[];
}

/** The workspace's words: phase keys with their names, the states, and a customer lookup. */
export interface Vocabulary {
  phases: ReadonlyArray<{ key: string; name: string }>;
  states: ReadonlyArray<{ key: string; name: string }>;
  /** Resolves a customer token (slug, name, `#12`) to its id and name. */
  customer(token: string): { id: string; name: string } | undefined;
  /** A few customers to suggest when a token names none. */
  customerExamples: readonly string[];
}

export type ParseResult =
  | { ok: true; subscription: Subscription; names: Record<string, string> }
  | { ok: false; problem: string };

const EVENT_WORDS: Record<SubscriptionEvent, string> = {
  created: 'new onboardings',
  phase: 'phase moves',
  sent_back: 'sends back',
  state: 'state changes',
  target: 'target launch changes',
  launched: 'launches',
  at_risk: 'onboardings turning at risk',
};

/** Phase and state keys compare without case or separators: `Program design`, `program-design`, `program_design`. */
export const normalizeWord = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Names are people's words: Slack's three control characters escaped, as everywhere else. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const list = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(', ');
/** `launch` (Go live): the key to type, and the name the workspace gave it. */
const named = (p: { key: string; name: string }) =>
  normalizeWord(p.name) === normalizeWord(p.key) ? `\`${p.key}\`` : `\`${p.key}\` (${esc(p.name)})`;

function orList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

const ownerId = (token: string) =>
  /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token)?.[1] ?? /^([UW][A-Z0-9]{6,})$/.exec(token)?.[1];

export const emptySubscription = (): Subscription => ({
  events: [],
  include: {},
  exclude: {},
  placement: 'threaded',
  broadcast: [],
});

function parseEvents(
  raw: string,
  token: string,
): { ok: true; events: SubscriptionEvent[] } | { ok: false; problem: string } {
  const events: SubscriptionEvent[] = [];
  for (const value of raw.split(',').filter(Boolean)) {
    const event = SUBSCRIPTION_EVENTS.find((e) => e === normalizeWord(value));
    if (!event)
      return {
        ok: false,
        problem: `\`${esc(token)}\`: I don't know the event \`${esc(value)}\`. Events: ${list(SUBSCRIPTION_EVENTS)}.`,
      };
    if (!events.includes(event)) events.push(event);
  }
  return { ok: true, events };
}

/** One filter value checked against the workspace's words; returns the stored value or the problem. */
function filterValue(
  key: FilterKey,
  value: string,
  token: string,
  vocab: Vocabulary,
  names: Record<string, string>,
): { ok: true; value: string } | { ok: false; problem: string } {
  const word = normalizeWord(value);
  if (key === 'phase' || key === 'state') {
    const known = key === 'phase' ? vocab.phases : vocab.states;
    const hit = known.find((p) => normalizeWord(p.key) === word || normalizeWord(p.name) === word);
    if (hit) return { ok: true, value: hit.key };
    return {
      ok: false,
      problem: `\`${esc(token)}\`: this workspace has no ${key} \`${esc(value)}\`. ${key === 'phase' ? 'Phases' : 'States'}: ${known.map(named).join(', ')}.`,
    };
  }
  if (key === 'owner') {
    const id = ownerId(value);
    if (id) return { ok: true, value: id };
    return {
      ok: false,
      problem: `\`${esc(token)}\`: \`${esc(value)}\` is not a Slack user. Type \`@\` and pick the person from Slack's list, e.g. \`owner:@casey\`.`,
    };
  }
  const customer = vocab.customer(value);
  if (customer) {
    names[customer.id] = customer.name;
    return { ok: true, value: customer.id };
  }
  const examples = vocab.customerExamples.length ? ` Customers include ${list(vocab.customerExamples)}.` : '';
  return {
    ok: false,
    problem: `\`${esc(token)}\`: no customer \`${esc(value)}\`. Name it by its slug, its name (spaces as \`-\`) or its number (\`#12\`).${examples}`,
  };
}

/**
 * Reads the words after `/pivotal subscribe`. Bare words are events or placement (`threaded`, `flat`);
 * `key:a,b` keeps onboardings with one of the values, `-key:a` drops those with it; `broadcast:e1,e2`.
 */
export function parseSubscription(text: string, vocab: Vocabulary): ParseResult {
  const subscription = emptySubscription();
  const names: Record<string, string> = {};
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const pair = /^(-?)([A-Za-z_]+):(.*)$/.exec(token);
    if (!pair) {
      const word = normalizeWord(token);
      if (word === 'threaded' || word === 'flat') {
        subscription.placement = word;
        continue;
      }
      const parsed = parseEvents(token, token);
      if (!parsed.ok)
        return {
          ok: false,
          problem: `\`${esc(token)}\` is neither an event nor a filter. Events: ${list(SUBSCRIPTION_EVENTS)}; filters: ${list(FILTER_KEYS.map((k) => `${k}:`))} (\`-\` in front excludes); placement: \`threaded\`, \`flat\`; \`broadcast:launched,sent_back\`.`,
        };
      for (const e of parsed.events) if (!subscription.events.includes(e)) subscription.events.push(e);
      continue;
    }
    const [, minus, rawKey, rawValues] = pair as unknown as [string, string, string, string];
    const key = rawKey.toLowerCase();
    if (key === 'broadcast' && !minus) {
      const parsed = parseEvents(rawValues, token);
      if (!parsed.ok) return parsed;
      subscription.broadcast = parsed.events;
      continue;
    }
    const filterKey = FILTER_KEYS.find((k) => k === key);
    if (!filterKey)
      return {
        ok: false,
        problem: `\`${esc(token)}\`: I don't know the filter \`${esc(rawKey)}:\`. Filters: ${list(FILTER_KEYS.map((k) => `${k}:`))}, each with \`-\` in front to exclude; also \`broadcast:\`.`,
      };
    const values = rawValues.split(',').filter(Boolean);
    if (values.length === 0)
      return {
        ok: false,
        problem: `\`${esc(token)}\`: give at least one value after \`${filterKey}:\`, e.g. \`${filterKey}:a,b\`.`,
      };
    const target = minus ? subscription.exclude : subscription.include;
    for (const value of values) {
      const checked = filterValue(filterKey, value, token, vocab, names);
      if (!checked.ok) return checked;
      const kept = (target[filterKey] ??= []);
      if (!kept.includes(checked.value)) kept.push(checked.value);
    }
  }
  return { ok: true, subscription: canonicalSubscription(subscription), names };
}

/** Sorted values and keys: two ways of typing the same subscription compare equal. */
export function canonicalSubscription(s: Subscription): Subscription {
  const sortedRecord = (r: Subscription['include']) => {
    const out: Subscription['include'] = {};
    for (const key of FILTER_KEYS) if (r[key]?.length) out[key] = [...r[key]].sort();
    return out;
  };
  const order = (events: SubscriptionEvent[]) => SUBSCRIPTION_EVENTS.filter((e) => events.includes(e));
  return {
    events: order(s.events),
    include: sortedRecord(s.include),
    exclude: sortedRecord(s.exclude),
    placement: s.placement,
    broadcast: order(s.broadcast),
  };
}

/** The same events and filters (placement aside): what `/pivotal unsubscribe <filter>` compares. */
export function filterKey(s: Subscription): string {
  const c = canonicalSubscription(s);
  return JSON.stringify({ events: c.events, include: c.include, exclude: c.exclude });
}

/** How a subscription reads, e.g. "phase moves and launches of onboardings in Launch or Review, not Paused; threaded". */
export function describeSubscription(
  s: Subscription,
  vocab: Pick<Vocabulary, 'phases' | 'states'>,
  names: Record<string, string> = {},
): string {
  const what = s.events.length
    ? orList(s.events.map((e) => EVENT_WORDS[e])).replace(/ or ([^,]+)$/, ' and $1')
    : 'every change';
  const label = (key: FilterKey, value: string) => {
    if (key === 'phase') return `*${esc(vocab.phases.find((p) => p.key === value)?.name ?? value)}*`;
    if (key === 'state') return `*${esc(vocab.states.find((p) => p.key === value)?.name ?? value)}*`;
    if (key === 'owner') return `<@${value}>`;
    return `*${esc(names[value] ?? value)}*`;
  };
  const clauses: string[] = [];
  const phrase: Record<FilterKey, [string, string]> = {
    phase: ['in', 'not in'],
    state: ['that are', 'not'],
    owner: ['owned by', 'not owned by'],
    customer: ['of', 'not of'],
  };
  for (const key of FILTER_KEYS) {
    const inc = s.include[key];
    if (inc?.length) clauses.push(`${phrase[key][0]} ${orList(inc.map((v) => label(key, v)))}`);
    const exc = s.exclude[key];
    if (exc?.length) clauses.push(`${phrase[key][1]} ${orList(exc.map((v) => label(key, v)))}`);
  }
  const of = clauses.length ? ` of onboardings ${clauses.join(', ')}` : ' of every onboarding';
  const placement =
    s.placement === 'flat' ? 'each change its own post' : 'one post per onboarding, changes in its thread';
  const broadcast = s.broadcast.length
    ? `; ${orList(s.broadcast.map((e) => EVENT_WORDS[e]))} also shown in the channel`
    : '';
  return `${what}${of} (${placement}${broadcast})`;
}

/** The facts of one change a subscription is matched against: the onboarding as it is after the change. */
export interface ChangeFacts {
  events: readonly SubscriptionEvent[];
  phase: string;
  state: string;
  /** The Slack user owning the onboarding, if known. */
  owner: string | null;
  customerId: string | null;
}

function factValue(key: FilterKey, facts: ChangeFacts): string | null {
  switch (key) {
    case 'phase':
      return facts.phase;
    case 'state':
      return facts.state;
    case 'owner':
      return facts.owner;
    case 'customer':
      return facts.customerId;
  }
}

/** The events of the change this subscription hears (empty: the channel hears nothing of it). */
export function matchingEvents(s: Subscription, facts: ChangeFacts): SubscriptionEvent[] {
  for (const key of FILTER_KEYS) {
    const value = factValue(key, facts);
    const inc = s.include[key];
    if (inc?.length && (value === null || !inc.includes(value))) return [];
    if (value !== null && s.exclude[key]?.includes(value)) return [];
  }
  return s.events.length ? facts.events.filter((e) => s.events.includes(e)) : [...facts.events];
}

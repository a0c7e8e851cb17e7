import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES } from '../../src/domain/phases.js';
import {
  describeSubscription,
  filterKey,
  matchingEvents,
  parseSubscription,
  SUBSCRIPTION_EVENTS,
  type ChangeFacts,
  type Vocabulary,
} from '../../src/domain/subscription-filter.js';

const vocab: Vocabulary = {
  phases: DEFAULT_PHASES.map((p) => (p.key === 'launch' ? { key: p.key, name: 'Go live' } : p)),
  states: [
    { key: 'active', name: 'Active' },
    { key: 'paused', name: 'Paused' },
    { key: 'at_risk', name: 'At risk' },
  ],
  customer: (token) => (token === 'acme' ? { id: 'cus_1', name: 'Acme <Corp>' } : undefined),
  customerExamples: ['acme'],
};

function parsed(text: string) {
  const result = parseSubscription(text, vocab);
  if (!result.ok) throw new Error(result.problem);
  return result;
}

const facts = (over: Partial<ChangeFacts> = {}): ChangeFacts => ({
  events: ['phase'],
  phase: 'launch',
  state: 'active',
  owner: 'U0CSM001',
  customerId: 'cus_1',
  ...over,
});

describe('subscription filters', () => {
  it('read events, filters, exclusions and placement, and say them back in plain words', () => {
    const { subscription, names } = parsed(
      'launched sent_back phase:go-live,review -state:paused owner:<@U0CSM001|casey> -customer:acme flat broadcast:launched',
    );
    expect(subscription).toEqual({
      events: ['sent_back', 'launched'],
      include: { phase: ['launch', 'review'], owner: ['U0CSM001'] },
      exclude: { state: ['paused'], customer: ['cus_1'] },
      placement: 'flat',
      broadcast: ['launched'],
    });
    expect(describeSubscription(subscription, vocab, names)).toBe(
      'sends back and launches of onboardings in *Go live* or *Review*, not *Paused*, owned by <@U0CSM001>, not of *Acme &lt;Corp&gt;* (each change its own post; launches also shown in the channel)',
    );
  });

  it('name the bad token and the valid values', () => {
    const problem = (text: string) => {
      const result = parseSubscription(text, vocab);
      return result.ok ? '' : result.problem;
    };
    expect(problem('phase:nowhere')).toContain('`phase:nowhere`: this workspace has no phase `nowhere`');
    expect(problem('phase:nowhere')).toContain('`launch` (Go live)');
    expect(problem('-customer:<!here>')).toContain('no customer `&lt;!here&gt;`');
    expect(problem('size:big')).toContain("I don't know the filter `size:`");
    expect(problem('broadcast:everything')).toContain("I don't know the event `everything`");
    expect(problem('phase:')).toContain('give at least one value after `phase:`');
  });

  it('match on the onboarding after the change: includes all required, any exclusion drops it', () => {
    const { subscription } = parsed('phase:launch,review -state:paused');
    expect(matchingEvents(subscription, facts())).toEqual(['phase']);
    expect(matchingEvents(subscription, facts({ phase: 'review', events: ['state', 'at_risk'] }))).toEqual([
      'state',
      'at_risk',
    ]);
    expect(matchingEvents(subscription, facts({ phase: 'internal_qa' }))).toEqual([]);
    expect(matchingEvents(subscription, facts({ state: 'paused' }))).toEqual([]);
    const onlyLaunches = parsed('launched').subscription;
    expect(matchingEvents(onlyLaunches, facts({ events: ['phase', 'launched'] }))).toEqual(['launched']);
    expect(matchingEvents(onlyLaunches, facts({ events: ['phase'] }))).toEqual([]);
    expect(matchingEvents(parsed('owner:<@U0OTHER1>').subscription, facts({ owner: null }))).toEqual([]);
  });

  const token = fc.constantFrom(
    'phase:launch',
    'phase:review,launch',
    '-phase:completed',
    'state:active',
    '-state:paused,at_risk',
    'customer:acme',
    'owner:<@U0CSM001>',
    ...SUBSCRIPTION_EVENTS,
  );

  it('compare equal however the same filter is typed (order, repeats, case)', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), (tokens) => {
        const forward = parsed(tokens.join(' ')).subscription;
        const shouted = [...tokens].reverse().map((t) => (t.startsWith('customer:') ? t : t.toUpperCase()));
        const backward = parsed([...shouted, ...shouted].join(' ')).subscription;
        expect(filterKey(backward)).toBe(filterKey(forward));
      }),
    );
  });

  it('never let through an onboarding an exclusion names, nor one outside an inclusion', () => {
    const phases = DEFAULT_PHASES.map((p) => p.key);
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 6 }),
        fc.constantFrom(...phases),
        fc.constantFrom('active', 'paused', 'at_risk'),
        fc.subarray([...SUBSCRIPTION_EVENTS], { minLength: 1 }),
        (tokens, phase, state, events) => {
          const { subscription } = parsed(tokens.join(' '));
          const heard = matchingEvents(subscription, facts({ phase, state, events }));
          if (heard.length === 0) return;
          expect(subscription.exclude.phase ?? []).not.toContain(phase);
          expect(subscription.exclude.state ?? []).not.toContain(state);
          if (subscription.include.phase) expect(subscription.include.phase).toContain(phase);
          if (subscription.include.state) expect(subscription.include.state).toContain(state);
          for (const e of heard) expect(events).toContain(e);
          if (subscription.events.length) for (const e of heard) expect(subscription.events).toContain(e);
        },
      ),
    );
  });
});

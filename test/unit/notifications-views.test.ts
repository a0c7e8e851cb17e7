import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence } from '../../src/domain/phases.js';
import type { ActivityEvent } from '../../src/notifications/activity.js';
import { parseActivityPayload } from '../../src/notifications/activity-payload.js';
import { adminAlert } from '../../src/notifications/alert-views.js';
import { describeTarget } from '../../src/notifications/describe.js';
import {
  changeLine,
  parentPost,
  replyPost,
  standalonePost,
  type OnboardingCard,
} from '../../src/notifications/post-views.js';
import { outline } from '../harness/block-kit.js';
import { visibleText } from '../harness/view-submission.js';

const phases = new PhaseSequence(DEFAULT_PHASES);
const today = new Date('2026-07-03T15:00:00.000Z');

function card(over: Partial<OnboardingCard['onboarding']> = {}, rest: Partial<OnboardingCard> = {}): OnboardingCard {
  return {
    onboarding: {
      id: 'onb_1',
      displayId: 12,
      name: null,
      phase: 'review',
      state: 'active',
      target: '2026-07-15',
      finished: false,
      ...over,
    },
    customer: { displayId: 245, name: 'Acme Corp', slug: 'acme' },
    owner: { kind: 'slack', userId: 'U0CSM001' },
    phases,
    mode: 'live',
    today,
    ...rest,
  };
}

const slack = { type: 'slack' as const, userId: 'U0CSM001' };
const pivotal = { type: 'pivotal' as const };

describe('the parent post', () => {
  it('shows customer, onboarding, progress, state, target, owner and the Move phase button', () => {
    // As the dispatcher builds it: without "today", since a post stays up for weeks.
    const post = parentPost(card({}, { today: null }));
    expect(post.blocks).toHaveLength(3);
    const text = visibleText(post.blocks);
    expect(text).toContain(
      '*<https://my.pivotal.app/customers/245|Acme Corp>* — onboarding <https://my.pivotal.app/customers/245|#12>',
    );
    expect(text).toContain('*Phase*\n3/7 Review  ▰▰▰▱▱▱▱');
    expect(text).toContain('*State*\nActive');
    expect(text).toContain('*Target launch*\nJul 15, 2026\n');
    expect(text).not.toContain('in 12 days');
    expect(text).toContain('*Owner*\n<@U0CSM001>');
    expect(post.blocks[2]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'move_open',
          text: { type: 'plain_text', text: 'Move phase', emoji: true },
          value: 'onb_1',
        },
      ],
    });
    expect(post.text).toBe('Acme Corp — onboarding #12: Review, Active, target launch Jul 15, 2026');
  });

  it('escapes what people and Pivotal wrote, and stays within Slack limits', () => {
    const long = `<!channel> & ${'x'.repeat(5000)}`;
    const post = parentPost(
      card(
        { name: '<@U0BOSS>' },
        { customer: { displayId: 1, name: long, slug: null }, owner: { kind: 'pivotal', pivotalUserId: '<b>' } },
      ),
    );
    const json = JSON.stringify(post);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0BOSS>');
    expect(visibleText(post.blocks)).toContain('&lt;!channel&gt; &amp; xxx');
    expect(visibleText(post.blocks)).toContain(
      'Not linked _(&lt;b&gt;: an admin can link it in Home › Settings › People)_',
    );
    for (const block of post.blocks) expect(JSON.stringify(block).length).toBeLessThan(3500);
    expect([...post.text].length).toBeLessThanOrEqual(3000);
  });

  it('shows a phase string the workspace does not know as it is, without progress', () => {
    const text = visibleText(parentPost(card({ phase: 'security_review' })).blocks);
    expect(text).toContain("*Phase*\nSecurity review _(not in this workspace's phase list)_");
  });

  it('says overdue, today, no target; and a finished onboarding is never overdue', () => {
    expect(describeTarget('2026-06-30', today, false)).toBe('Jun 30, 2026 · *3 days overdue*');
    expect(describeTarget('2026-07-02', today, false)).toBe('Jul 2, 2026 · *1 day overdue*');
    expect(describeTarget('2026-07-03', today, false)).toBe('Jul 3, 2026 · due today');
    expect(describeTarget('2026-07-04', today, false)).toBe('Jul 4, 2026 · in 1 day');
    expect(describeTarget('2026-06-30', today, true)).toBe('Jun 30, 2026');
    expect(describeTarget(null, today, false)).toBe('No target');
    expect(visibleText(parentPost(card({ state: 'waiting' })).blocks)).toContain('Waiting on customer');
    expect(visibleText(parentPost(card({ state: 'escalated' })).blocks)).toContain('*State*\nEscalated');
    expect(visibleText(parentPost(card({}, { owner: { kind: 'none' } })).blocks)).toContain('*Owner*\nUnassigned');
  });

  it('carries the test-key label in a test-key workspace', () => {
    const post = parentPost(card({}, { mode: 'test' }));
    expect(post.blocks.at(-1)).toMatchObject({ type: 'context', block_id: 'test_key_label' });
    expect(post.text.startsWith('[:test_tube: TEST MODE] ')).toBe(true);
    expect(JSON.stringify(parentPost(card()).blocks)).not.toContain('test_key_label');
  });
});

describe('change lines', () => {
  type WithoutId<T> = T extends unknown ? Omit<T, 'onboardingId'> : never;
  const line = (e: WithoutId<ActivityEvent>) => changeLine({ onboardingId: 'onb_1', ...e } as ActivityEvent, phases);

  it('attribute each change to its Slack author, or to Pivotal', () => {
    expect(line({ kind: 'onboarding.opened', actor: slack })).toBe(':new: <@U0CSM001> opened this onboarding.');
    expect(line({ kind: 'onboarding.opened', actor: pivotal })).toBe(':new: This onboarding was opened in Pivotal.');
    expect(
      line({
        kind: 'onboarding.phase_changed',
        from: 'review',
        to: 'program_buildout',
        direction: 'advance',
        actor: slack,
      }),
    ).toBe(':arrow_forward: <@U0CSM001> advanced the phase: *Review* → *Program buildout*');
    expect(
      line({ kind: 'onboarding.phase_changed', from: 'review', to: 'launch', direction: 'skip', actor: slack }),
    ).toBe(':fast_forward: <@U0CSM001> skipped ahead: *Review* → *Launch*, past Program buildout, Internal QA');
    expect(
      line({ kind: 'onboarding.phase_changed', from: 'launch', to: 'review', direction: 'external', actor: pivotal }),
    ).toBe(':arrow_forward: Phase moved in Pivotal: *Launch* → *Review*');
    expect(line({ kind: 'onboarding.state_changed', from: 'active', to: 'paused', actor: pivotal })).toBe(
      ':traffic_light: State changed in Pivotal: *Active* → *Paused*',
    );
    expect(
      line({ kind: 'onboarding.target_changed', from: '2026-07-01', to: '2026-07-11', reason: 'SSO', actor: slack }),
    ).toBe(
      ':calendar: <@U0CSM001> changed the target launch: *Jul 1, 2026* → *Jul 11, 2026* (10 days later)\n>*Reason:* SSO',
    );
    expect(line({ kind: 'onboarding.target_changed', from: null, to: '2026-07-11', actor: pivotal })).toBe(
      ':calendar: Target launch changed in Pivotal: set to *Jul 11, 2026*',
    );
    expect(line({ kind: 'onboarding.target_changed', from: '2026-07-11', to: null, actor: pivotal })).toBe(
      ':calendar: Target launch changed in Pivotal: removed (was Jul 11, 2026)',
    );
  });

  it('quote reasons and notes line by line, escaped', () => {
    const text = line({
      kind: 'onboarding.phase_changed',
      from: 'review',
      to: 'program_design',
      direction: 'back',
      reason: 'Scope grew\n<!channel> ping & more',
      actor: slack,
    });
    expect(text).toBe(
      ':leftwards_arrow_with_hook: <@U0CSM001> sent it back: *Review* → *Program design*\n>*Reason:* Scope grew\n>&lt;!channel&gt; ping &amp; more',
    );
  });

  it('make a reply, or with threading off a post that carries the card too', () => {
    const event: ActivityEvent = {
      kind: 'onboarding.state_changed',
      onboardingId: 'onb_1',
      from: 'active',
      to: 'at_risk',
      actor: slack,
    };
    const reply = replyPost([event], phases, 'test');
    expect(reply.blocks).toHaveLength(2);
    expect(reply.text).toBe(
      '[:test_tube: TEST MODE] :traffic_light: <@U0CSM001> changed the state: *Active* → *At risk*',
    );
    // The parent carries the full test-key sentence; a reply only the short marker.
    expect(visibleText(reply.blocks.slice(1))).toBe(':test_tube: TEST MODE');
    const flat = standalonePost([event], card({ state: 'at_risk' }));
    expect(flat.blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'actions']);
    expect(visibleText(flat.blocks)).toContain('*State*\nAt risk');
    expect(flat.text).toContain('Acme Corp — onboarding #12');
  });
});

describe('admin alerts', () => {
  it('say what is wrong and what to do', () => {
    expect(adminAlert({ reason: 'no_channel', mode: null }).text).toContain(
      'Pick one with `/pivotal channel #channel-name`',
    );
    expect(adminAlert({ reason: 'not_member', isPrivate: true, channelId: 'C1', mode: null }).text).toContain(
      'it is a private channel and I am not a member. Invite me by typing `/invite @pivotal` in <#C1>',
    );
    expect(adminAlert({ reason: 'not_member', isPrivate: false, channelId: 'C1', mode: null }).text).toContain(
      'I am not a member and could not join it.',
    );
    expect(adminAlert({ reason: 'channel_missing', channelId: 'C1', mode: 'test' }).text).toMatch(
      /^\[:test_tube: TEST MODE\] .*<#C1>: the channel no longer exists/,
    );
    expect(
      adminAlert({
        reason: 'customer_channel_archived',
        channelId: 'C1',
        customerName: 'A<b>',
        fallbackChannelId: null,
        mode: null,
      }).text,
    ).toContain(
      'The Slack channel Pivotal links to *A&lt;b&gt;* (<#C1>) was archived, so its updates wait for a notification channel',
    );
  });
});

describe('outbox payloads', () => {
  it('read back what recordActivity wrote, and nothing else', () => {
    const event: ActivityEvent = {
      kind: 'onboarding.phase_changed',
      onboardingId: 'o',
      from: 'a',
      to: 'b',
      direction: 'set',
      reason: 'r',
      actor: slack,
    };
    expect(parseActivityPayload(JSON.stringify(event))).toEqual(event);
    expect(parseActivityPayload('{"kind":"onboarding.phase_changed"}')).toBeNull();
    expect(parseActivityPayload('not json')).toBeNull();
  });
});

describe('the channel post card', () => {
  it('reads as customer and onboarding, then the four facts, then the Move phase button', () => {
    expect(outline(parentPost(card({ name: 'Pilot' }, { today: null })).blocks)).toMatchInlineSnapshot(`
      [
        "section *<https://my.pivotal.app/customers/245|Acme Corp>* — onboarding <https://my.pivotal.app/customers/245|#12> Pilot",
        "section *Phase*
      3/7 Review  ▰▰▰▱▱▱▱ | *State*
      Active | *Target launch*
      Jul 15, 2026 | *Owner*
      <@U0CSM001>",
        "actions [button "Move phase"]",
      ]
    `);
  });
});

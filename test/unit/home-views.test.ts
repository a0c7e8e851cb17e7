import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS } from '../../src/features/home/home-views-store.js';
import {
  countsHeadline,
  daysInPhase,
  homeView,
  nameBeyondCustomer,
  PAGE_ROWS,
  type HomeData,
  type HomeRow,
} from '../../src/features/home/views.js';
import { blockKitProblems, outline } from '../harness/block-kit.js';
import { visibleText } from '../harness/view-submission.js';

const NOW = new Date('2026-05-20T12:00:00.000Z');
const LONG = '<!channel> *bold* & <https://evil.example|click> '.repeat(40);

function row(i: number, over: Partial<HomeRow> = {}): HomeRow {
  return {
    id: `onb_${'x'.repeat(30)}${i}`,
    displayId: 100_000 + i,
    name: LONG,
    customerId: `cus_${i}`,
    customerDisplayId: 200 + i,
    customerName: LONG,
    phase: `phase_${'p'.repeat(180)}_${i}`,
    phaseName: LONG,
    state: LONG,
    waiting: true,
    target: '2026-05-01',
    finished: false,
    ownerSlackIds: ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7'],
    ownerPivotalId: LONG,
    phaseEnteredAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

function connected(
  over: Partial<Extract<HomeData, { kind: 'connected' }>> = {},
): Extract<HomeData, { kind: 'connected' }> {
  const rows = Array.from({ length: PAGE_ROWS }, (_, i) => row(i));
  return {
    kind: 'connected',
    now: NOW,
    today: '2026-05-20',
    connection: { mode: 'test', keyPrefix: 'pivotal_test_Ab12', orgName: LONG },
    attention: {
      needs_attention: 'api_key_revoked',
      attention_since: '2026-05-19T00:00:00.000Z',
      pivotal_key_prefix: 'pivotal_test_Ab12',
    },
    sync: {
      started: true,
      lastSyncAt: '2026-05-20T11:59:00.000Z',
      lastFullWalkAt: '2026-05-20T11:58:00.000Z',
      lagMs: 90_000,
      lastError: LONG,
      lastErrorAt: '2026-05-20T11:00:00.000Z',
      webhookConfigured: true,
      webhookLastSeenAt: '2026-05-20T11:59:30.000Z',
      onboardingsKnown: 20_000,
    },
    filters: { ...DEFAULT_FILTERS, offset: 20, focus: 'overdue', state: 'state:paused', phase: rows[3]!.phase },
    mine: false,
    listsFinished: false,
    summary: {
      counts: { overdue: 12_345, at_risk: 1, waiting: 20_000, paused: 0, due_soon: 7, launched: 999 },
      finished: 4_321,
    },
    workload: Array.from({ length: 300 }, (_, i) => ({
      ownerSlackIds: i % 2 ? ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7'] : [],
      ownerPivotalId: LONG,
      open: 1000 - i,
      overdue: i,
    })),
    phases: [
      ...rows.map((r) => ({ key: r.phase, name: LONG, count: 800 })),
      ...Array.from({ length: 150 }, (_, i) => ({ key: `extra_${i}`, name: `Extra ${i}`, count: 1 })),
    ],
    states: Array.from({ length: 200 }, (_, i) => `state_${i}_${'s'.repeat(150)}`),
    total: 20_000,
    workspaceTotal: 20_000,
    rows,
    viewerMapped: false,
    settings: {
      notifyChannel: 'C0NOTIFY1',
      phaseNames: Array.from({ length: 100 }, () => LONG),
      mappings: 3,
      webhookPath: '/pivotal/webhooks/E1%3AT1',
      subscriptions: Array.from({ length: 300 }, (_, i) => ({
        channelId: `C${i}`,
        description: 'every change of onboardings in *Launch* '.repeat(8),
        createdBy: 'U0ADMIN1',
      })),
    },
    ...over,
  };
}

describe('the Home view', () => {
  it('stays within 100 blocks and every text limit in the worst case: every row in a phase of its own', () => {
    const view = homeView(connected());
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(blockKitProblems('home', { blocks: view.blocks })).toEqual([]);
  });

  it('escapes what Pivotal and people typed, so nothing pings or links', () => {
    const text = visibleText(homeView(connected()).blocks);
    expect(text).not.toMatch(/<!channel>|<https:/);
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('labels test mode, shows the attention banner and the sync status', () => {
    const text = visibleText(homeView(connected()).blocks);
    expect(text).toContain('TEST MODE');
    expect(text).toContain('needs attention');
    // Relative times are Slack date tokens: they stay true in every reader's Slack while the Home is open.
    expect(text).toMatch(/last sync <!date\^\d+\^\{ago\}\|1 minute ago>/);
    expect(text).toContain('at most 4 minutes behind Pivotal');
    expect(text).toMatch(/Last complete sync <!date\^\d+\^\{ago\}\|2 minutes ago> \(it took 2 minutes\)/);
  });

  it('pages both ways in the middle of the list and not past the ends', () => {
    const middle = homeView(connected());
    const paging = middle.blocks.find((b) => b.block_id === 'home_paging') as {
      elements: Array<{ action_id: string; value: string }>;
    };
    expect(paging.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['home_page_prev', '0'],
      ['home_page_next', '40'],
    ]);
    const first = homeView(connected({ filters: DEFAULT_FILTERS, total: 3, rows: [row(1), row(2), row(3)] }));
    expect(first.blocks.find((b) => b.block_id === 'home_paging')).toBeUndefined();
    expect(visibleText(first.blocks)).toContain('Showing 1–3 of 3');
  });

  it('says why "Mine" is empty for someone without a mapping', () => {
    const view = homeView(connected({ filters: DEFAULT_FILTERS, mine: true, rows: [], total: 0 }));
    expect(visibleText(view.blocks)).toContain('You have no Pivotal user mapped yet');
  });

  it('leaves the settings out for people who are not admins', () => {
    expect(visibleText(homeView(connected({ settings: null })).blocks)).not.toContain('Settings (admins)');
  });
});

describe('target and phase time in words', () => {
  it('counts whole days in the phase', () => {
    expect(daysInPhase('2026-05-20T08:00:00.000Z', NOW)).toBe('entered this phase today');
    expect(daysInPhase('2026-05-19T08:00:00.000Z', NOW)).toBe('1 day in phase');
    expect(daysInPhase('2026-05-01T08:00:00.000Z', NOW)).toBe('19 days in phase');
  });
});

describe('the Home header', () => {
  it('names the connection, the sync and the pipeline filters above the rows', () => {
    const view = homeView(
      connected({
        connection: { mode: 'live', keyPrefix: 'pivotal_live_Ab12', orgName: 'Acme Onboarding' },
        attention: null,
        sync: {
          started: true,
          lastSyncAt: '2026-05-20T11:59:00.000Z',
          lastFullWalkAt: '2026-05-20T11:58:00.000Z',
          lagMs: 1_000,
          lastError: null,
          lastErrorAt: null,
          webhookConfigured: true,
          webhookLastSeenAt: '2026-05-20T11:59:30.000Z',
          onboardingsKnown: 3,
        },
        filters: DEFAULT_FILTERS,
        mine: true,
        summary: {
          counts: { overdue: 1, at_risk: 0, waiting: 2, paused: 0, due_soon: 1, launched: 0 },
          finished: 1,
        },
        workload: null,
        phases: [{ key: 'review', name: 'Review', count: 3 }],
        states: ['active', 'at_risk'],
        total: 3,
        workspaceTotal: 4,
        rows: [],
        viewerMapped: true,
      }),
    );
    const header = outline(view.blocks);
    expect(header.slice(0, header.indexOf('divider'))).toMatchInlineSnapshot(`
      [
        "header Onboarding pipeline",
        "context #live_status Connected to *Acme Onboarding* with key \`pivotal_live_Ab12…\` (live) · last sync <!date^1779278340^{ago}|1 minute ago> · at most 2 minutes behind Pivotal · webhook updates (last <!date^1779278370^{ago}|30 seconds ago>)",
        "section #home_glance *At a glance:* your onboardings [button "Onboard a customer"]",
        "actions #home_summary [button "🚨 1 overdue"] [button "⚠️ 0 at risk"] [button "⏳ 2 waiting"] [button "⏸️ 0 paused"] [button "📅 1 due in 7 days"] [button "🚀 0 launched this month"]",
        "actions #home_filters [static_select "Whose onboardings" = Mine] [static_select "State" = Any state] [static_select "Phase" = All phases] [button "Show finished (1)"]",
        "actions #home_personal [button "My notifications"]",
        "section #home_counts *3 of 4 onboardings* — mine · finished hidden
      Review *3*",
      ]
    `);
  });
});

describe('the header count', () => {
  const headline = (over: Partial<Extract<HomeData, { kind: 'connected' }>>) =>
    countsHeadline(connected({ filters: DEFAULT_FILTERS, mine: false, listsFinished: false, ...over }));

  it('always says "N of M" in correct English, naming every filter in use', () => {
    expect(headline({ total: 1, workspaceTotal: 1 })).toBe("*1 of 1 onboarding* — everyone's · finished hidden");
    expect(headline({ total: 0, workspaceTotal: 1 })).toBe("*0 of 1 onboarding* — everyone's · finished hidden");
    expect(headline({ total: 1, workspaceTotal: 2 })).toBe("*1 of 2 onboardings* — everyone's · finished hidden");
    expect(
      headline({
        total: 1_234,
        workspaceTotal: 20_000,
        mine: true,
        listsFinished: true,
        phases: [{ key: 'review', name: 'Review', count: 1_234 }],
        filters: { ...DEFAULT_FILTERS, focus: 'due_soon', state: 'state:at_risk', phase: 'review', finished: true },
      }),
    ).toBe('*1,234 of 20,000 onboardings* — mine · due in 7 days · state At risk · in Review');
  });
});

describe('a row', () => {
  const one = (over: Partial<HomeRow>) =>
    homeView(connected({ rows: [row(1, over)], total: 1, filters: DEFAULT_FILTERS })).blocks.filter((b) =>
      (b.block_id ?? '').startsWith('row'),
    );

  it('names the customer once, on one line, with the move as its button and the rest in a menu', () => {
    const [text, actions] = one({
      customerName: 'Harbor Light Insurance',
      name: 'Harbor Light Insurance onboarding',
      ownerSlackIds: ['U1'],
      state: 'active',
      waiting: false,
      target: '2026-05-23',
    });
    expect(outline([text!, actions!])).toEqual([
      'section #row:onb_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1 *Harbor Light Insurance* · #100001 · <@U1> · target in 3 days · 139 days in phase',
      'actions #row_actions:onb_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1 [button "Move phase"] [overflow]',
    ]);
    const menu = (actions as { elements: Array<{ options?: Array<{ value: string; url?: string }> }> }).elements[1]!;
    expect(menu.options!.map((o) => [o.value, o.url])).toEqual([
      ['contact:cus_1', undefined],
      ['open_in_pivotal', 'https://my.pivotal.app/customers/201'],
    ]);
  });

  it('offers no move as the main action of a finished onboarding', () => {
    const [text, actions] = one({ finished: true, customerDisplayId: null, state: 'done', waiting: false });
    expect(visibleText([text!])).toContain('finished');
    expect(outline([actions!])).toEqual([
      'actions #row_actions:onb_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1 [button "Add contact"]',
    ]);
  });

  it("keeps what an onboarding's name adds to its customer's", () => {
    expect(nameBeyondCustomer('Harbor Light Insurance onboarding', 'Harbor Light Insurance')).toBeNull();
    expect(nameBeyondCustomer('harbor light insurance', 'Harbor Light Insurance')).toBeNull();
    expect(nameBeyondCustomer('Aurora Analytics – EU expansion', 'Aurora Analytics')).toBe('EU expansion');
    expect(nameBeyondCustomer('Pilot programme', 'Aurora Analytics')).toBe('Pilot programme');
    expect(nameBeyondCustomer(null, 'Aurora Analytics')).toBeNull();
  });
});

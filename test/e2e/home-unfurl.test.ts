import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerPageUrl } from '../../src/pivotal/index.js';
import { upsertCustomer, upsertOnboarding, setPrimaryContact } from '../../src/store/read-model.js';
import { customerRecord, onboardingRecord } from '../../src/sync/projection.js';
import { CSM, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { blockKitProblems } from '../harness/block-kit.js';
import { visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

const linkShared = (urls: string[]) => ({
  type: 'link_shared',
  channel: 'C0GENERAL',
  user: CSM.id,
  message_ts: '1716200000.000100',
  event_ts: '1716200000.000200',
  is_bot_user_member: true,
  links: urls.map((url) => ({ domain: new URL(url).host, url })),
});

describe('unfurling my.pivotal.app links from the read model', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: 'test' });
    // Only the requests Home or the unfurl would make count, not the start-up check of the key with /me.
    h.pivotal.resetRequests();
    const db = h.app.ctx.store.db;
    const now = new Date().toISOString();
    await upsertCustomer(
      db,
      TEAM.id,
      customerRecord({
        id: 'cus_1',
        display_id: 245,
        name: 'Aurora <!here> Analytics',
        slug: 'aurora',
        status: 'onboarding',
      }),
      now,
    );
    await setPrimaryContact(db, TEAM.id, 'cus_1', {
      id: 'con_1',
      name: 'Maya Chen',
      email: 'maya@aurora.test',
      title: 'VP Operations',
    });
    await upsertOnboarding(
      db,
      TEAM.id,
      onboardingRecord({
        id: 'onb_1',
        display_id: 12,
        customer_id: 'cus_1',
        phase: 'review',
        state: 'paused',
        target_launch_date: '2099-01-01',
      }),
      now,
    );
  });
  afterAll(() => h.close());

  it('turns customer and onboarding links into cards, leaves unknown ones alone, and asks Pivotal nothing', async () => {
    const customerUrl = 'https://my.pivotal.app/customers/245-aurora';
    const onboardingUrl = 'https://my.pivotal.app/onboardings/12';
    const res = await h.event(
      linkShared([
        customerUrl,
        onboardingUrl,
        'https://my.pivotal.app/customers/999',
        'https://my.pivotal.app/settings',
      ]),
    );
    expect(res.status).toBe(200);
    await waitFor(() => h.slack.callsTo('chat.unfurl').length === 1, { what: 'chat.unfurl' });
    const args = h.slack.callsTo('chat.unfurl')[0]!.args as {
      channel: string;
      ts: string;
      unfurls: Record<string, { blocks: unknown[] }>;
    };
    expect(args.channel).toBe('C0GENERAL');
    expect(args.ts).toBe('1716200000.000100');
    expect(Object.keys(args.unfurls).sort()).toEqual([customerUrl, onboardingUrl].sort());
    const customer = visibleText(args.unfurls[customerUrl]!.blocks);
    expect(customer).toContain('Aurora &lt;!here&gt; Analytics');
    expect(customer).toContain('Maya Chen, VP Operations');
    expect(customer).toContain('#12 Review · Paused');
    expect(customer).toContain('TEST MODE');
    const onboarding = visibleText(args.unfurls[onboardingUrl]!.blocks);
    expect(onboarding).toContain('onboarding #12');
    expect(onboarding).toContain('Phase *Review* (3/7)');
    expect(onboarding).toMatch(/target in \d+ (days|months|years)/);
    // An unfurl is an attachment of the shared message: the notification text is that message's own.
    for (const { blocks } of Object.values(args.unfurls))
      expect(blockKitProblems('message', { text: 'the shared message', blocks })).toEqual([]);
    expect(h.pivotal.requests).toHaveLength(0);
  });

  it('does not unfurl when no link is known', async () => {
    const before = h.slack.callsTo('chat.unfurl').length;
    await h.event(linkShared(['https://my.pivotal.app/onboardings/404']));
    await h.idle();
    expect(h.slack.callsTo('chat.unfurl')).toHaveLength(before);
  });
});

describe('unfurling links on another Pivotal web host', () => {
  // A web app under a path of its own host, as a region or a test server may be.
  const BASE = 'https://pivotal.internal.example/eu';
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { PIVOTAL_WEB_URL: `${BASE}/` } });
    h.pivotal.resetRequests();
    const db = h.app.ctx.store.db;
    const now = new Date().toISOString();
    await upsertCustomer(
      db,
      TEAM.id,
      customerRecord({ id: 'cus_1', display_id: 245, name: 'Aurora Analytics', slug: 'aurora', status: 'onboarding' }),
      now,
    );
    await upsertCustomer(
      db,
      TEAM.id,
      customerRecord({ id: 'cus_2', display_id: 7, name: 'Seven Seas Co', slug: '245-seas', status: 'active' }),
      now,
    );
    await upsertOnboarding(
      db,
      TEAM.id,
      onboardingRecord({
        id: 'onb_1',
        display_id: 12,
        customer_id: 'cus_1',
        phase: 'review',
        state: 'active',
        target_launch_date: null,
      }),
      now,
    );
  });
  afterAll(() => h.close());

  it('turns the links the app writes, slug links and old onboarding links into cards; other hosts and paths stay plain', async () => {
    const written = customerPageUrl(245);
    expect(written).toBe(`${BASE}/customers/245`);
    const cards = {
      [written]: 'customer #245',
      [`${BASE}/customers/aurora`]: 'customer #245',
      [`${BASE}/customers/Aurora/`]: 'customer #245',
      // A display id with a cosmetic slug after it wins over a customer whose whole slug this is.
      [`${BASE}/customers/245-seas`]: 'customer #245',
      [`${BASE}/onboardings/12`]: 'onboarding #12',
    };
    const plain = [
      'https://my.pivotal.app/customers/245',
      'https://pivotal.internal.example/customers/245',
      `${BASE}/customers/no-such-slug`,
      `${BASE}/onboardings/aurora`,
      `${BASE}/settings`,
    ];
    await h.event(linkShared([...Object.keys(cards), ...plain]));
    await waitFor(() => h.slack.callsTo('chat.unfurl').length === 1, { what: 'chat.unfurl' });

    const { unfurls } = h.slack.callsTo('chat.unfurl')[0]!.args as { unfurls: Record<string, { blocks: unknown[] }> };
    expect(Object.keys(unfurls).sort()).toEqual(Object.keys(cards).sort());
    for (const [url, names] of Object.entries(cards)) expect(visibleText(unfurls[url]!.blocks)).toContain(names);
    expect(visibleText(unfurls[`${BASE}/customers/aurora`]!.blocks)).toContain('Aurora Analytics');
    expect(h.pivotal.requests).toHaveLength(0);
  });

  it('finds a customer by slug when no display id matches the link', async () => {
    const before = h.slack.callsTo('chat.unfurl').length;
    const url = `${BASE}/customers/245-seas`;
    await h.app.ctx.store.db
      .updateTable('rm_customers')
      .set({ deleted: 1 })
      .where('workspace_id', '=', TEAM.id)
      .where('id', '=', 'cus_1')
      .execute();
    await h.event(linkShared([url]));
    await waitFor(() => h.slack.callsTo('chat.unfurl').length === before + 1, { what: 'chat.unfurl' });

    const { unfurls } = h.slack.callsTo('chat.unfurl').at(-1)!.args as {
      unfurls: Record<string, { blocks: unknown[] }>;
    };
    expect(visibleText(unfurls[url]!.blocks)).toContain('Seven Seas Co');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startHarness, type Harness } from '../harness/app-harness.js';
import { finishedButton, homeBlocks, openHome, pressOnHome, waitForFullSync } from '../harness/home.js';
import { fastOutbox, outboxDrained, postsAbout } from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';

/**
 * Pivotal's documents name one record page, a customer's (`/customers/245`); an onboarding shows in
 * its customer's sidebar. Every link the app shows goes there, under the configured web app base.
 */

const BASE = 'https://eu.pivotal.example';
const CUSTOMER_PAGE = /^https:\/\/eu\.pivotal\.example\/customers\/(\d+)$/;

/** Every URL in a Slack payload: button `url`s and mrkdwn `<url|text>` links alike. */
function urlsIn(payload: unknown): string[] {
  return [...JSON.stringify(payload).matchAll(/https?:\/\/[^"|>\s\\]+/g)].map((m) => m[0]);
}

describe('links to Pivotal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      simulator: { rateLimit: { live: 100_000 } },
      sync: { tickMs: 20, intervalMs: 150, homeRefreshMs: 0, firstSightDelayMs: 0 },
      seed: (pivotal, orgId) => pivotal.seedDemo(orgId),
      // A trailing slash is tolerated.
      env: { PIVOTAL_WEB_URL: `${BASE}/` },
    });
    fastOutbox(h);
    await openHome(h, ADMIN);
    await waitForFullSync(h);
  });
  afterAll(() => h.close());

  const customerDisplayIdOf = (onboardingId: string) => {
    const onboarding = h.pivotal.state.get(h.orgId, 'onboardings', onboardingId)!;
    return h.pivotal.state.get(h.orgId, 'customers', onboarding.customer_id)!.display_id;
  };

  it("sends every Home row to its customer's page", async () => {
    // Finished onboardings too: the link is a finished row's main button, an open row's menu option.
    await openHome(h, ADMIN);
    const home = await pressOnHome(h, ADMIN, finishedButton('show'));
    const rows = homeBlocks(home).filter(
      (b) => typeof b.block_id === 'string' && b.block_id.startsWith('row_actions:'),
    );
    expect(rows.length).toBe(12);
    for (const row of rows) {
      const onboardingId = (row.block_id as string).slice('row_actions:'.length);
      const elements = row.elements as Array<{ action_id: string; url?: string; options?: Array<{ url?: string }> }>;
      const links = elements.flatMap((e) => [e.url, ...(e.options ?? []).map((o) => o.url)]).filter(Boolean);
      expect(links).toEqual([`${BASE}/customers/${customerDisplayIdOf(onboardingId)}`]);
    }
    const urls = urlsIn(home.view.blocks);
    expect(urls.length).toBeGreaterThanOrEqual(12);
    for (const url of urls) expect(url).toMatch(CUSTOMER_PAGE);
  });

  it("links each post and its thread only to the onboarding's customer page", async () => {
    const customer = h.pivotal.state.list(h.orgId, 'customers')[0]!;
    const opened = h.pivotal.state.createOnboarding(h.orgId, {
      customer_id: customer.id,
      phase: 'review',
      name: 'Second site',
    });
    await waitFor(() => postsAbout(h, opened.id).tops[0], { what: 'the post about the new onboarding' });
    h.pivotal.state.updateOnboarding(h.orgId, opened.id, { phase: 'program_buildout' });
    await waitFor(() => postsAbout(h, opened.id).replies[0], { what: 'the thread reply about the move' });
    await outboxDrained(h);

    const { tops, replies } = postsAbout(h, opened.id);
    const topUrls = urlsIn([tops[0]!.text, tops[0]!.blocks]);
    // The customer's name and the onboarding's number both link, both to the customer's page.
    expect(topUrls.filter((u) => u === `${BASE}/customers/${customer.display_id}`).length).toBeGreaterThanOrEqual(2);
    for (const message of [...h.slack.messages, ...replies]) {
      for (const url of urlsIn([message.text, message.blocks])) expect(url).toMatch(CUSTOMER_PAGE);
    }
  });

  it("opens a customer card on the customer's page", async () => {
    const customer = h.pivotal.state.list(h.orgId, 'customers')[1]!;
    const res = await h.command(`customer ${customer.slug}`, { user: ADMIN });
    expect(res.status).toBe(200);
    await h.idle();
    const card = h.slack.responseUrlPosts.filter((p) => p.id === res.responseUrlId).at(-1)?.body ?? res.json;
    const urls = urlsIn(card);
    expect(urls).toContain(`${BASE}/customers/${customer.display_id}`);
    for (const url of urls) expect(url).toMatch(CUSTOMER_PAGE);
  });
});

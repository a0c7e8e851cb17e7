import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import {
  ADMIN,
  NOTIFY_CHANNEL,
  startHarness,
  TEAM,
  type Harness,
  type HarnessOptions,
} from '../harness/app-harness.js';
import { homeBlocks, openHome } from '../harness/home.js';
import { fastOutbox, postsAbout } from '../harness/phase-moves.js';
import { visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/**
 * Walks of lists whose records share a created_at, as a bulk import makes them: the cursor answers
 * rows strictly older than it, so a walk that follows it blindly skips the rest of an instant at a
 * page edge. Also: a record is marked deleted only on Pivotal's 404 (or the deleted object a read may
 * answer in its place), and an org that was empty at the first sync still gets its first onboarding
 * announced.
 */

const SYNC = { tickMs: 20, intervalMs: 150, homeRefreshMs: 0, firstSightDelayMs: 0 };

const completedWalks = (h: Harness) =>
  h.logs.lines.filter((l) => l.includes('sync cycle finished') && l.includes('"walkComplete":true')).length;

async function liveRows(h: Harness, table: 'rm_onboardings' | 'rm_customers'): Promise<string[]> {
  const rows = await h.app.ctx.store.db
    .selectFrom(table)
    .select('id')
    .where('workspace_id', '=', TEAM.id)
    .where('deleted', '=', 0)
    .execute();
  return rows.map((r) => r.id).sort();
}

/** The ids a client following `next_cursor` verbatim, 100 a page, would see. */
async function verbatimWalk(pivotal: PivotalSimulator, key: string, path: string): Promise<Set<string>> {
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const url = `${pivotal.url}${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      data: Array<{ id: string }>;
      has_more: boolean;
      next_cursor: string | null;
    };
    for (const r of page.data) seen.add(r.id);
    cursor = page.has_more ? page.next_cursor : null;
  } while (cursor);
  return seen;
}

describe('a walk over records created three to a second', () => {
  const TOTAL = 252;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      simulator: { rateLimit: { live: 100_000 } },
      sync: SYNC,
      seed: (pivotal, orgId) => {
        // Newest first, the instants are groups of three: rows 100 and 200 each open a group, so
        // both page edges of a 100-row walk fall inside an instant.
        const base = Date.parse('2026-03-02T09:00:00.000Z');
        for (let i = 0; i < TOTAL; i++) {
          const createdAt = new Date(base + Math.floor(i / 3) * 1000);
          const customer = pivotal.state.createCustomer(
            orgId,
            { name: `Imported ${i}`, slug: `imported-${i}` },
            { createdAt },
          );
          pivotal.state.createOnboarding(orgId, { customer_id: customer.id, phase: 'program_design' }, { createdAt });
        }
      },
    });
  });
  afterAll(() => h.close());

  it('puts every record in the read model and on Home after two full walks', async () => {
    const inPivotal = h.pivotal.state
      .list(h.orgId, 'onboardings')
      .map((o) => o.id)
      .sort();
    expect(inPivotal).toHaveLength(TOTAL);
    // The data has teeth: following Pivotal's cursor verbatim loses rows at the page edges.
    expect((await verbatimWalk(h.pivotal, h.apiKey!, '/onboardings')).size).toBeLessThan(TOTAL);
    expect((await verbatimWalk(h.pivotal, h.apiKey!, '/customers')).size).toBeLessThan(TOTAL);

    await openHome(h, ADMIN);
    await waitFor(() => completedWalks(h) >= 2, { what: 'two complete walks', timeoutMs: 20_000 });

    expect(await liveRows(h, 'rm_onboardings')).toEqual(inPivotal);
    expect(await liveRows(h, 'rm_customers')).toEqual(
      h.pivotal.state
        .list(h.orgId, 'customers')
        .map((c) => c.id)
        .sort(),
    );
    const home = await openHome(h, ADMIN);
    const counts = homeBlocks(home).find((b) => b.block_id === 'home_counts');
    expect(visibleText([counts])).toContain(`${TOTAL} onboardings`);
    expect(visibleText([counts])).toContain(`Program design *${TOTAL}*`);
  });
});

describe('records a walk does not see', () => {
  let pivotal: PivotalSimulator;
  let slack: FakeSlack;
  let dataDir: string;
  let h: Harness | undefined;
  const encryptionKey = randomBytes(32).toString('base64');
  const start = (opts: Pick<HarnessOptions, 'seed' | 'sync'> & { key?: string }) =>
    startHarness({
      shared: { pivotal, slack },
      ...opts,
      env: {
        DATA_DIR: dataDir,
        PIVOTAL_KEY_ENCRYPTION_KEY: encryptionKey,
        ...(opts.key ? { PIVOTAL_API_KEY: opts.key } : {}),
      },
    });

  beforeAll(async () => {
    pivotal = await startPivotalSimulator({ rateLimit: { live: 100_000 } });
    slack = await startFakeSlack({ teamId: TEAM.id });
    dataDir = await mkdtemp(join(tmpdir(), 'pivotal-walks-'));
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  afterAll(async () => {
    await slack.close();
    await pivotal.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps one a walk missed, and marks deleted only the one Pivotal answers 404 for', async () => {
    const instant = new Date('2026-03-02T09:00:00.000Z');
    const older = new Date('2026-03-01T09:00:00.000Z');
    let orgId = '';
    const ids: { tied: string[]; deleted: string; kept: string } = { tied: [], deleted: '', kept: '' };
    h = await start({
      sync: SYNC,
      seed: (sim, org) => {
        orgId = org;
        const customer = sim.state.createCustomer(
          org,
          { name: 'Bulk Import Ltd', slug: 'bulk-import' },
          { createdAt: older },
        );
        // Eight onboardings of one import share an instant; two older ones do not.
        for (let i = 0; i < 8; i++)
          ids.tied.push(
            sim.state.createOnboarding(org, { customer_id: customer.id, name: `Site ${i}` }, { createdAt: instant }).id,
          );
        ids.deleted = sim.state.createOnboarding(
          org,
          { customer_id: customer.id, name: 'Cancelled' },
          { createdAt: older },
        ).id;
        ids.kept = sim.state.createOnboarding(
          org,
          { customer_id: customer.id, name: 'Pilot' },
          { createdAt: new Date(older.getTime() - 1000) },
        ).id;
      },
    });
    const key = h.apiKey!;
    await openHome(h, ADMIN);
    await waitFor(() => completedWalks(h!) >= 1, { what: 'the first complete walk' });
    expect(await liveRows(h, 'rm_onboardings')).toEqual([...ids.tied, ids.deleted, ids.kept].sort());
    await h.close();

    // Pages of five now: the first is all one instant, so three of the eight are out of the walk's reach.
    pivotal.state.delete(orgId, 'onboardings', ids.deleted);
    pivotal.resetRequests();
    h = await start({ key, sync: { ...SYNC, pageSize: 5 } });
    await openHome(h, ADMIN);
    await waitFor(() => completedWalks(h!) >= 1, { what: 'a complete walk in pages of five' });

    const listed = pivotal.requests.filter((r) => r.path.endsWith('/onboardings') && r.method === 'GET');
    expect(listed.length).toBeGreaterThanOrEqual(2);
    const askedById = new Set(
      pivotal.requests
        .filter((r) => r.method === 'GET' && /\/onboardings\/[^/]+$/.test(r.path))
        .map((r) => r.path.split('/').pop()),
    );
    const missed = ids.tied.filter((id) => askedById.has(id));
    expect(missed).toHaveLength(3);
    expect(askedById.has(ids.deleted)).toBe(true);
    expect(h.logs.lines.some((l) => l.includes('a whole page of records shares one created_at'))).toBe(true);

    expect(await liveRows(h, 'rm_onboardings')).toEqual([...ids.tied, ids.kept].sort());
    const deleted = await h.app.ctx.store.db
      .selectFrom('rm_onboardings')
      .select('deleted')
      .where('workspace_id', '=', TEAM.id)
      .where('id', '=', ids.deleted)
      .executeTakeFirstOrThrow();
    expect(deleted.deleted).toBe(1);
  });

  /** Customers "gone" and "stays", two onboardings each, read by a first complete walk. */
  async function twoCustomersSynced(): Promise<{
    orgId: string;
    ids: Record<'gone' | 'stays', { customer: string; onboardings: string[] }>;
  }> {
    const ids: Record<'gone' | 'stays', { customer: string; onboardings: string[] }> = {
      gone: { customer: '', onboardings: [] },
      stays: { customer: '', onboardings: [] },
    };
    let orgId = '';
    h = await startHarness({
      shared: { pivotal, slack },
      sync: SYNC,
      seed: (sim, org) => {
        orgId = org;
        for (const which of ['gone', 'stays'] as const) {
          const customer = sim.state.createCustomer(org, { name: `Customer that ${which}`, slug: which });
          ids[which] = {
            customer: customer.id,
            onboardings: [0, 1].map(
              (i) => sim.state.createOnboarding(org, { customer_id: customer.id, name: `Site ${i}` }).id,
            ),
          };
        }
      },
    });
    await openHome(h, ADMIN);
    await waitFor(() => completedWalks(h!) >= 1, { what: 'the first complete walk' });
    return { orgId, ids };
  }

  it('takes a customer Pivotal answers 404 for off Home with its onboardings, asking only for the customer', async () => {
    const { orgId, ids } = await twoCustomersSynced();
    pivotal.state.delete(orgId, 'customers', ids.gone.customer);
    pivotal.resetRequests();
    await waitFor(async () => (await liveRows(h!, 'rm_onboardings')).length === 2, {
      what: "the deleted customer's onboardings off the read model",
    });

    expect(await liveRows(h!, 'rm_customers')).toEqual([ids.stays.customer]);
    expect(await liveRows(h!, 'rm_onboardings')).toEqual([...ids.stays.onboardings].sort());
    const home = await openHome(h!, ADMIN);
    expect(visibleText(homeBlocks(home).filter((b) => b.block_id === 'home_counts'))).toContain('2 onboardings');
    const byId = pivotal.requests
      .filter((r) => r.method === 'GET' && /\/(customers|onboardings)\/[^/]+$/.test(r.path))
      .map((r) => r.path.replace(/^\/api\/v1/, ''));
    expect(byId).toEqual([`/customers/${ids.gone.customer}`]);
  });

  it('marks deleted a customer and an onboarding Pivotal answers with a deleted object instead of a 404', async () => {
    const { orgId, ids } = await twoCustomersSynced();
    const [cancelled, live] = ids.stays.onboardings as [string, string];
    expect(await liveRows(h!, 'rm_onboardings')).toHaveLength(4);

    // Gone from the lists; a read by id answers what the DELETE answered, with a 200.
    for (const [kind, id] of [
      ['customers', ids.gone.customer],
      ['onboardings', cancelled],
    ] as const) {
      const deletedObject = pivotal.state.delete(orgId, kind, id);
      pivotal.faults.failNext(1, 200, {
        method: 'GET',
        path: `/${kind}/${id}`,
        rawBody: { contentType: 'application/json', text: JSON.stringify(deletedObject) },
      });
    }
    pivotal.resetRequests();
    const walksBefore = completedWalks(h!);
    await waitFor(async () => (await liveRows(h!, 'rm_onboardings')).length === 1, {
      what: 'the deleted records off the read model',
    });
    await waitFor(() => completedWalks(h!) > walksBefore, { what: 'the walk that settled them completed' });

    expect(await liveRows(h!, 'rm_customers')).toEqual([ids.stays.customer]);
    expect(await liveRows(h!, 'rm_onboardings')).toEqual([live]);
    const byId = pivotal.requests.filter((r) => r.method === 'GET' && /\/(customers|onboardings)\/[^/]+$/.test(r.path));
    expect(byId.map((r) => [r.path.replace(/^\/api\/v1/, ''), r.status])).toEqual([
      [`/customers/${ids.gone.customer}`, 200],
      [`/onboardings/${cancelled}`, 200],
    ]);
    expect(h!.logs.lines.some((l) => l.includes('sync cycle failed'))).toBe(false);
  });

  it('announces the first onboarding of an org that was empty at the first sync', async () => {
    let orgId = '';
    h = await startHarness({ shared: { pivotal, slack }, sync: SYNC, seed: (_sim, org) => (orgId = org) });
    fastOutbox(h);
    await openHome(h, ADMIN);
    const walksBefore = completedWalks(h);
    await waitFor(() => completedWalks(h!) > walksBefore, { what: 'a complete walk of the empty org' });
    expect(await liveRows(h, 'rm_onboardings')).toEqual([]);

    const customer = pivotal.state.createCustomer(orgId, { name: 'First Light Coffee', slug: 'first-light' });
    const onboarding = pivotal.state.createOnboarding(orgId, {
      customer_id: customer.id,
      phase: 'before_getting_started',
    });

    const opened = await waitFor(
      async () =>
        h!.app.ctx.store.db
          .selectFrom('outbox')
          .select(['kind', 'payload'])
          .where('workspace_id', '=', TEAM.id)
          .where('onboarding_id', '=', onboarding.id)
          .executeTakeFirst(),
      { what: 'the new onboarding announced' },
    );
    expect(JSON.parse(opened.payload)).toEqual({
      kind: 'onboarding.opened',
      onboardingId: onboarding.id,
      actor: { type: 'pivotal' },
    });
    const post = await waitFor(() => postsAbout(h!, onboarding.id).tops[0], { what: 'the channel post' });
    expect(post.channel).toBe(NOTIFY_CHANNEL);
    expect(visibleText(post.blocks)).toContain('First Light Coffee');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoViewWithState, latestView, visibleText } from '../harness/view-submission.js';
import { setUserMapping } from '../../src/store/user-mappings.js';
import { isFinished } from '../../src/domain/finished.js';
import { hasFocus, pipelineDates } from '../../src/domain/pipeline-focus.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { blockKitProblems } from '../harness/block-kit.js';
import {
  focusButton,
  homeBlocks,
  homeEcho,
  homeText,
  listedOnboardings,
  openHome,
  pressOnHome,
  selectOption,
  waitForFullSync,
} from '../harness/home.js';
import { blockActionsPayload } from '../../sandbox/slack-requests.js';
import { fastOutbox, openMove, select, submitView } from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';
import { seedReadModel } from '../harness/read-model-bulk.js';
import { DEFAULT_PHASES, KNOWN_PHASES } from '../../src/domain/phases.js';
import { savePhaseSequence } from '../../src/store/phases.js';

describe('Home for a workspace that is not connected', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: false });
  });
  afterAll(() => h.close());

  it('offers admins the Connect button', async () => {
    const home = await openHome(h, ADMIN);
    const actions = homeBlocks(home).flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(actions.map((e: { action_id: string }) => e.action_id)).toContain('connect_open');
    expect(homeText(home)).toContain('not connected to Pivotal yet');
    expect(blockKitProblems('home', { blocks: homeBlocks(home) })).toEqual([]);
  });

  it('tells everyone else which admins to ask, without a button', async () => {
    const home = await openHome(h, CSM);
    expect(homeText(home)).toContain(`<@${ADMIN.id}>`);
    expect(homeBlocks(home).some((b) => b.type === 'actions')).toBe(false);
    expect(h.pivotal.requests).toHaveLength(0);
  });
});

describe('Home of a workspace connected with a live key, filled by the sync', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      sync: { tickMs: 20, intervalMs: 60_000, homeRefreshMs: 0 },
      seed: (pivotal, orgId) => pivotal.seedDemo(orgId),
    });
    // The first request from the workspace starts its first sync (single-workspace install). Pivotal
    // answers slowly meanwhile, so that Home is published before so small a sync can finish.
    h.pivotal.faults.latencyMs = 500;
    await openHome(h, CSM);
    h.pivotal.faults.latencyMs = 0;
    const first = h.slack.callsTo('views.publish').find((c) => c.args.user_id === CSM.id);
    const firstView = first?.args.view as { blocks?: unknown[] } | undefined;
    expect(visibleText(firstView?.blocks)).toMatch(/waiting for the first sync|first sync in progress/);
    await waitForFullSync(h);
    await h.idle();
  });
  afterAll(() => h.close());

  it('shows the connection, the phases in order with counts, and makes no Pivotal request', async () => {
    const before = h.pivotal.requests.length;
    const home = await openHome(h, CSM);
    await h.idle();
    expect(h.pivotal.requests.length).toBe(before);
    const text = homeText(home);
    // PIVOTAL_API_KEY: the documented /me names the organization by its slug alone.
    expect(text).toMatch(/Connected to \*acme-[0-9a-f]{6}\* with key/);
    expect(text).toContain(`\`${h.apiKey!.slice(0, 12)}…\` (live)`);
    expect(text).toContain('last sync');
    expect(text).not.toContain('TEST MODE');
    // The one finished onboarding is hidden until asked for.
    expect(text).toContain("*11 of 12 onboardings* — everyone's · finished hidden\n");
    expect(text).toContain('Before getting started *2*');
    expect(listedOnboardings(home)).toHaveLength(11);
    // Rows follow the phase order: the first row is in the first phase.
    expect(homeBlocks(home).find((b) => b.block_id?.startsWith('phase:'))?.text.text).toContain(
      'Before getting started',
    );
    expect(blockKitProblems('home', { blocks: homeBlocks(home) })).toEqual([]);
  });

  it('gives each row one line (owner, target in words, state, days in phase), a Move button and a menu', async () => {
    const home = await openHome(h, CSM);
    const rows = homeBlocks(home).filter((b) => b.block_id?.startsWith('row:'));
    const texts = rows.map((b) => b.text.text as string);
    expect(texts.join('\n')).toMatch(/target in \d+ days/);
    expect(texts.join('\n')).toMatch(/\*\d+ days overdue\*/);
    expect(texts.filter((t) => t.includes('overdue')).every((t) => t.startsWith(':rotating_light: '))).toBe(true);
    expect(texts.join('\n')).toContain('· Paused');
    expect(texts.join('\n')).toContain('· waiting on customer');
    // An owner no one linked reads "not linked": Pivotal's id is for admins, who can link it.
    expect(texts.join('\n')).toContain('_not linked_ (an admin can link it)');
    expect(texts.join('\n')).not.toContain('user_csm_001');
    expect(texts.join('\n')).toMatch(/in phase|entered this phase today/);
    // The demo names each onboarding "<customer> onboarding": the row names the customer once.
    expect(texts.every((t) => !t.includes('\n') && (t.match(/Harbor Light Insurance/g) ?? []).length <= 1)).toBe(true);
    const actions = homeBlocks(home).find((b) => b.block_id?.startsWith('row_actions:'))!.elements;
    expect(actions.map((e: { type: string; action_id: string }) => [e.type, e.action_id])).toEqual([
      ['button', 'move_open'],
      ['overflow', 'home_row_more'],
    ]);
    expect(actions[1].options.map((o: { value: string }) => o.value)).toEqual([
      expect.stringMatching(/^contact:/),
      'open_in_pivotal',
    ]);
    expect(actions[1].options[1].url).toMatch(/^https:\/\/my\.pivotal\.app\/customers\/\d+$/);
  });

  it('filters by state, by overdue, by phase, and remembers the choice per person', async () => {
    await openHome(h, CSM);
    let home = await pressOnHome(h, CSM, selectOption('home_filter_state', 'state:paused'));
    expect(listedOnboardings(home).length).toBeGreaterThan(0);
    expect(
      homeBlocks(home)
        .filter((b) => b.block_id?.startsWith('row:'))
        .every((b) => b.text.text.includes('· Paused')),
    ).toBe(true);

    home = await pressOnHome(h, CSM, focusButton('overdue'));
    expect(
      homeBlocks(home)
        .filter((b) => b.block_id?.startsWith('row:'))
        .every((b) => b.text.text.includes('overdue')),
    ).toBe(true);
    const overdue = listedOnboardings(home).length;
    expect(overdue).toBeGreaterThan(0);

    // Pressed again, the count lists everything again.
    home = await pressOnHome(h, CSM, focusButton('overdue'));
    expect(listedOnboardings(home)).toHaveLength(11);
    home = await pressOnHome(h, CSM, selectOption('home_filter_phase', 'phase:review'));
    expect(listedOnboardings(home)).toHaveLength(2);
    expect(homeText(home)).toContain('*Review* — 2 onboardings');

    // Opening Home again keeps the person's filter; someone else sees everything.
    expect(listedOnboardings(await openHome(h, CSM))).toHaveLength(2);
    expect(listedOnboardings(await openHome(h, ADMIN))).toHaveLength(11);
    await pressOnHome(h, CSM, selectOption('home_filter_phase', 'any'));
  });

  /** Home › Settings › People › Map a person, as an admin. */
  async function openMapModal() {
    await openHome(h, ADMIN);
    await pressOnHome(h, ADMIN, { action_id: 'people_open', value: '' });
    const list = latestView(h.slack, 'people_list');
    await h.action(
      { action_id: 'people_map_open', value: '' },
      { kind: 'view', view: echoViewWithState(list) },
      { user: ADMIN },
    );
    await h.idle();
    return latestView(h.slack, 'people_map');
  }

  it('filters "mine" through the Slack ↔ Pivotal user mapping an admin sets on Home', async () => {
    let home = await pressOnHome(h, CSM, selectOption('home_filter_owner', 'mine'));
    expect(listedOnboardings(home)).toHaveLength(0);
    expect(homeText(home)).toContain('You have no Pivotal user mapped yet');

    const modal = await openMapModal();
    const values = (pivotalId: string) => ({
      map_person: { value: { type: 'users_select', selected_user: CSM.id } },
      map_pivotal_id: { value: { type: 'plain_text_input', value: pivotalId } },
    });
    const refused = await h.submit(echoViewWithState(modal, values('user csm 001')), { user: ADMIN });
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: { map_pivotal_id: expect.stringContaining('one word') },
    });
    const saved = await h.submit(echoViewWithState(modal, values('user_csm_001')), { user: ADMIN });
    expect(saved.status).toBe(200);
    expect(saved.text).toBe('');

    // user_csm_001 owns four demo onboardings; one of them is finished, so hidden.
    home = await openHome(h, CSM);
    expect(listedOnboardings(home)).toHaveLength(3);
    expect(
      homeBlocks(home)
        .filter((b) => b.block_id?.startsWith('row:'))
        .every((b) => b.text.text.includes(`· <@${CSM.id}> ·`)),
    ).toBe(true);
    await pressOnHome(h, CSM, selectOption('home_filter_owner', 'everyone'));
  });

  it('refuses the mapping to someone who is not an admin, next to the field', async () => {
    const modal = await openMapModal();
    const res = await h.submit(
      echoViewWithState(modal, { map_person: { value: { type: 'users_select', selected_user: ADMIN.id } } }),
      { user: CSM },
    );
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { map_person: expect.stringContaining('Only a workspace admin') },
    });
  });

  it('shows admins the settings and lets them pick the notification channel; others see none', async () => {
    expect(homeText(await openHome(h, CSM))).not.toContain('Settings (admins)');
    const home = await openHome(h, ADMIN);
    const text = homeText(home);
    expect(text).toContain('Settings (admins)');
    expect(text).toContain('Before getting started → Program design');
    const channelBlock = homeBlocks(home).find((b) => b.block_id === 'home_settings_channel')!;
    expect(channelBlock.accessory.initial_conversation).toBe(NOTIFY_CHANNEL);
    await pressOnHome(h, ADMIN, {
      action_id: 'home_notify_channel',
      block_id: 'home_settings_channel',
      type: 'conversations_select',
      selected_conversation: 'C0OTHER01',
    });
    const row = await h.app.ctx.store.db
      .selectFrom('workspaces')
      .select('notify_channel')
      .where('id', '=', TEAM.id)
      .executeTakeFirstOrThrow();
    expect(row.notify_channel).toBe('C0OTHER01');
  });

  it('tells someone who lost admin rights, on a Home still showing the settings, and changes nothing', async () => {
    const adminHome = await openHome(h, ADMIN);
    h.slack.homeViews.set(CSM.id, adminHome);
    const opened = h.slack.callsTo('views.open').length;
    const pick = {
      action_id: 'home_notify_channel',
      block_id: 'home_settings_channel',
      type: 'conversations_select',
      selected_conversation: 'C0STALE01',
    };
    await pressOnHome(h, CSM, pick);
    for (const open of [
      { action_id: 'people_open', value: '' },
      { action_id: 'home_webhook_open', value: '' },
    ]) {
      h.slack.homeViews.set(CSM.id, adminHome);
      await pressOnHome(h, CSM, open);
    }
    const refusals = h.slack
      .callsTo('views.open')
      .slice(opened)
      .map((c) => visibleText((c.args.view as { blocks: unknown[] }).blocks));
    expect(refusals).toEqual([
      expect.stringContaining(`Only a workspace admin can change where onboarding updates go. Ask <@${ADMIN.id}>.`),
      expect.stringContaining(`Only a workspace admin can map Slack people to Pivotal users. Ask <@${ADMIN.id}>.`),
      expect.stringContaining(`Only a workspace admin can set up Pivotal webhooks. Ask <@${ADMIN.id}>.`),
    ]);
    const row = await h.app.ctx.store.db
      .selectFrom('workspaces')
      .select('notify_channel')
      .where('id', '=', TEAM.id)
      .executeTakeFirstOrThrow();
    expect(row.notify_channel).not.toBe('C0STALE01');
  });

  it("opens the contact modal from a row's menu and the phase editor from the settings", async () => {
    const home = await openHome(h, ADMIN);
    const menu = homeBlocks(home).find((b) => b.block_id?.startsWith('row_actions:'))!.elements[1];
    const opened = h.slack.callsTo('views.open').length;
    await pressOnHome(h, ADMIN, {
      action_id: 'home_row_more',
      type: 'overflow',
      selected_option: menu.options[0],
    });
    expect(h.slack.callsTo('views.open')).toHaveLength(opened + 1);
    expect((h.slack.callsTo('views.open').at(-1)!.args.view as { callback_id: string }).callback_id).toBe(
      'contact_add',
    );
    // The link to Pivotal opens in the browser; the app only acknowledges it.
    await pressOnHome(h, ADMIN, { action_id: 'home_row_more', type: 'overflow', selected_option: menu.options[1] });
    expect(h.slack.callsTo('views.open')).toHaveLength(opened + 1);
    await pressOnHome(h, ADMIN, { action_id: 'phases_open', value: '' });
    const calls = h.slack.callsTo('views.open');
    expect(calls).toHaveLength(opened + 2);
    expect(JSON.stringify(calls.at(-1)!.args.view)).toContain('Before getting started');
    await pressOnHome(h, CSM, { action_id: 'phases_open', value: '' });
    expect(JSON.stringify(h.slack.callsTo('views.open').at(-1)!.args.view)).toContain(
      `Only a workspace admin can edit the phase list. Ask <@${ADMIN.id}>.`,
    );
  });

  it('opens the move modal for a row from its Move phase button', async () => {
    const home = await openHome(h, CSM);
    const row = homeBlocks(home).find((b) => b.block_id?.startsWith('row_actions:'))!;
    const button = row.elements.find((e: { action_id: string }) => e.action_id === 'move_open');
    const onboardingId = button.value as string;
    const title = homeBlocks(home).find((b) => b.block_id === `row:${onboardingId}`)!.text.text as string;
    const customerName = /\*(.+?)\* · #\d+/.exec(title)![1]!;

    const opens = h.slack.callsTo('views.open').length;
    const pushes = h.slack.callsTo('views.push').length;
    const viewsBefore = new Set(h.slack.views.keys());
    // As Slack sends it: a block action whose container is the person's Home view.
    const payload = blockActionsPayload(
      TEAM,
      CSM,
      { action_id: 'move_open', block_id: row.block_id, value: onboardingId },
      { kind: 'view', view: homeEcho(home) },
    );
    expect(payload.container).toEqual({ type: 'view', view_id: home.id });
    const res = await h.sender.sendPayload(payload);
    expect(res.status).toBe(200);
    await h.idle();

    const calls = h.slack.callsTo('views.open').slice(opens);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args.trigger_id).toBe(payload.trigger_id);
    expect(h.slack.callsTo('views.push')).toHaveLength(pushes);
    // The one modal it opened is now the move form for that onboarding.
    const opened = [...h.slack.views.values()].filter((v) => !viewsBefore.has(v.id));
    expect(opened).toHaveLength(1);
    const modal = opened[0]!;
    expect(modal.view.callback_id).toBe('move_submit');
    expect(JSON.parse(modal.view.private_metadata as string)).toMatchObject({ shown: { id: onboardingId } });
    expect(visibleText(modal.view.blocks)).toContain(customerName);
    // Home itself is left as it was.
    expect(h.slack.homeViews.get(CSM.id)!.hash).toBe(home.hash);
  });

  it('answers the Open in Pivotal link button', async () => {
    const home = await openHome(h, CSM);
    const res = await h.action(
      { action_id: 'home_open_in_pivotal', value: '' },
      { kind: 'view', view: homeEcho(home) },
    );
    expect(res.status).toBe(200);
  });
});

describe('Home of a connected workspace with no active phase and no onboarding', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sync: { tickMs: 20, intervalMs: 60_000, homeRefreshMs: 0 } });
    await openHome(h, CSM);
    await waitForFullSync(h);
    await h.idle();
    // An admin archived every phase in the editor: the board has no phase order at all.
    await savePhaseSequence(
      h.app.ctx.store.db,
      TEAM.id,
      DEFAULT_PHASES.map((p) => ({ ...p, archived: true })),
    );
  });
  afterAll(() => h.close());

  it('shows an empty board, within the limits, to a member and to an admin', async () => {
    for (const person of [CSM, ADMIN]) {
      const home = await openHome(h, person);
      const text = homeText(home);
      expect(text).toContain("*0 of 0 onboardings* — everyone's · finished hidden");
      expect(text).toContain('No onboardings in Pivotal yet.');
      expect(text).not.toContain('match these filters');
      expect(listedOnboardings(home)).toEqual([]);
      expect(blockKitProblems('home', { blocks: homeBlocks(home) })).toEqual([]);
    }
  });
});

describe('Home kept current for people who looked recently (throttled refresh)', () => {
  // The app's clock is the wall clock plus `skewMs`: the refresh window (homeRefreshMs, on the app's
  // clock) only ends when the test moves the clock on, so what happens inside it does not depend on
  // how fast this machine is. Everything else runs in real time.
  const REFRESH_MS = 60_000;
  let skewMs = 0;
  let h: Harness;
  let ticks = 0;
  const names = { alpha: 'Refresh Alpha Co', beta: 'Refresh Beta Co' };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness({
      sync: { tickMs: 20, intervalMs: 24 * 3_600_000, firstSightDelayMs: 0, homeRefreshMs: REFRESH_MS },
      now: () => new Date(Date.now() + skewMs),
      seed: (pivotal, orgId) => {
        for (const [key, name] of Object.entries(names)) {
          const customer = pivotal.state.createCustomer(orgId, { name });
          ids[key] = pivotal.state.createOnboarding(orgId, { customer_id: customer.id, phase: 'review' }).id;
        }
      },
    });
    fastOutbox(h);
    // Counts the sync worker's ticks for this workspace; it runs after the Home refresher's turn in the same tick.
    h.app.sync.worker.onHeldTick(async (ws) => {
      if (ws === TEAM.id) ticks += 1;
    });
    await openHome(h, CSM);
    await waitForFullSync(h);
    await h.idle();
  });
  afterAll(() => h.close());

  const publishesTo = (userId: string) => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId);
  /** Lets the worker run `n` more complete ticks (each gives the refresher its chance). */
  const moreTicks = async (n: number) => {
    const target = ticks + n;
    await waitFor(() => ticks >= target, { what: `${n} more sync ticks` });
  };
  const phaseBlock = (blocks: Array<Record<string, any>>, phase: string) =>
    blocks.find((b) => b.block_id === `phase:${phase}`)?.text.text as string | undefined;

  it('re-publishes once for changes inside one window, after the window, and not at all when nothing changed', async () => {
    const opened = await openHome(h, CSM);
    expect(phaseBlock(homeBlocks(opened), 'review')).toBe('*Review* — 2 onboardings');
    const published = publishesTo(CSM.id).length;
    // The refresher has had its turn at least once, so its window is running.
    await moreTicks(2);

    // Two moves made in Slack, close together (well inside the window on the app's clock).
    for (const name of Object.values(names)) {
      const form = await openMove(h, name, ADMIN);
      const { answer } = await submitView(h, form, { phase: select('program_buildout') }, ADMIN);
      expect(answer?.response_action).toBe('update');
    }
    expect(
      (
        await h.app.ctx.store.db
          .selectFrom('rm_onboardings')
          .select('phase')
          .where('id', 'in', Object.values(ids))
          .execute()
      ).map((r) => r.phase),
    ).toEqual(['program_buildout', 'program_buildout']);
    await moreTicks(3);
    expect(publishesTo(CSM.id)).toHaveLength(published);

    // The window ends: one publish shows both changes.
    skewMs += REFRESH_MS;
    await waitFor(() => publishesTo(CSM.id).length > published, { what: "the viewer's Home re-published" });
    await moreTicks(3);
    expect(publishesTo(CSM.id)).toHaveLength(published + 1);
    const refreshed = h.slack.homeViews.get(CSM.id)!;
    expect(phaseBlock(homeBlocks(refreshed), 'review')).toBeUndefined();
    expect(phaseBlock(homeBlocks(refreshed), 'program_buildout')).toBe('*Program buildout* — 2 onboardings');
    expect(homeText(refreshed)).toContain('Program buildout *2*');
    expect(listedOnboardings(refreshed)).toHaveLength(2);

    // The next window: the refresher renders the view again, finds it unchanged, publishes nothing.
    skewMs += REFRESH_MS;
    await moreTicks(3);
    expect(publishesTo(CSM.id)).toHaveLength(published + 1);
  });
});

const BULK_PHASES = [...KNOWN_PHASES, 'legacy_phase'];
const BULK_STATES = ['active', 'active', 'paused', 'at_risk', 'waiting'];

/** 5,000 onboardings with long names that try to ping, in every phase and state. */
const homeShape = (i: number) => ({
  customer: { name: `${'<!channel> Very Long Customer Name '.repeat(8)}${i}` },
  onboarding: {
    name: 'x'.repeat(500),
    phase: BULK_PHASES[i % BULK_PHASES.length]!,
    state: BULK_STATES[i % BULK_STATES.length]!,
    waiting_on_customer: BULK_STATES[i % BULK_STATES.length] === 'waiting' ? (1 as const) : (0 as const),
    target_launch_date: i % 4 === 0 ? null : i % 3 === 0 ? '2020-01-01' : '2099-12-31',
    csm_id: `user_csm_${'9'.repeat(200)}${i % 7}`,
  },
});

describe('Home of a workspace connected with a test key, with 5,000 onboardings', () => {
  let h: Harness;
  const N = 5_000;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: 'test' });
    // Only the requests Home or the unfurl would make count, not the start-up check of the key with /me.
    h.pivotal.resetRequests();
    await seedReadModel(h, N, homeShape);
  });
  afterAll(() => h.close());

  it("labels test mode and keeps every view within Slack's limits with the right counts", async () => {
    const home = await openHome(h, ADMIN);
    const blocks = homeBlocks(home);
    expect(blocks.length).toBeLessThanOrEqual(100);
    expect(blockKitProblems('home', { blocks })).toEqual([]);
    expect(JSON.stringify(home.view).length).toBeLessThan(250_000);
    const text = homeText(home);
    expect(text).toContain('TEST MODE');
    expect(text).toContain('(test)');
    // 5,000 over 8 phases: 625 each, the unknown `legacy_phase` shown readable after the known ones; the
    // 625 completed ones are finished, so hidden.
    expect(text).toContain("*4,375 of 5,000 onboardings* — everyone's · finished hidden");
    expect(text).toContain('Before getting started *625*');
    expect(text).toContain('Legacy phase *625*');
    expect(text).toContain('Showing 1–20 of 4,375');
    expect(text).not.toContain('<!channel>');
    expect(listedOnboardings(home)).toHaveLength(20);
    expect(h.pivotal.requests).toHaveLength(0);
  });

  it('pages through, within the limits on every page, to the last one', async () => {
    let home = await openHome(h, ADMIN);
    home = await pressOnHome(h, ADMIN, { action_id: 'home_page_next', block_id: 'home_paging', value: '20' });
    expect(homeText(home)).toContain('Showing 21–40 of 4,375');
    expect(homeText(home)).toContain('(continued)');
    // A page past the end (the data shrank meanwhile) shows the last one.
    home = await pressOnHome(h, ADMIN, { action_id: 'home_page_next', block_id: 'home_paging', value: '4990' });
    expect(homeText(home)).toContain('Showing 4,361–4,375 of 4,375');
    expect(blockKitProblems('home', { blocks: homeBlocks(home) })).toEqual([]);
    expect(
      homeBlocks(home)
        .find((b) => b.block_id === 'home_paging')!
        .elements.map((e: { action_id: string }) => e.action_id),
    ).toEqual(['home_page_prev']);
    home = await pressOnHome(h, ADMIN, selectOption('home_filter_phase', 'phase:legacy_phase'));
    expect(homeText(home)).toContain('Showing 1–20 of 625');
    expect(homeText(home)).toContain("*625 of 5,000 onboardings* — everyone's · in Legacy phase · finished hidden");
  });

  it('counts each filter right, as "N of 5,000"', async () => {
    const db = h.app.ctx.store.db;
    const all = await db.selectFrom('rm_onboardings').selectAll().where('workspace_id', '=', TEAM.id).execute();
    const dates = pipelineDates(new Date());
    const headline = (n: number) => `*${n.toLocaleString('en-US')} of 5,000 onboardings*`;
    await openHome(h, CSM);
    let home = await pressOnHome(h, CSM, selectOption('home_filter_state', 'state:waiting'));
    const waiting = all.filter((o) => !isFinished(o) && (o.state === 'waiting' || o.waiting_on_customer === 1));
    expect(homeText(home)).toContain(`${headline(waiting.length)} — everyone's · state Waiting on customer`);
    home = await pressOnHome(h, CSM, focusButton('overdue'));
    const overdue = all.filter((o) => hasFocus(o, 'overdue', dates));
    expect(homeText(home)).toContain(`${headline(overdue.length)} — everyone's · overdue · finished hidden`);
    expect(blockKitProblems('home', { blocks: homeBlocks(home) })).toEqual([]);
    const csm3 = `user_csm_${'9'.repeat(200)}3`;
    await setUserMapping(db, TEAM.id, CSM.id, csm3, new Date().toISOString());
    home = await pressOnHome(h, CSM, focusButton('overdue'));
    home = await pressOnHome(h, CSM, selectOption('home_filter_owner', 'mine'));
    const mine = all.filter((o) => o.csm_id === csm3 && !isFinished(o));
    expect(homeText(home)).toContain(`${headline(mine.length)} — mine · finished hidden`);
    home = await pressOnHome(h, CSM, { action_id: 'home_finished', block_id: 'home_filters', value: 'show' });
    expect(homeText(home)).toContain(`${headline(all.filter((o) => o.csm_id === csm3).length)} — mine\n`);
    expect(blockKitProblems('home', { blocks: homeBlocks(home) })).toEqual([]);
  });
});

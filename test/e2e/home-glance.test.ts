import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinished } from '../../src/domain/finished.js';
import { FOCUSES, hasFocus, pipelineDates } from '../../src/domain/pipeline-focus.js';
import type { FakeUser, StoredHome } from '../../sandbox/fake-slack/server.js';
import type { ActionInput } from '../../sandbox/slack-requests.js';
import { setUserMapping } from '../../src/store/user-mappings.js';
import { ADMIN, CSM, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { blockKitProblems } from '../harness/block-kit.js';
import {
  finishedButton,
  focusButton,
  homeBlocks,
  homeText,
  listedOnboardings,
  openHome,
  pressOnHome,
  selectOption,
  waitForFullSync,
} from '../harness/home.js';

/**
 * Home read at a glance, against the demo pipeline the sync copied from the simulator (plus one
 * onboarding at risk, launched and due within the week): every number it shows is checked against
 * the rows in the store, judged by the domain's own rules.
 */

const MAYA: FakeUser = { id: 'U0MAYA001', name: 'maya', real_name: 'Maya CSM' };
const DAY_MS = 86_400_000;

/** The counts on the summary buttons, by focus. */
function summaryOf(view: StoredHome): Record<string, number> {
  const summary = homeBlocks(view).find((b) => b.block_id === 'home_summary')!;
  return Object.fromEntries(
    summary.elements.map((e: { value: string; text: { text: string } }) => [
      e.value,
      Number(/ (\d[\d,]*) /.exec(e.text.text)![1]!.replace(/,/g, '')),
    ]),
  );
}

/** "N of M" from the header: N, M and the words after it. */
function headline(view: StoredHome): { n: number; m: number; words: string } {
  const text = homeBlocks(view).find((b) => b.block_id === 'home_counts')!.text.text as string;
  const [, n, m, words] = /^\*([\d,]+) of ([\d,]+) onboardings?\* — (.*)$/m.exec(text)!;
  return { n: Number(n!.replace(/,/g, '')), m: Number(m!.replace(/,/g, '')), words: words! };
}

describe('Home at a glance', () => {
  let h: Harness;
  const rows = () =>
    h.app.ctx.store.db
      .selectFrom('rm_onboardings')
      .selectAll()
      .where('workspace_id', '=', TEAM.id)
      .where('deleted', '=', 0)
      .execute();

  beforeAll(async () => {
    h = await startHarness({
      sync: { tickMs: 20, intervalMs: 60_000, homeRefreshMs: 0 },
      seed: (pivotal, orgId) => {
        pivotal.seedDemo(orgId);
        const customer = pivotal.state.createCustomer(orgId, { name: 'Zephyr Wind Farms' });
        pivotal.state.createOnboarding(orgId, {
          customer_id: customer.id,
          name: 'Zephyr Wind Farms onboarding',
          phase: 'launch',
          state: 'at_risk',
          target_launch_date: new Date(Date.now() + 3 * DAY_MS).toISOString().slice(0, 10),
          csm_id: 'user_csm_002',
        });
      },
    });
    h.slack.addUser(MAYA);
    await openHome(h, ADMIN);
    await waitForFullSync(h);
    await h.idle();
    h.pivotal.resetRequests();
  });
  afterAll(() => h.close());

  it('counts each focus as the rules count the data, and each count lists exactly those', async () => {
    const all = await rows();
    expect(all).toHaveLength(13);
    const dates = pipelineDates(new Date());
    const home = await openHome(h, ADMIN);
    const expected = Object.fromEntries(FOCUSES.map((f) => [f, all.filter((o) => hasFocus(o, f, dates)).length]));
    expect(summaryOf(home)).toEqual(expected);
    // The demo has something under every focus but "launched" (whose count depends on the day of the month).
    for (const focus of ['overdue', 'at_risk', 'waiting', 'paused', 'due_soon'] as const)
      expect(expected[focus], focus).toBeGreaterThan(0);

    for (const focus of FOCUSES) {
      const view = await pressOnHome(h, ADMIN, focusButton(focus));
      const want = all.filter((o) => hasFocus(o, focus, dates)).map((o) => o.display_id);
      expect(
        listedOnboardings(view).sort((a, b) => a - b),
        focus,
      ).toEqual(want.sort((a, b) => a - b));
      expect(headline(view), focus).toMatchObject({ n: want.length, m: 13 });
      // The count pressed is highlighted; pressing it again lists everything.
      const pressed = homeBlocks(view)
        .find((b) => b.block_id === 'home_summary')!
        .elements.filter((e: { style?: string }) => e.style === 'primary');
      expect(pressed.map((e: { value: string }) => e.value)).toEqual([focus]);
      await pressOnHome(h, ADMIN, focusButton(focus));
    }
    expect(h.pivotal.requests).toHaveLength(0);
  });

  it('hides finished onboardings until asked for, and says so', async () => {
    const all = await rows();
    const finished = all.filter((o) => isFinished(o));
    expect(finished.length).toBeGreaterThan(0);
    let home = await openHome(h, ADMIN);
    expect(headline(home)).toEqual({ n: all.length - finished.length, m: 13, words: "everyone's · finished hidden" });
    for (const o of finished) expect(listedOnboardings(home)).not.toContain(o.display_id);
    expect(homeText(home)).toContain(`Show finished (${finished.length})`);

    home = await pressOnHome(h, ADMIN, finishedButton('show'));
    expect(headline(home)).toEqual({ n: 13, m: 13, words: "everyone's" });
    for (const o of finished) expect(listedOnboardings(home)).toContain(o.display_id);
    // A finished row offers no move as its main action.
    const done = homeBlocks(home).find((b) => b.block_id === `row_actions:${finished[0]!.id}`)!;
    expect(done.elements[0].action_id).not.toBe('move_open');

    home = await pressOnHome(h, ADMIN, finishedButton('hide'));
    expect(headline(home).n).toBe(all.length - finished.length);
  });

  it('opens on "Mine" for someone who owns onboardings, and on everyone with the workload for admins and managers', async () => {
    await setUserMapping(h.app.ctx.store.db, TEAM.id, MAYA.id, 'user_csm_002', new Date().toISOString());
    const all = await rows();
    const hers = all.filter((o) => o.csm_id === 'user_csm_002' && !isFinished(o));

    const maya = await openHome(h, MAYA);
    expect(headline(maya)).toEqual({ n: hers.length, m: 13, words: 'mine · finished hidden' });
    expect(listedOnboardings(maya).sort()).toEqual(hers.map((o) => o.display_id).sort());
    expect(homeText(maya)).toContain('*At a glance:* your onboardings');
    const dates = pipelineDates(new Date());
    expect(summaryOf(maya).overdue).toBe(hers.filter((o) => hasFocus(o, 'overdue', dates)).length);
    // A CSM's own Home has no workload section.
    expect(homeBlocks(maya).some((b) => b.block_id === 'home_workload')).toBe(false);

    // Her pick is kept over the default.
    await pressOnHome(h, MAYA, selectOption('home_filter_owner', 'everyone'));
    expect(headline(await openHome(h, MAYA)).words).toBe("everyone's · finished hidden");

    // The admin owns none: everyone's, with open and overdue onboardings per owner.
    const admin = await openHome(h, ADMIN);
    expect(headline(admin).words).toBe("everyone's · finished hidden");
    const workload = homeBlocks(admin).find((b) => b.block_id === 'home_workload')!.text.text as string;
    const open = all.filter((o) => !isFinished(o));
    for (const csm of ['user_csm_001', 'user_csm_003']) {
      const owned = open.filter((o) => o.csm_id === csm);
      const late = owned.filter((o) => hasFocus(o, 'overdue', dates)).length;
      expect(workload).toContain(
        `_not linked_ (${csm}: link it in Settings › People): ${owned.length} open onboarding${owned.length === 1 ? '' : 's'}${late ? ` · :rotating_light: ${late} overdue` : ''}`,
      );
    }
    const herLate = hers.filter((o) => hasFocus(o, 'overdue', dates)).length;
    expect(workload).toContain(
      `<@${MAYA.id}>: ${hers.length} open onboardings${herLate ? ` · :rotating_light: ${herLate} overdue` : ''}`,
    );
    // Someone who owns none (a manager, as far as the app can tell) sees it too.
    expect(homeBlocks(await openHome(h, CSM)).some((b) => b.block_id === 'home_workload')).toBe(true);
  });

  it('says "N of M" under every kind of filter, N being what the filters match', async () => {
    const all = await rows();
    const open = all.filter((o) => !isFinished(o));
    const dates = pipelineDates(new Date());
    await openHome(h, MAYA);
    const cases: Array<{ press: ActionInput; want: number; words: string }> = [
      {
        press: selectOption('home_filter_owner', 'mine'),
        want: open.filter((o) => o.csm_id === 'user_csm_002').length,
        words: 'mine · finished hidden',
      },
      {
        press: selectOption('home_filter_state', 'state:paused'),
        want: open.filter((o) => o.csm_id === 'user_csm_002' && o.state === 'paused').length,
        words: 'mine · state Paused · finished hidden',
      },
      {
        press: selectOption('home_filter_owner', 'everyone'),
        want: open.filter((o) => o.state === 'paused').length,
        words: "everyone's · state Paused · finished hidden",
      },
      { press: selectOption('home_filter_state', 'any'), want: open.length, words: "everyone's · finished hidden" },
      {
        press: selectOption('home_filter_phase', 'phase:review'),
        want: open.filter((o) => o.phase === 'review').length,
        words: "everyone's · in Review · finished hidden",
      },
      {
        press: focusButton('overdue'),
        want: open.filter((o) => hasFocus(o, 'overdue', dates)).length,
        words: "everyone's · overdue · finished hidden",
      },
      {
        press: finishedButton('show'),
        want: open.filter((o) => hasFocus(o, 'overdue', dates)).length,
        words: "everyone's · overdue",
      },
      { press: focusButton('overdue'), want: all.length, words: "everyone's" },
      { press: finishedButton('hide'), want: open.length, words: "everyone's · finished hidden" },
    ];
    for (const c of cases) {
      const view = await pressOnHome(h, MAYA, c.press);
      expect(headline(view), c.words).toEqual({ n: c.want, m: 13, words: c.words });
      expect(listedOnboardings(view), c.words).toHaveLength(c.want);
      expect(blockKitProblems('home', { blocks: homeBlocks(view) })).toEqual([]);
    }
  });

  it('opens the onboard modal from "Onboard a customer", asking Pivotal nothing', async () => {
    await openHome(h, CSM);
    const before = h.pivotal.requests.length;
    const opens = h.slack.callsTo('views.open').length;
    await pressOnHome(h, CSM, { action_id: 'home_onboard', block_id: 'home_glance', type: 'button' });
    const calls = h.slack.callsTo('views.open').slice(opens);
    expect(calls).toHaveLength(1);
    expect((calls[0]!.args.view as { callback_id: string }).callback_id).toBe('onboard');
    expect(h.pivotal.requests.length).toBe(before);
  });
});

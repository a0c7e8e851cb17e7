import { expect, it } from 'vitest';
import { isFinished } from '../../src/domain/finished.js';
import { FOCUSES, hasFocus, pipelineDates } from '../../src/domain/pipeline-focus.js';
import { pipelinePage } from '../../src/store/pipeline-page.js';
import { pipelineOverview } from '../../src/store/pipeline-summary.js';
import { describeEachDialect } from '../helpers/databases.js';

const WS = 'T0OVERVW';
const dates = pipelineDates(new Date('2026-05-20T12:00:00.000Z'));

/** Every combination the rules tell apart: phases, states, the flag, targets, completion, owners. */
function onboardings() {
  const phases = ['review', 'launch', 'completed'];
  const states = ['active', 'at_risk', 'paused', 'waiting', 'done'];
  const targets = [null, '2026-05-19', '2026-05-20', '2026-05-27', '2026-05-28'];
  const entered = ['2026-04-30T23:00:00.000Z', '2026-05-02T08:00:00.000Z'];
  const completed = [null, '2026-04-10T00:00:00.000Z', '2026-05-03T00:00:00.000Z'];
  const rows = [];
  let i = 0;
  for (const phase of phases)
    for (const state of states)
      for (const target of targets)
        for (const enteredAt of entered)
          for (const completedAt of completed) {
            i += 1;
            rows.push({
              workspace_id: WS,
              id: `onb_${i}`,
              display_id: i,
              customer_id: `cus_${i}`,
              phase,
              state,
              waiting_on_customer: i % 4 === 0 ? (1 as const) : (0 as const),
              target_launch_date: target,
              csm_id: i % 5 < 2 ? null : `user_csm_${i % 5}`,
              slack_owner_id: i % 5 === 0 ? 'U0CASEY01' : null,
              metadata: i % 5 === 1 ? JSON.stringify({ slack_csm_user_id: 'U0OMAR001' }) : null,
              phase_entered_at: enteredAt,
              completed_at: completedAt,
              deleted: 0 as const,
              synced_at: '2026-05-20T12:00:00.000Z',
            });
          }
  return rows;
}

describeEachDialect('the pipeline overview and its filters', (suite) => {
  it('counts what the domain rules count, and each focus filters the same rows', async () => {
    const db = suite.store().db;
    const dialect = suite.store().dialect;
    const rows = onboardings();
    for (let k = 0; k < rows.length; k += 100)
      await db
        .insertInto('rm_onboardings')
        .values(rows.slice(k, k + 100))
        .execute();

    const overview = await pipelineOverview(db, { workspaceId: WS, dialect, dates });
    const casey = { slackUserId: 'U0CASEY01', pivotalUserIds: ['user_csm_2'] };
    const hers = rows.filter((r) => r.slack_owner_id === 'U0CASEY01' || r.csm_id === 'user_csm_2');
    for (const [owner, subset] of [
      [null, rows],
      [casey, hers],
    ] as const) {
      const tally = overview.tally(owner);
      for (const phase of ['review', 'launch', 'completed']) {
        const inPhase = subset.filter((r) => r.phase === phase);
        expect(tally.get(phase)?.total).toBe(inPhase.length);
        expect(tally.get(phase)?.open).toBe(inPhase.filter((r) => !isFinished(r)).length);
        for (const focus of FOCUSES)
          expect(tally.get(phase)?.focus[focus], `${phase} ${focus}`).toBe(
            inPhase.filter((r) => hasFocus(r, focus, dates)).length,
          );
      }
    }
    expect(overview.owns(casey)).toBe(true);
    expect(overview.workload()).toHaveLength(5);
    expect(overview.owns({ slackUserId: 'U0NOBODY1', pivotalUserIds: [] })).toBe(false);
    const omar = overview.workload().find((l) => l.slackOwner === 'U0OMAR001')!;
    const his = rows.filter((r) => r.metadata?.includes('U0OMAR001') && !isFinished(r));
    expect(omar).toEqual({
      csmId: null,
      slackOwner: 'U0OMAR001',
      open: his.length,
      overdue: his.filter((r) => hasFocus(r, 'overdue', dates)).length,
    });

    for (const focus of FOCUSES) {
      const page = await pipelinePage(
        db,
        { workspaceId: WS, dialect, dates, owner: null, focus, state: null, phase: null, includeFinished: true },
        ['review', 'launch', 'completed'],
        0,
        1_000,
      );
      expect(page.map((r) => r.id).sort(), focus).toEqual(
        rows
          .filter((r) => hasFocus(r, focus, dates))
          .map((r) => r.id)
          .sort(),
      );
    }
    const open = await pipelinePage(
      db,
      { workspaceId: WS, dialect, dates, owner: casey, focus: null, state: null, phase: null, includeFinished: false },
      ['review'],
      0,
      1_000,
    );
    expect(open.map((r) => r.id).sort()).toEqual(
      hers
        .filter((r) => !isFinished(r))
        .map((r) => r.id)
        .sort(),
    );
  });
});

describeEachDialect('the pipeline page of a workspace with no phase order', (suite) => {
  it('pages by phase key alone, and an empty workspace is an empty page', async () => {
    const db = suite.store().db;
    const filter = {
      workspaceId: WS,
      dialect: suite.store().dialect,
      dates,
      owner: null,
      focus: null,
      state: null,
      phase: null,
      includeFinished: true,
    };
    expect(await pipelinePage(db, filter, [], 0, 50)).toEqual([]);

    await db
      .insertInto('rm_onboardings')
      .values(
        onboardings()
          .slice(0, 40)
          .filter((_, i) => i % 13 === 0),
      )
      .execute();
    const page = await pipelinePage(db, filter, [], 0, 50);
    expect(page.map((r) => r.phase)).toEqual([...page.map((r) => r.phase)].sort());
    expect(page).toHaveLength(4);
  });
});

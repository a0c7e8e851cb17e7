import { expect, it } from 'vitest';
import { dueRows } from '../../src/store/posts.js';
import type { Db } from '../../src/store/database.js';
import type { OutboxStatus } from '../../src/store/schema-domain.js';
import { describeEachDialect } from '../helpers/databases.js';

/** Which outbox rows the dispatcher fetches for one pass, and in which order. */

const NOW = '2026-03-01T10:00:00.000Z';
const at = (second: number) => new Date(Date.parse('2026-03-01T09:00:00.000Z') + second * 1000).toISOString();

interface RowSpec {
  id: string;
  workspace: string;
  onboarding: string;
  second: number;
  kind?: string;
  status?: OutboxStatus;
  nextAttemptAt?: string;
}

async function insertRows(db: Db, rows: RowSpec[]): Promise<void> {
  for (const r of rows) {
    await db
      .insertInto('outbox')
      .values({
        id: r.id,
        workspace_id: r.workspace,
        dedupe_key: `key:${r.id}`,
        kind: r.kind ?? 'onboarding.phase_changed',
        onboarding_id: r.onboarding,
        payload: '{}',
        status: r.status ?? 'pending',
        attempts: 0,
        next_attempt_at: r.nextAttemptAt ?? at(r.second),
        created_at: at(r.second),
      })
      .execute();
  }
}

/** An onboarding of a customer whose posts go to `channel` (null: the workspace's channel). */
async function onboardingIn(db: Db, workspace: string, onboarding: string, channel: string | null): Promise<void> {
  const customer = `cus_${onboarding}`;
  await db
    .insertInto('rm_customers')
    .values({
      workspace_id: workspace,
      id: customer,
      display_id: 1,
      name: customer,
      name_lower: customer,
      slack_channel_id: channel,
      deleted: 0,
      synced_at: NOW,
    })
    .execute();
  await db
    .insertInto('rm_onboardings')
    .values({
      workspace_id: workspace,
      id: onboarding,
      display_id: 1,
      customer_id: customer,
      phase: 'review',
      state: 'active',
      waiting_on_customer: 0,
      phase_entered_at: NOW,
      deleted: 0,
      synced_at: NOW,
    })
    .execute();
}

const many = (n: number, make: (i: number) => RowSpec) => Array.from({ length: n }, (_, i) => make(i));

describeEachDialect('outbox rows due for delivery', (suite) => {
  const db = () => suite.store().db;
  const due = async (limit = 100, perWorkspace = 25) =>
    (await dueRows(db(), { now: NOW, limit, perWorkspace })).map((r) => r.id);

  it('leaves out held rows and rows waiting for a retry, so they never take a pending row’s place', async () => {
    await insertRows(db(), [
      ...many(50, (i) => ({
        id: `held-${String(i).padStart(2, '0')}`,
        workspace: 'TA',
        onboarding: `ob-a${i}`,
        second: i,
        status: 'held',
      })),
      { id: 'later', workspace: 'TA', onboarding: 'ob-late', second: 60, nextAttemptAt: '2026-03-01T10:00:00.001Z' },
      { id: 'retry-due', workspace: 'TA', onboarding: 'ob-retry', second: 61, nextAttemptAt: NOW },
      { id: 'done', workspace: 'TA', onboarding: 'ob-done', second: 62, status: 'done' },
      { id: 'b-new', workspace: 'TB', onboarding: 'ob-b', second: 3000 },
    ]);
    expect(await due(2)).toEqual(['retry-due', 'b-new']);
  });

  it('takes turns between workspaces, and caps what one workspace brings to a batch', async () => {
    await insertRows(db(), [
      ...many(30, (i) => ({
        id: `a-${String(i).padStart(2, '0')}`,
        workspace: 'TA',
        onboarding: `ob-a${i}`,
        second: i,
      })),
      { id: 'b-1', workspace: 'TB', onboarding: 'ob-b1', second: 100 },
      { id: 'b-2', workspace: 'TB', onboarding: 'ob-b2', second: 101 },
    ]);
    expect(await due(100, 5)).toEqual(['a-00', 'b-1', 'a-01', 'b-2', 'a-02', 'a-03', 'a-04']);
    expect(await due(3, 5)).toEqual(['a-00', 'b-1', 'a-01']);
  });

  it('inside a workspace, takes turns between the channels its rows are headed for', async () => {
    for (let i = 0; i < 20; i += 1) await onboardingIn(db(), 'TA', `ob-x${i}`, 'C0BUSY');
    await onboardingIn(db(), 'TA', 'ob-y', 'C0QUIET');
    await onboardingIn(db(), 'TA', 'ob-w', null);
    await insertRows(db(), [
      ...many(20, (i) => ({
        id: `x-${String(i).padStart(2, '0')}`,
        workspace: 'TA',
        onboarding: `ob-x${i}`,
        second: i,
      })),
      { id: 'y', workspace: 'TA', onboarding: 'ob-y', second: 500 },
      { id: 'w', workspace: 'TA', onboarding: 'ob-w', second: 501 },
    ]);
    expect(await due(100, 4)).toEqual(['x-00', 'y', 'w', 'x-01']);
  });

  it("keeps an onboarding's later posts back while an earlier one waits for a retry or is held", async () => {
    await insertRows(db(), [
      { id: 'r1', workspace: 'TA', onboarding: 'ob-retrying', second: 1, nextAttemptAt: '2026-03-01T10:05:00.000Z' },
      { id: 'r2', workspace: 'TA', onboarding: 'ob-retrying', second: 2 },
      { id: 'h1', workspace: 'TA', onboarding: 'ob-held', second: 1, status: 'held' },
      { id: 'h2', workspace: 'TA', onboarding: 'ob-held', second: 2 },
      { id: 'd1', workspace: 'TA', onboarding: 'ob-flowing', second: 1, status: 'done' },
      { id: 'd2', workspace: 'TA', onboarding: 'ob-flowing', second: 2 },
      { id: 'd3', workspace: 'TA', onboarding: 'ob-flowing', second: 3 },
      // The same onboarding id in another workspace is another onboarding.
      { id: 'o1', workspace: 'TB', onboarding: 'ob-retrying', second: 4 },
    ]);
    expect(await due()).toEqual(['d2', 'o1', 'd3']);
  });

  it('puts the events of one change in reading order, whatever their ids', async () => {
    await insertRows(db(), [
      { id: 'a', workspace: 'TA', onboarding: 'ob-1', second: 5, kind: 'onboarding.target_changed' },
      { id: 'b', workspace: 'TA', onboarding: 'ob-1', second: 5, kind: 'onboarding.state_changed' },
      { id: 'c', workspace: 'TA', onboarding: 'ob-1', second: 5, kind: 'onboarding.phase_changed' },
      { id: 'd', workspace: 'TA', onboarding: 'ob-1', second: 1, kind: 'onboarding.opened' },
    ]);
    expect(await due()).toEqual(['d', 'c', 'b', 'a']);
    // A cap that cuts through one change still sends its first event first.
    expect(await due(100, 2)).toEqual(['d', 'c']);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { waitFor } from '../harness/wait.js';

/** The app prunes what only records the past while it runs, on its own clock and the configured days. */

const DAY_MS = 24 * 60 * 60 * 1000;
let clock = Date.now();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    now: () => new Date(clock),
    retention: { intervalMs: 100 },
    env: { PROCESSED_EVENTS_RETENTION_DAYS: '2', OUTBOX_RETENTION_DAYS: '10' },
  });
});
afterAll(async () => {
  await h.close();
});

it('prunes Slack event ids and delivered posts once they are older than the configured days, and keeps held posts', async () => {
  const db = h.app.ctx.store.db;
  await waitFor(
    async () =>
      (await db.selectFrom('leases').select('name').where('name', '=', 'retention').executeTakeFirst()) !== undefined,
    {
      what: 'the retention job to take its lease',
    },
  );

  const res = await h.event(
    {
      type: 'reaction_added',
      user: 'U0CSM001',
      reaction: 'tada',
      item: { type: 'message', channel: 'C0GENERAL', ts: '1.2' },
    },
    { eventId: 'Ev0RETAIN1' },
  );
  expect(res.status).toBe(200);
  await h.idle();
  expect(
    await db.selectFrom('processed_events').select('event_id').where('event_id', '=', 'Ev0RETAIN1').execute(),
  ).toHaveLength(1);
  const created = new Date(clock).toISOString();
  for (const [id, status] of [
    ['delivered', 'done'],
    ['held', 'held'],
  ] as const) {
    await db
      .insertInto('outbox')
      .values({
        id,
        workspace_id: TEAM.id,
        dedupe_key: id,
        kind: 'onboarding.opened',
        onboarding_id: `ob-${id}`,
        payload: '{}',
        status,
        attempts: 1,
        next_attempt_at: created,
        created_at: created,
        done_at: status === 'done' ? created : null,
      })
      .execute();
  }

  // Three days on: the event id is past its two days, the delivered post not yet past its ten.
  clock += 3 * DAY_MS;
  await waitFor(
    async () =>
      (await db.selectFrom('processed_events').select('event_id').where('event_id', '=', 'Ev0RETAIN1').execute())
        .length === 0,
    {
      what: 'the event id to be pruned',
    },
  );
  expect((await db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([
    'delivered',
    'held',
  ]);

  clock += 8 * DAY_MS;
  await waitFor(async () => (await db.selectFrom('outbox').select('id').execute()).map((r) => r.id).join() === 'held', {
    what: 'the delivered post to be pruned',
  });
});

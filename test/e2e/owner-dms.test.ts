import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserMapping } from '../../src/store/user-mappings.js';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { FILLED, openOnboard, submitView as submitOnboard } from '../harness/onboard-flow.js';
import { dmText, dmsTo, startAnotherInstance } from '../harness/owner-dms.js';
import { LogCapture } from '../harness/log-capture.js';
import type { FakeUser } from '../../sandbox/fake-slack/server.js';
import {
  fastOutbox,
  openMove,
  outboxDrained,
  seedOnboarding,
  select,
  submitView,
  WORKSPACE,
} from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';

/** The owner of an onboarding hears, in a DM, about what others did to it; never about their own actions. */

const GONE: FakeUser = { id: 'U0GONE001', name: 'gone', real_name: 'Gone Person', deleted: true };

const SYNC = { tickMs: 20, intervalMs: 200, homeRefreshMs: 0, firstSightDelayMs: 0 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sync: SYNC, simulator: { rateLimit: { live: 100_000 } } });
  fastOutbox(h);
  await setUserMapping(h.app.ctx.store.db, WORKSPACE, CSM.id, 'user_csm_001', new Date().toISOString());
});
afterAll(async () => {
  await h.close();
});

describe('DMs to the owner', () => {
  it('an onboarding Casey opens for Ada: one DM to Ada, none to Casey', async () => {
    const viewId = await openOnboard(h, 'Zephyr Zoos');
    await submitOnboard(h, viewId, { ...FILLED, contact_email: 'z@zephyr.example', onboarding_csm: ADMIN.id });
    await h.idle();
    await outboxDrained(h);
    const toAda = dmsTo(h, ADMIN.id).filter((m) => dmText(m).includes('Zephyr Zoos'));
    expect(toAda).toHaveLength(1);
    expect(dmText(toAda[0]!)).toContain(`<@${CSM.id}> made you the owner of this onboarding`);
    // The card's buttons come with it.
    expect(JSON.stringify(toAda[0]!.blocks)).toContain('move_open');
    expect(JSON.stringify(toAda[0]!.blocks)).toContain('owner_dm_mute');
    expect(dmsTo(h, CSM.id).filter((m) => dmText(m).includes('Zephyr Zoos'))).toHaveLength(0);
  });

  it("the owner's own move sends no DM; someone else's sends one", async () => {
    const { customer } = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_001' } });
    const before = dmsTo(h, CSM.id).length;
    const form = await openMove(h, customer.name, CSM);
    await submitView(h, form, { phase: select('program_buildout') }, CSM);
    await outboxDrained(h);
    expect(dmsTo(h, CSM.id)).toHaveLength(before);

    const again = await openMove(h, customer.name, ADMIN);
    await submitView(h, again, { state: select('at_risk') }, ADMIN);
    await outboxDrained(h);
    const dms = dmsTo(h, CSM.id).slice(before);
    expect(dms.map(dmText).filter((t) => t.includes('changed the state'))).toHaveLength(1);
    expect(dmText(dms.find((m) => dmText(m).includes('changed the state'))!)).toContain(`<@${ADMIN.id}>`);
  });

  it('a phase change made in Pivotal: one DM to the owner after the next sync', async () => {
    const { onboarding } = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_001', phase: 'review' } });
    const before = dmsTo(h, CSM.id).length;
    h.pivotal.state.updateOnboarding(h.orgId, onboarding.id, { phase: 'program_buildout' });
    const dm = await waitFor(
      () =>
        dmsTo(h, CSM.id)
          .slice(before)
          .find((m) => dmText(m).includes('Phase moved in Pivotal')),
      { what: 'the DM about the change made in Pivotal', timeoutMs: 15_000 },
    );
    expect(JSON.stringify(dm.blocks)).toContain(onboarding.id);
    // More sync cycles read the same record again: still one DM.
    const cycles = h.logs.lines.filter((l) => l.includes('sync cycle finished')).length;
    await waitFor(() => h.logs.lines.filter((l) => l.includes('sync cycle finished')).length >= cycles + 2, {
      what: 'two more cycles',
    });
    await outboxDrained(h);
    expect(
      dmsTo(h, CSM.id)
        .slice(before)
        .filter((m) => JSON.stringify(m.blocks).includes(onboarding.id)),
    ).toHaveLength(1);
  });
});

describe('assigned in Pivotal', () => {
  it('an onboarding handed to the owner in Pivotal: one DM after the next sync', async () => {
    const { onboarding } = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_009' } });
    h.pivotal.state.updateOnboarding(h.orgId, onboarding.id, { csm_id: 'user_csm_001' });
    const dm = await waitFor(() => dmsTo(h, CSM.id).find((m) => JSON.stringify(m.blocks).includes(onboarding.id)), {
      what: 'the DM about the hand-over',
      timeoutMs: 15_000,
    });
    expect(dmText(dm)).toContain('This onboarding is now yours (assigned in Pivotal)');
  });
});

describe('DMs exactly once, and never retried for ever', () => {
  async function changedByAda(csmId: string) {
    const { customer, onboarding } = await seedOnboarding(h, { onboarding: { csm_id: csmId } });
    const form = await openMove(h, customer.name, ADMIN);
    await submitView(h, form, { state: select('paused') }, ADMIN);
    return onboarding.id;
  }
  const dmsAbout = (userId: string, onboardingId: string) =>
    dmsTo(h, userId).filter((m) => JSON.stringify(m.blocks).includes(onboardingId));

  it('a restart between the change and its DM: one DM; two replicas running: one DM', async () => {
    const dispatcher = h.app.outbox;
    await dispatcher.stop();
    const first = await changedByAda('user_csm_001');
    await new Promise((r) => setTimeout(r, 200));
    expect(dmsAbout(CSM.id, first)).toHaveLength(0);

    const logs = new LogCapture();
    const other = await startAnotherInstance(h, logs);
    try {
      other.outbox.configure({ pollMs: 50, minPostIntervalMs: 5 });
      await waitFor(() => dmsAbout(CSM.id, first).length === 1, { what: 'the restarted app to send the DM' });
      // Both replicas dispatch now; the outbox lease lets one of them send each DM.
      await dispatcher.start();
      const second = await changedByAda('user_csm_001');
      await waitFor(() => dmsAbout(CSM.id, second).length === 1, { what: 'the DM with two replicas running' });
      await new Promise((r) => setTimeout(r, 300));
      expect(dmsAbout(CSM.id, first)).toHaveLength(1);
      expect(dmsAbout(CSM.id, second)).toHaveLength(1);
    } finally {
      await other.stop();
    }
    expect(logs.leaked(h.secrets)).toEqual([]);
  });

  it('a DM to someone who left the workspace is dropped with one log line, not retried', async () => {
    h.slack.addUser(GONE);
    await setUserMapping(h.app.ctx.store.db, WORKSPACE, GONE.id, 'user_csm_050', new Date().toISOString());
    const attempts = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === GONE.id).length;
    await changedByAda('user_csm_050');
    await outboxDrained(h);
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts()).toBe(1);
    expect(h.logs.lines.filter((l) => l.includes('DM dropped, the person cannot be reached'))).toHaveLength(1);
    const rows = await h.app.ctx.store.db
      .selectFrom('outbox')
      .select(['status', 'attempts'])
      .where('kind', '=', 'dm.owner')
      .where('payload', 'like', `%${GONE.id}%`)
      .execute();
    expect(rows).toEqual([{ status: 'done', attempts: 1 }]);
  });
});

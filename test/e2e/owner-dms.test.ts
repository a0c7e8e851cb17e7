import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserMapping } from '../../src/store/user-mappings.js';
import { ADMIN, CSM, startHarness, type Harness } from '../harness/app-harness.js';
import { FILLED, openOnboard, submitView as submitOnboard } from '../harness/onboard-flow.js';
import { dmText, dmsTo } from '../harness/owner-dms.js';
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

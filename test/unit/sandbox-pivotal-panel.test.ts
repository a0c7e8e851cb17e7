import { describe, expect, it } from 'vitest';
import { PivotalPanel } from '../../sandbox/page/pivotal-panel.js';
import { simulatorFixture } from '../pivotal/support.js';
import { byAttr, textOf } from '../harness/vnode-query.js';

/** The panel's controls against a real simulator: each does what its label says, or says why not. */

async function panelFixture() {
  const fixture = await simulatorFixture({ mode: 'test' });
  fixture.sim.seedDemo(fixture.org.id, { customers: 3 });
  const panel = new PivotalPanel({
    simulator: fixture.sim,
    orgId: fixture.org.id,
    webhookUrl: () => 'http://127.0.0.1:1/pivotal/webhooks/T0SANDBOX',
  });
  const me = () => fetch(`${fixture.sim.url}/me`, { headers: { authorization: `Bearer ${fixture.key}` } });
  return { ...fixture, panel, me };
}

describe('the sandbox page’s Pivotal panel', () => {
  it('lists the org’s onboardings with their controls, and changes them as someone in Pivotal', async () => {
    const { sim, org, panel } = await panelFixture();
    const rows = byAttr(byAttr(panel.render(), 'data-testid', 'panel-onboardings'), 'data-panel-ref');
    expect(rows.map((r) => r.attrs!['data-panel-ref'])).toEqual(['1', '2', '3']);
    expect(textOf(rows[0]!)).toContain('Aurora Analytics');

    expect(await panel.run('phase', { ref: '2', value: 'launch' })).toBe('Onboarding 2 moved to launch.');
    expect(await panel.run('target', { ref: '2', value: '2027-01-31' })).toBe('Onboarding 2 now targets 2027-01-31.');
    expect(await panel.run('state', { ref: '2', value: 'paused' })).toBe('Onboarding 2 is now paused.');
    expect(sim.state.get(org.id, 'onboardings', '2')).toMatchObject({
      phase: 'launch',
      state: 'paused',
      target_launch_date: '2027-01-31T00:00:00.000Z',
    });
    expect(await panel.run('add', { fields: { customer: 'Panel Made', phase: 'review' } })).toBe(
      'Added onboarding 4 for Panel Made.',
    );
    expect(await panel.run('delete', { ref: '1' })).toBe('Onboarding 1 deleted.');
    expect(sim.state.count(org.id, 'onboardings')).toBe(3);

    await expect(panel.run('state', { ref: '2', value: 'sleeping' })).rejects.toThrow(/value/);
    await expect(panel.run('phase', { ref: 'abc', value: 'launch' })).rejects.toThrow('an onboarding display id');
    await expect(panel.run('add', { fields: { customer: '  ' } })).rejects.toThrow('Name the customer.');
    await expect(panel.run('target', { ref: '2', value: 'tomorrow' })).rejects.toThrow('YYYY-MM-DD');
  });

  it('makes a second key shown once, and revokes a key by its row', async () => {
    const { sim, org, panel, me } = await panelFixture();
    await panel.run('key-create', { fields: { mode: 'live' } });
    const secret = byAttr(panel.render(), 'data-testid', 'new-key')[0]!.attrs!.value!;
    expect(secret).toMatch(/^pivotal_[A-Za-z0-9]{32}$/);
    expect((await fetch(`${sim.url}/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    await panel.run('key-dismiss', {});
    expect(byAttr(panel.render(), 'data-testid', 'new-key')).toEqual([]);
    // No secret is ever shown again: the keys table names prefixes only.
    expect(JSON.stringify(panel.render())).not.toContain(secret);

    const first = sim.listKeys(org.id)[0]!;
    expect(await panel.run('key-revoke', { ref: first.id })).toBe(`Revoked ${first.prefix}….`);
    expect((await me()).status).toBe(401);
  });

  it('injects the faults the simulator knows, and clears them', async () => {
    const { sim, panel, me } = await panelFixture();
    expect(await panel.run('fail-next', { fields: { count: '2', status: '429' } })).toBe(
      'The next 2 requests answer 429.',
    );
    expect(textOf(panel.render())).toContain('2 queued');
    const limited = await me();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await panel.run('faults-clear', {})).toBe('No faults.');
    expect((await me()).status).toBe(200);

    await panel.run('latency', { value: '150' });
    const started = Date.now();
    await me();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await panel.run('error-rate', { value: '100' });
    expect((await me()).status).toBe(500);
    await expect(panel.run('error-rate', { value: '101' })).rejects.toThrow(/100/);
    sim.faults.clear();
  });

  it('adds a webhook endpoint for the app and shows its signing secret', async () => {
    const { panel } = await panelFixture();
    await panel.run('webhook-add', { fields: { mode: 'test' } });
    const view = panel.render();
    expect(textOf(view)).toContain('http://127.0.0.1:1/pivotal/webhooks/T0SANDBOX');
    expect(byAttr(view, 'data-testid', 'webhook-secret')[0]!.attrs!.value).toMatch(/^whsec_/);
    // With an endpoint, each row offers a signed delivery of its record.
    expect(byAttr(view, 'data-panel-op', 'resend').length).toBe(3);
    expect(await panel.run('resend', { ref: '1' })).toBe('Sent onboarding 1 to the webhook endpoints.');
  });
});

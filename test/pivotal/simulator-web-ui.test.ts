import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startPivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { verifyWebhook } from '../../src/webhooks/signature.js';
import { simulatorFixture } from './support.js';

/**
 * What the sandbox's Pivotal panel relies on: changes made "in Pivotal's web app" announced to webhook
 * endpoints with deliveries the app's own verifier accepts, record pages for the app's links, and a
 * snapshot a restarted simulator comes back from.
 */

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

async function receiver(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pivotal/webhooks/T0SANDBOX`,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the simulator as Pivotal’s web app', () => {
  it('announces a phase change to each endpoint, signed as Svix signs, with what changed', async () => {
    const { sim, org } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 3 });
    const hook = await receiver();
    try {
      const endpoint = sim.webhooks.addEndpoint(org.id, { url: hook.url, testMode: true });
      expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      const moved = await sim.webUi.movePhase(org.id, '1', 'launch');
      expect(moved.phase).toBe('launch');
      expect(hook.deliveries).toHaveLength(1);
      const [delivery] = hook.deliveries;
      const verdict = verifyWebhook(
        endpoint.secret,
        {
          id: delivery!.headers['svix-id'],
          timestamp: delivery!.headers['svix-timestamp'],
          signature: delivery!.headers['svix-signature'],
        },
        Buffer.from(delivery!.body),
        Date.now(),
      );
      expect(verdict).toEqual({ ok: true });
      const event = JSON.parse(delivery!.body) as Record<string, any>;
      expect(event).toMatchObject({
        type: 'onboarding.phase_changed',
        org_id: org.id,
        livemode: false,
        api_version: 'v1',
        data: {
          object: { id: moved.id, display_id: 1, phase: 'launch' },
          previous_attributes: { phase: 'before_getting_started' },
        },
      });
      expect(event.id).toMatch(/^evt_/);
      expect(delivery!.headers['svix-id']).not.toBe(event.id);
      expect(sim.webhooks.deliveries[0]).toMatchObject({ type: 'onboarding.phase_changed', status: 200 });

      await sim.webUi.addOnboarding(org.id, { customerName: 'Webhook Works', phase: 'review' });
      expect(hook.deliveries.map((d) => (JSON.parse(d.body) as { type: string }).type).slice(1)).toEqual([
        'customer.created',
        'onboarding.created',
      ]);
      await expect(sim.webUi.movePhase(org.id, '1', 'orbit')).rejects.toThrow('Unknown phase "orbit"');
      await expect(sim.webUi.setTargetDate(org.id, '1', '12/31/2026')).rejects.toThrow('YYYY-MM-DD');
      sim.webUi.deleteOnboarding(org.id, '2');
      expect(sim.state.get(org.id, 'onboardings', '2')).toBeUndefined();
    } finally {
      await hook.close();
    }
  });

  it('records an endpoint that cannot be reached instead of failing the change', async () => {
    const { sim, org } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 1 });
    sim.webhooks.addEndpoint(org.id, { url: 'http://127.0.0.1:1/nowhere' });
    const changed = await sim.webUi.setState(org.id, '1', 'paused');
    expect(changed.state).toBe('paused');
    expect(sim.webhooks.deliveries[0]).toMatchObject({ type: 'onboarding.state_changed', status: null });
  });

  it('serves the record pages the app links to, and a 404 for anything else', async () => {
    const { sim, org } = await simulatorFixture();
    const customer = sim.state.createCustomer(org.id, { name: 'Acme <Rockets>', slug: 'acme-rockets' });
    sim.state.createOnboarding(org.id, { customer_id: customer.id, phase: 'review' });
    for (const path of [
      `/customers/${customer.display_id}`,
      `/customers/${customer.display_id}-acme`,
      '/customers/acme-rockets',
    ]) {
      const res = await fetch(`${sim.webUrl}${path}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      // Record text is escaped, never markup.
      expect(html).toContain('Acme &lt;Rockets&gt;');
      expect(html).toContain('review');
    }
    expect((await fetch(`${sim.webUrl}/onboardings/1`)).status).toBe(200);
    expect((await fetch(`${sim.webUrl}/customers/999`)).status).toBe(404);
  });

  it('comes back from a snapshot with the same records, display ids, keys and idempotent answers', async () => {
    const { sim, org, key } = await simulatorFixture();
    sim.seedDemo(org.id, { customers: 2 });
    const post = (base: string) =>
      fetch(`${base}/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': 'same-one' },
        body: JSON.stringify({ name: 'Once Only' }),
      });
    const first = await (await post(sim.url)).json();
    sim.webUi.deleteOnboarding(org.id, '1');
    const revoked = sim.createKey(org.id, { mode: 'test' });
    sim.revokeKey(revoked);

    const again = await startPivotalSimulator({ restore: JSON.parse(JSON.stringify(sim.snapshot())) });
    try {
      expect(again.state.list(org.id, 'onboardings')).toEqual(sim.state.list(org.id, 'onboardings'));
      expect(again.state.get(org.id, 'onboardings', '1')).toBeUndefined();
      expect(await (await post(again.url)).json()).toEqual(first);
      expect(again.state.count(org.id, 'customers')).toBe(3);
      const unrevoked = await fetch(`${again.url}/me`, { headers: { authorization: `Bearer ${revoked}` } });
      expect(((await unrevoked.json()) as { error: { code: string } }).error.code).toBe('api_key_revoked');
      // Display ids go on from where they were; slugs stay taken.
      expect(again.state.createCustomer(org.id, { name: 'Next' }).display_id).toBe(4);
      expect(() => again.state.createCustomer(org.id, { name: 'Once Only' })).toThrow('already exists');
    } finally {
      await again.close();
    }
  });
});

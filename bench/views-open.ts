import { CSM, startHarness, type Harness } from '../test/harness/app-harness.js';
import { waitFor } from '../test/harness/wait.js';
import { medianOf, percentile, type Bench, type BenchRow } from './lib.js';

const COMMANDS_PER_RUN = 20;

/**
 * `/pivotal onboard …` → `views.open`: from sending the signed command to the fake Slack receiving the
 * modal, through the real app over HTTP. The modal must open within the trigger's 3 s whatever Pivotal
 * does, so the second case makes Pivotal answer in 2 s (the command then asks it about the typed name,
 * after the modal is open).
 */
export const viewsOpen: Bench = {
  name: 'views-open',
  async run({ runs }) {
    const cases: Array<{ name: string; latencyMs: number; text: (i: number) => string }> = [
      { name: 'onboard, customer known locally', latencyMs: 0, text: () => 'onboard Bench Known' },
      { name: 'onboard, unknown name, Pivotal 2 s slow', latencyMs: 2_000, text: (i) => `onboard Unknown ${i}` },
    ];
    const rows: BenchRow[] = [];
    for (const c of cases) {
      const h = await startHarness({ simulator: { rateLimit: { live: 6_000 } }, env: { LOG_LEVEL: 'warn' } });
      try {
        await seedKnownCustomer(h);
        h.pivotal.faults.latencyMs = c.latencyMs;
        let n = 0;
        const figures = await medianOf(runs, async () => {
          const samples: number[] = [];
          for (let i = 0; i < COMMANDS_PER_RUN; i += 1) samples.push(await commandToViewsOpen(h, c.text(n++)));
          samples.sort((a, b) => a - b);
          return { p50_ms: percentile(samples, 50), p95_ms: percentile(samples, 95) };
        });
        rows.push({ bench: 'views-open', case: c.name, commands: runs * COMMANDS_PER_RUN, ...figures });
      } finally {
        await h.close();
      }
    }
    return rows;
  },
};

async function seedKnownCustomer(h: Harness): Promise<void> {
  const customer = h.pivotal.state.createCustomer(h.orgId, { name: 'Bench Known', slug: 'bench-known' });
  // One lookup fills the read model, as the sync would.
  await h.command(`customer ${customer.slug}`);
  await h.idle();
}

async function commandToViewsOpen(h: Harness, text: string): Promise<number> {
  const before = h.slack.callsTo('views.open').length;
  const sent = Date.now();
  await h.command(text, { user: CSM });
  const call = await waitFor(() => h.slack.callsTo('views.open')[before], { intervalMs: 1, what: 'views.open' });
  return call.at - sent;
}

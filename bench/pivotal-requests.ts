import { ADMIN, CSM, startHarness, type Harness } from '../test/harness/app-harness.js';
import { openHome } from '../test/harness/home.js';
import { FILLED, openOnboard, submitView as submitOnboard } from '../test/harness/onboard-flow.js';
import { fastOutbox, openMove, seedOnboarding, select, submitView as submitMove } from '../test/harness/phase-moves.js';
import { busiestWindow, median, round, type Bench, type BenchRow } from './lib.js';

const BUCKET = 60;
/** The live bucket's window, scaled down so that minutes of sync take seconds: one window stands for one minute. */
const WINDOW_MS = Number(process.env.BENCH_SYNC_WINDOW_MS ?? 2_000);
const SYNC_WINDOWS = 4;
const ONBOARDINGS = 5_000;

/**
 * Pivotal requests each flow makes, counted in the simulator's request log (the app cannot hide one
 * there): onboarding a new customer with its contact, moving an onboarding, opening Home. Then the
 * sync of a 5,000-onboarding workspace against the documented live bucket (60 a minute), with the
 * bucket's window scaled down: how much of the bucket it takes per minute (goal: half at most), in
 * the busiest window and on average, and whether it ever earned a 429.
 */
export const pivotalRequests: Bench = {
  name: 'pivotal-requests',
  async run({ runs }) {
    return [...(await flows(runs)), await sync(Math.min(runs, 3))];
  },
};

async function flows(runs: number): Promise<BenchRow[]> {
  const h = await startHarness({ simulator: { rateLimit: { live: 1_000_000 } }, env: { LOG_LEVEL: 'warn' } });
  fastOutbox(h);
  try {
    const counted = async (flow: () => Promise<void>): Promise<number> => {
      await h.idle();
      const before = h.pivotal.requests.length;
      await flow();
      await h.idle();
      return h.pivotal.requests.length - before;
    };
    let n = 0;
    const cases: Array<[string, () => Promise<void>]> = [
      [
        'onboard: new customer, contact, onboarding',
        async () => {
          const viewId = await openOnboard(h, `Bench Customer ${(n += 1)}`);
          await h.idle();
          await submitOnboard(h, viewId, FILLED);
        },
      ],
      [
        'move: advance one phase',
        async () => {
          const { customer } = await seedOnboarding(h);
          const form = await openMove(h, customer.name);
          await submitMove(h, form, { phase: select('program_buildout') });
        },
      ],
      [
        'Home open',
        async () => {
          await openHome(h, CSM);
        },
      ],
    ];
    const rows: BenchRow[] = [];
    for (const [name, flow] of cases) {
      const samples: number[] = [];
      for (let i = 0; i < runs; i += 1) samples.push(await counted(flow));
      rows.push({
        bench: 'pivotal-requests',
        case: name,
        requests: median(samples),
        goal: name === 'Home open' ? `0: ${median(samples) === 0 ? 'met' : 'MISSED'}` : '',
      });
    }
    return rows;
  } finally {
    await h.close();
  }
}

async function sync(runs: number): Promise<BenchRow> {
  const samples: Array<{ busiest: number; mean: number; throttled: number }> = [];
  for (let i = 0; i < runs; i += 1) {
    const h: Harness = await startHarness({
      simulator: { rateLimit: { live: BUCKET, windowMs: WINDOW_MS } },
      sync: { tickMs: 20, intervalMs: 60_000 },
      env: { LOG_LEVEL: 'warn' },
    });
    try {
      h.pivotal.seedBulk(h.orgId, ONBOARDINGS);
      // The first request from the workspace makes it known and starts its sync.
      await openHome(h, ADMIN);
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, SYNC_WINDOWS * WINDOW_MS));
      const times = h.pivotal.requests
        .filter((r) => r.at.getTime() >= started && r.keyPrefix !== undefined)
        .map((r) => r.at.getTime());
      samples.push({
        busiest: busiestWindow(
          times.sort((a, b) => a - b),
          WINDOW_MS,
        ),
        mean: times.length / SYNC_WINDOWS,
        throttled: h.pivotal.requests.filter((r) => r.status === 429).length,
      });
    } finally {
      await h.close();
    }
  }
  const busiest = median(samples.map((s) => s.busiest));
  return {
    bench: 'pivotal-requests',
    case: `sync of ${ONBOARDINGS.toLocaleString('en')} onboardings, per minute of a ${BUCKET}/min bucket`,
    requests: round(median(samples.map((s) => s.mean)), 1),
    busiest_minute: busiest,
    http_429: median(samples.map((s) => s.throttled)),
    goal: `≤ ${BUCKET / 2}: ${busiest <= BUCKET / 2 ? 'met' : 'MISSED'}`,
  };
}

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSlack, type FakeSlack } from '../sandbox/fake-slack/server.js';
import { startPivotalSimulator } from '../sandbox/pivotal-simulator/index.js';
import { keyDisplayPrefix } from '../src/pivotal/index.js';
import { createDatabase } from '../src/store/database.js';
import { busiestWindow, percentile, round, type Bench, type BenchRow } from './lib.js';
import { ensureBuilt, startAppProcess } from './support/app-process.js';
import { timeHomeOpened } from './support/home-opened.js';
import { BENCH_TEAM } from './support/services.js';

/** The paid plan's bucket, on the real clock: nothing here is scaled down. */
const BUCKET = 600;
const WINDOW_MS = 60_000;
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '500,5000,50000').split(',').map(Number);
const HOME_OPENS = 20;
const SAMPLE_MS = 250;
const TIMEOUT_MS = 30 * 60_000;
const SIGNING_SECRET = 'bench-scale-signing-secret-0123';

/**
 * How the first sync of one workspace grows with its size, as production runs it (the compiled app
 * in its own process, default sync options) against the simulator with the paid bucket of 600
 * requests a minute: the time until the read model is complete (the first full walk of both lists
 * ended), the requests it took and their rate (the sync may use half the bucket), the app's resident
 * memory at its peak and at the end, the database's size on disk, and Home's p95 once the read model
 * is complete, timed from the Home-opened event to Slack receiving the published view. One run per
 * size; a last row says how much each figure grew from the smallest size to the largest.
 */
export const syncScale: Bench = {
  name: 'sync-scale',
  async run() {
    ensureBuilt();
    const slack = await startFakeSlack({ teamId: BENCH_TEAM.id });
    const pivotal = await startPivotalSimulator({ rateLimit: { live: BUCKET, windowMs: WINDOW_MS } });
    try {
      const rows: BenchRow[] = [];
      for (const size of SIZES) {
        process.stderr.write(`  sync-scale: ${size.toLocaleString('en')} onboardings…\n`);
        const org = pivotal.createOrg({ name: `Scale ${size}`, slug: `scale-${size}` });
        pivotal.seedBulk(org.id, size);
        const key = pivotal.createKey(org.id, { mode: 'live', name: `scale-${size}` });
        const app = await startAppProcess('compiled', {
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_BOT_TOKEN: 'xoxb-1-2-benchscale',
          SLACK_API_URL: slack.apiUrl,
          PIVOTAL_API_URL: pivotal.url,
          PIVOTAL_API_KEY: key,
        });
        try {
          const started = Date.now();
          const store = await createDatabase({ dataDir: app.dataDir });
          let peak = 0;
          try {
            for (;;) {
              peak = Math.max(peak, app.rssMb());
              const state = await store.db.selectFrom('sync_state').select('last_full_walk_at').executeTakeFirst();
              if (state?.last_full_walk_at) break;
              if (Date.now() - started > TIMEOUT_MS) throw new Error(`no complete read model of ${size} in time`);
              await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
            }
          } finally {
            await store.destroy();
          }
          const done = Date.now();
          const prefix = keyDisplayPrefix(key);
          const times = pivotal.requests
            .filter((r) => r.keyPrefix === prefix && r.at.getTime() >= started)
            .map((r) => r.at.getTime())
            .sort((a, b) => a - b);
          const minutes = (done - started) / 60_000;
          const home = await homeP95(slack, app.url);
          rows.push({
            bench: 'sync-scale',
            case: `${size.toLocaleString('en')} onboardings`,
            onboardings: size,
            read_model_s: round((done - started) / 1000, 1),
            requests: times.length,
            // Over the whole sync; a sync shorter than a minute is counted over its first minute.
            requests_per_min: round(times.length / Math.max(1, minutes), 0),
            busiest_minute: busiestWindow(times, WINDOW_MS),
            http_429: pivotal.requests.filter((r) => r.keyPrefix === prefix && r.status === 429).length,
            rss_peak_mb: round(peak, 1),
            rss_done_mb: round(app.rssMb(), 1),
            db_mb: round(databaseBytes(app.dataDir) / 1024 / 1024, 1),
            home_p95_ms: round(home, 1),
          });
        } finally {
          await app.stop();
        }
      }
      return [...rows, growth(rows)];
    } finally {
      await slack.close();
      await pivotal.close();
    }
  },
};

/** Home opened again and again by one person: from the event to Slack receiving the view. */
async function homeP95(slack: FakeSlack, appUrl: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < HOME_OPENS; i += 1) samples.push(await timeHomeOpened(slack, appUrl, SIGNING_SECRET));
  return percentile(
    samples.sort((a, b) => a - b),
    95,
  );
}

function databaseBytes(dataDir: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(join(dataDir, `pivotal-slack.sqlite${suffix}`)).size;
    } catch {
      // No such file (the WAL after a checkpoint).
    }
  }
  return total;
}

/** Each figure at the largest size over the same at the smallest: ×100 in size, ×N in cost. */
function growth(rows: BenchRow[]): BenchRow {
  const [first, last] = [rows[0]!, rows.at(-1)!];
  const out: BenchRow = { bench: 'sync-scale', case: `growth ${first.case} → ${last.case} (×)` };
  for (const key of Object.keys(first)) {
    const [a, b] = [first[key], last[key]];
    if (key !== 'http_429' && typeof a === 'number' && typeof b === 'number' && a > 0) out[key] = round(b / a, 1);
  }
  return out;
}

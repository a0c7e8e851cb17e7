import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSlack } from '../sandbox/fake-slack/server.js';
import { startPivotalSimulator } from '../sandbox/pivotal-simulator/index.js';
import { createDatabase } from '../src/store/database.js';
import { percentile, round, type Bench, type BenchRow } from './lib.js';
import { ensureBuilt, startAppProcess } from './support/app-process.js';
import { timeHomeOpened } from './support/home-opened.js';
import { BENCH_TEAM } from './support/services.js';

const SIZES = (process.env.BENCH_LOOP_SIZES ?? '5000').split(',').map(Number);
const PROBE = fileURLToPath(new URL('./support/loop-probe.mjs', import.meta.url));
const SIGNING_SECRET = 'bench-loop-signing-secret-01234';
const HOME_EVERY_MS = 500;
const TIMEOUT_MS = 15 * 60_000;

interface ProbeFigures {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
}

/**
 * How long the app holds its event loop while its first sync fills the read model as fast as it can
 * (an unthrottled simulator): the compiled app in its own process, with a probe preloaded
 * (support/loop-probe.mjs, perf_hooks' event-loop delay from the end of start-up to exit), and one
 * person opening Home every half second meanwhile, timed from the event to Slack receiving the view.
 * A long stretch of synchronous work (better-sqlite3 answers synchronously) shows as the maximum
 * delay, and every request that arrives during it waits for its end.
 */
export const loopDelay: Bench = {
  name: 'loop-delay',
  async run() {
    ensureBuilt();
    const slack = await startFakeSlack({ teamId: BENCH_TEAM.id });
    const pivotal = await startPivotalSimulator({ rateLimit: { live: 1_000_000 } });
    const probeDir = await mkdtemp(join(tmpdir(), 'pivotal-bench-loop-'));
    try {
      const rows: BenchRow[] = [];
      for (const size of SIZES) {
        process.stderr.write(`  loop-delay: ${size.toLocaleString('en')} onboardings…\n`);
        const org = pivotal.createOrg({ name: `Loop ${size}`, slug: `loop-${size}` });
        pivotal.seedBulk(org.id, size);
        const probeOut = join(probeDir, `${size}.json`);
        const app = await startAppProcess('compiled', {
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_BOT_TOKEN: 'xoxb-1-2-benchloop',
          SLACK_API_URL: slack.apiUrl,
          PIVOTAL_API_URL: pivotal.url,
          PIVOTAL_API_KEY: pivotal.createKey(org.id, { mode: 'live', name: `loop-${size}` }),
          NODE_OPTIONS: `--import ${PROBE}`,
          LOOP_PROBE_OUT: probeOut,
        });
        const started = Date.now();
        const home: number[] = [];
        try {
          const store = await createDatabase({ dataDir: app.dataDir });
          try {
            for (;;) {
              const state = await store.db.selectFrom('sync_state').select('last_full_walk_at').executeTakeFirst();
              if (state?.last_full_walk_at) break;
              if (Date.now() - started > TIMEOUT_MS) throw new Error(`no complete read model of ${size} in time`);
              home.push(await timeHomeOpened(slack, app.url, SIGNING_SECRET));
              await new Promise((resolve) => setTimeout(resolve, HOME_EVERY_MS));
            }
          } finally {
            await store.destroy();
          }
        } finally {
          await app.stop();
        }
        const loop = JSON.parse(readFileSync(probeOut, 'utf8')) as ProbeFigures;
        home.sort((a, b) => a - b);
        rows.push({
          bench: 'loop-delay',
          case: `first sync of ${size.toLocaleString('en')} onboardings`,
          read_model_s: round((Date.now() - started) / 1000, 1),
          loop_max_ms: loop.maxMs,
          loop_p99_ms: loop.p99Ms,
          loop_mean_ms: loop.meanMs,
          home_opens: home.length,
          home_p50_ms: round(percentile(home, 50), 1),
          home_p95_ms: round(percentile(home, 95), 1),
          home_max_ms: round(home.at(-1) ?? Number.NaN, 1),
        });
      }
      return rows;
    } finally {
      await rm(probeDir, { recursive: true, force: true });
      await slack.close();
      await pivotal.close();
    }
  },
};

import { sql } from 'kysely';
import { KeyRing } from '../src/security/key-encryption.js';
import { createDatabase } from '../src/store/database.js';
import { median, round, type Bench, type BenchRow } from './lib.js';
import { ensureBuilt, startAppProcess, type AppProcess, type StartPath } from './support/app-process.js';
import { runLoad, type SignedRequest } from './support/load.js';
import { benchTeamId } from './support/protocol.js';
import { actionRequests, commandRequests, homeOpenedRequest } from './support/requests.js';
import { seedInstalledWorkspaces } from './support/seed.js';
import { startBenchServices, type BenchServices } from './support/services.js';

const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 1_000);
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
/** Let start-up's own work (first sync tick, timers) settle before the boot figure is read. */
const SETTLE_MS = 2_000;
const SYNCED_TIMEOUT_MS = 180_000;
const GOALS_MB = { rss_boot_mb: 110, rss_installed_mb: 130, rss_after_load_mb: 160 } as const;
/** The app's own link button: a click it acks and does nothing more with, like the no-op of the ack bench. */
const LINK_BUTTON_ACTION = 'home_open_in_pivotal';

type Figures = Record<
  | 'rss_boot_mb'
  | 'rss_installed_mb'
  | 'rss_after_load_mb'
  | 'heap_boot_mb'
  | 'heap_installed_mb'
  | 'heap_after_load_mb',
  number
> & {
  mixed_req_s: number;
  mixed_p99_ms: number;
};

/**
 * Memory of the real app in OAuth distribution mode, each run in a fresh process started as in
 * production (src/main.ts's entry, configured by environment only): at boot, once 1,000 workspaces
 * installed it and their first sync finished (an encrypted installation row and a connected
 * workspace row each, written beside the running app), and after a mixed load from all of them
 * (slash commands, clicks, Home opens, each authorised against its installation). The same is
 * measured with the compiled JavaScript `npm start` runs and with the TypeScript loader on the
 * sources, in alternation in the same run: the difference is what the loader costs.
 */
export const rss: Bench = {
  name: 'rss',
  async run({ runs }) {
    ensureBuilt();
    const services = await startBenchServices();
    try {
      const keys = Array.from({ length: WORKSPACES }, (_, i) =>
        services.pivotal.createKey(services.orgId, { mode: 'live', name: `bench-${i}` }),
      );
      const samples: Record<StartPath, Figures[]> = { compiled: [], loader: [] };
      for (let i = 0; i < runs; i += 1)
        for (const path of ['compiled', 'loader'] as const) samples[path].push(await once(services, path, keys));
      const med = (path: StartPath, key: keyof Figures) => round(median(samples[path].map((s) => s[key])), 1);
      const row = (path: StartPath, name: string): BenchRow => ({
        bench: 'rss',
        case: name,
        rss_boot_mb: med(path, 'rss_boot_mb'),
        rss_installed_mb: med(path, 'rss_installed_mb'),
        rss_after_load_mb: med(path, 'rss_after_load_mb'),
        heap_boot_mb: med(path, 'heap_boot_mb'),
        heap_installed_mb: med(path, 'heap_installed_mb'),
        heap_after_load_mb: med(path, 'heap_after_load_mb'),
        mixed_req_s: med(path, 'mixed_req_s'),
        mixed_p99_ms: med(path, 'mixed_p99_ms'),
        goal: '',
      });
      const compiled = row('compiled', `npm start (compiled), OAuth, ${WORKSPACES} workspaces, mixed load`);
      compiled.goal = (Object.keys(GOALS_MB) as Array<keyof typeof GOALS_MB>)
        .map(
          (k) =>
            `${k.replace(/^rss_|_mb$/g, '')} ≤ ${GOALS_MB[k]}: ${Number(compiled[k]) <= GOALS_MB[k] ? 'met' : 'MISSED'}`,
        )
        .join(', ');
      const loader = row('loader', 'same, through the tsx loader');
      const difference: BenchRow = { bench: 'rss', case: 'what the loader costs (loader − compiled)' };
      for (const key of [
        'rss_boot_mb',
        'rss_installed_mb',
        'rss_after_load_mb',
        'heap_boot_mb',
        'heap_installed_mb',
        'heap_after_load_mb',
      ] as const)
        difference[key] = round(Number(loader[key]) - Number(compiled[key]), 1);
      return [compiled, loader, difference];
    } finally {
      await services.close();
    }
  },
};

async function once(services: BenchServices, path: StartPath, keys: readonly string[]): Promise<Figures> {
  const app = await startAppProcess(path, {
    SLACK_SIGNING_SECRET: services.signingSecret,
    SLACK_CLIENT_ID: '1111.2222',
    SLACK_CLIENT_SECRET: 'bench-client-secret-0123456789',
    SLACK_STATE_SECRET: 'bench-state-secret-0123456789',
    SLACK_API_URL: services.slack.apiUrl,
    PIVOTAL_API_URL: services.pivotal.url,
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    // Each phase's V8 heap in use is read after its RSS, so the reading itself is not in the RSS figure.
    const boot = app.rssMb();
    const heapBoot = await app.heapUsedMb();
    await installAndSync(app, keys);
    const installed = app.rssMb();
    const heapInstalled = await app.heapUsedMb();
    const load = await runLoad({
      url: `${app.url}/slack/events`,
      connections: CONNECTIONS,
      durationSec: SECONDS,
      request: mixedRequests(services),
    });
    return {
      rss_boot_mb: boot,
      rss_installed_mb: installed,
      rss_after_load_mb: app.rssMb(),
      heap_boot_mb: heapBoot,
      heap_installed_mb: heapInstalled,
      heap_after_load_mb: await app.heapUsedMb(),
      mixed_req_s: load.reqPerSec,
      mixed_p99_ms: load.p99Ms,
    };
  } finally {
    await app.stop();
  }
}

/** Writes the installations beside the running app and waits until it has synced every workspace once. */
async function installAndSync(app: AppProcess, keys: readonly string[]): Promise<void> {
  const store = await createDatabase({ dataDir: app.dataDir });
  try {
    await seedInstalledWorkspaces(store.db, KeyRing.fromBase64(app.env.PIVOTAL_KEY_ENCRYPTION_KEY!), keys);
    const deadline = Date.now() + SYNCED_TIMEOUT_MS;
    for (;;) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from sync_state where last_sync_at is not null`.execute(store.db);
      if (Number(rows[0]?.n) >= keys.length) return;
      if (Date.now() > deadline) throw new Error(`the app synced ${rows[0]?.n} of ${keys.length} workspaces in time`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await store.destroy();
  }
}

/** Round-robin over workspaces and kinds: every workspace is authorised, every kind is served. */
function mixedRequests(services: BenchServices): () => SignedRequest {
  const responseUrl = services.slack.responseUrl('bench');
  let n = 0;
  return () => {
    n += 1;
    const team = { id: benchTeamId(n % WORKSPACES), domain: 'bench' };
    switch (n % 3) {
      case 0:
        return commandRequests(services.signingSecret, team, 'help', responseUrl)();
      case 1:
        return actionRequests(services.signingSecret, team, responseUrl, LINK_BUTTON_ACTION)();
      default:
        return homeOpenedRequest(services.signingSecret, team);
    }
  };
}

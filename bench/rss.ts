import { median, round, type Bench } from './lib.js';
import { runLoad, type SignedRequest } from './support/load.js';
import { benchTeamId } from './support/protocol.js';
import { actionRequests, commandRequests, homeOpenedRequest } from './support/requests.js';
import { startBenchServices } from './support/services.js';

const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 1_000);
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const MB = 1024 * 1024;

/**
 * Memory of the real app in OAuth distribution mode: at boot, after 1,000 workspaces installed it
 * (an encrypted installation row and a connected workspace row each), and after a mixed load from all
 * of them (slash commands, block actions, Home opens, each one authorised against its installation).
 * A fresh process per run, so runs do not inherit each other's heap.
 */
export const rss: Bench = {
  name: 'rss',
  async run({ runs }) {
    const services = await startBenchServices();
    try {
      const keys = Array.from({ length: WORKSPACES }, (_, i) =>
        services.pivotal.createKey(services.orgId, { mode: 'live', name: `bench-${i}` }),
      );
      const responseUrl = services.slack.responseUrl('bench');
      let n = 0;
      // Round-robin over workspaces and kinds: every workspace is authorised, every kind is served.
      const mixed = (): SignedRequest => {
        n += 1;
        const team = { id: benchTeamId(n % WORKSPACES), domain: 'bench' };
        switch (n % 3) {
          case 0:
            return commandRequests(services.signingSecret, team, 'help', responseUrl)();
          case 1:
            return actionRequests(services.signingSecret, team, responseUrl)();
          default:
            return homeOpenedRequest(services.signingSecret, team);
        }
      };
      const samples: Array<Record<string, number>> = [];
      for (let i = 0; i < runs; i += 1) {
        const app = await services.start('app', { mode: 'oauth' });
        const boot = await app.memory();
        await app.seed(keys);
        const installed = await app.memory();
        const load = await runLoad({
          url: `${app.url}/slack/events`,
          connections: CONNECTIONS,
          durationSec: SECONDS,
          request: mixed,
        });
        const loaded = await app.memory();
        await app.stop();
        samples.push({
          rss_boot_mb: boot.rss / MB,
          rss_installed_mb: installed.rss / MB,
          rss_after_load_mb: loaded.rss / MB,
          heap_after_load_mb: loaded.heapUsed / MB,
          mixed_p99_ms: load.p99Ms,
          mixed_req_s: load.reqPerSec,
        });
      }
      const med = (key: string) => round(median(samples.map((s) => s[key]!)), 1);
      return [
        {
          bench: 'rss',
          case: `OAuth mode, ${WORKSPACES} workspaces installed, mixed load`,
          rss_boot_mb: med('rss_boot_mb'),
          rss_installed_mb: med('rss_installed_mb'),
          rss_after_load_mb: med('rss_after_load_mb'),
          heap_after_load_mb: med('heap_after_load_mb'),
          mixed_req_s: med('mixed_req_s'),
          mixed_p99_ms: med('mixed_p99_ms'),
        },
      ];
    } finally {
      await services.close();
    }
  },
};

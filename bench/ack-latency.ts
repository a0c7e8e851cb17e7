import { keyDisplayPrefix } from '../src/pivotal/index.js';
import { median, round, type Bench, type BenchRow } from './lib.js';
import { runLoad, type LoadResult, type SignedRequest } from './support/load.js';
import { actionRequests, commandRequests } from './support/requests.js';
import { BENCH_TEAM, startBenchServices } from './support/services.js';

const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_SECONDS = 2;
const P99_RATIO_GOAL = 1.2;
const BUSY_ONBOARDINGS = 5_000;

/**
 * Ack latency and throughput of signed Slack requests at a fixed concurrency: the real app and a bare
 * Bolt 5 app with no-op listeners. Each in a process of its own, measured in alternation so drift of
 * the machine hits all alike; ratios are taken per round and their median reported. A second real app
 * is measured busy, after the quiet rounds (its work would otherwise share the machine with them): in
 * its own process the sync re-walks 5,000 onboardings without pause (an unthrottled simulator) and the
 * outbox drains a backlog of posts meanwhile; its p99 is set against the quiet bare Bolt's, and how
 * many sync requests it made and posts it sent while measured are reported with it.
 */
export const ackLatency: Bench = {
  name: 'ack',
  async run({ runs }) {
    const services = await startBenchServices();
    try {
      const liveKey = services.pivotal.createKey(services.orgId, { mode: 'live', name: 'bench' });
      const app = await services.start('app', { pivotalKey: liveKey });
      const bare = await services.start('bare');
      const responseUrl = services.slack.responseUrl('bench');
      const cases: Array<{ name: string; request: () => SignedRequest }> = [
        {
          name: 'slash command `/pivotal help`',
          request: commandRequests(services.signingSecret, BENCH_TEAM, 'help', responseUrl),
        },
        {
          name: 'block action (no-op listener)',
          request: actionRequests(services.signingSecret, BENCH_TEAM, responseUrl),
        },
      ];
      const load = (url: string, request: () => SignedRequest, durationSec: number) =>
        runLoad({ url: `${url}/slack/events`, connections: CONNECTIONS, durationSec, request });

      // Quiet: nothing else runs on the machine but the two servers measured in turn.
      const quiet = new Map<string, Array<{ bare: LoadResult; app: LoadResult }>>();
      for (const c of cases) {
        for (const target of [bare, app]) await load(target.url, c.request, WARMUP_SECONDS);
        const rounds: Array<{ bare: LoadResult; app: LoadResult }> = [];
        for (let i = 0; i < runs; i += 1)
          rounds.push({
            bare: await load(bare.url, c.request, SECONDS),
            app: await load(app.url, c.request, SECONDS),
          });
        quiet.set(c.name, rounds);
      }

      // Busy: started only now, so its sync does not share the machine with the quiet rounds.
      const busyOrg = services.pivotal.createOrg({ name: 'Busy Inc', slug: 'busy-inc' });
      services.pivotal.seedBulk(busyOrg.id, BUSY_ONBOARDINGS);
      const busyKey = services.pivotal.createKey(busyOrg.id, { mode: 'live', name: 'busy' });
      const busy = await services.start('app', { pivotalKey: busyKey, busy: true });
      const syncRequests = () =>
        services.pivotal.requests.filter((r) => r.keyPrefix === keyDisplayPrefix(busyKey)).length;
      const postsSent = () => services.slack.callsTo('chat.postMessage').length;

      const rows: BenchRow[] = [];
      for (const c of cases) {
        await load(busy.url, c.request, WARMUP_SECONDS);
        const busyRounds: LoadResult[] = [];
        const [sync, posts] = [syncRequests(), postsSent()];
        for (let i = 0; i < runs; i += 1) busyRounds.push(await load(busy.url, c.request, SECONDS));
        const busyWork = { sync: syncRequests() - sync, posts: postsSent() - posts, seconds: runs * SECONDS };
        const rounds = quiet.get(c.name)!;
        const med = (values: number[], digits = 3) => round(median(values), digits);
        const ratio = med(
          rounds.map((r) => r.app.p99Ms / r.bare.p99Ms),
          2,
        );
        const bareP99 = med(rounds.map((r) => r.bare.p99Ms));
        rows.push({
          bench: 'ack',
          case: c.name,
          connections: CONNECTIONS,
          app_p50_ms: med(rounds.map((r) => r.app.p50Ms)),
          app_p99_ms: med(rounds.map((r) => r.app.p99Ms)),
          app_req_s: med(
            rounds.map((r) => r.app.reqPerSec),
            0,
          ),
          bolt_p50_ms: med(rounds.map((r) => r.bare.p50Ms)),
          bolt_p99_ms: bareP99,
          bolt_req_s: med(
            rounds.map((r) => r.bare.reqPerSec),
            0,
          ),
          p99_ratio: ratio,
          goal: `≤ ${P99_RATIO_GOAL}: ${ratio <= P99_RATIO_GOAL ? 'met' : 'MISSED'}`,
          busy_app_p99_ms: med(busyRounds.map((r) => r.p99Ms)),
          busy_p99_ratio: round(median(busyRounds.map((r) => r.p99Ms)) / bareP99, 2),
          busy_sync_requests_per_s: round(busyWork.sync / busyWork.seconds, 1),
          busy_posts_per_s: round(busyWork.posts / busyWork.seconds, 1),
        });
      }
      return rows;
    } finally {
      await services.close();
    }
  },
};

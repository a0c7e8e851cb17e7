import type { Harness } from '../test/harness/app-harness.js';
import { postsAbout } from '../test/harness/phase-moves.js';
import * as tenants from '../test/harness/two-tenants.js';
import { waitFor } from '../test/harness/wait.js';
import { median, percentile, round, type Bench, type BenchRow } from './lib.js';

const HELD = 500;
const BURST_ONBOARDINGS = 100;
const GOAL_MS = 2_000;

/**
 * How long one workspace's channel post waits while another workspace has a backlog: 500 posts held
 * because it picked no channel, or a burst of 1,000 changes in its one channel. The dispatcher keeps
 * its default pacing (1.1 s between two messages in one channel). Each sample is a new onboarding of
 * the quiet workspace, timed from queueing its change to Slack receiving its post.
 */
export const outboxFairness: Bench = {
  name: 'outbox-fairness',
  async run({ runs }) {
    return [await heldElsewhere(runs), ...(await burstElsewhere(runs))];
  },
};

async function heldElsewhere(runs: number): Promise<BenchRow> {
  const { h, acme, globex } = await tenants.startTwoTenants({ env: { LOG_LEVEL: 'warn' } });
  try {
    await tenants.pickChannel(h, globex.team, tenants.GLOBEX_CHANNEL);
    // Polling fast only gets the 500 posts held sooner; delivery below is nudged, as after a change.
    h.app.outbox.configure({ pollMs: 20 });
    await tenants.queueChanges(
      h,
      acme,
      (await tenants.seedOnboardings(h, acme, HELD)).map(tenants.openedInPivotal),
      new Date(Date.now() - 60_000),
    );
    await waitFor(
      async () => {
        const held = await h.app.ctx.store.db
          .selectFrom('outbox')
          .select('id')
          .where('workspace_id', '=', acme.team.id)
          .where('status', '=', 'held')
          .execute();
        return held.length === HELD;
      },
      { what: 'the posts to be held', timeoutMs: 60_000 },
    );
    return row(`post while another workspace has ${HELD} held posts`, await delays(h, globex, runs));
  } finally {
    await h.close();
  }
}

async function burstElsewhere(runs: number): Promise<BenchRow[]> {
  const { h, acme, globex } = await tenants.startTwoTenants({ env: { LOG_LEVEL: 'warn' } });
  try {
    await tenants.pickChannel(h, acme.team, tenants.ACME_CHANNEL);
    await tenants.pickChannel(h, globex.team, tenants.GLOBEX_CHANNEL);
    const burst = tenants.changeBurst(await tenants.seedOnboardings(h, acme, BURST_ONBOARDINGS));
    const inAcmeChannel = () =>
      h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === tenants.ACME_CHANNEL);
    await tenants.queueChanges(h, acme, burst, new Date(Date.now() - 60_000));
    await waitFor(() => inAcmeChannel().length >= 2, { what: 'the burst to be under way' });
    const measured = await delays(h, globex, runs);
    const calls = inAcmeChannel();
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    const narrowest = Math.min(...gaps);
    return [
      row(
        `post while another workspace's channel has a burst of ${burst.length.toLocaleString('en')} changes`,
        measured,
      ),
      {
        bench: 'outbox-fairness',
        case: 'the busy channel meanwhile: time between two of its messages',
        median_ms: round(median(gaps), 0),
        max_ms: round(Math.max(...gaps), 0),
        goal: `≥ 1100 ms: ${narrowest >= 1_100 ? 'met' : 'MISSED'} (narrowest ${narrowest} ms)`,
      },
    ];
  } finally {
    await h.close();
  }
}

/** One new onboarding of the quiet workspace per sample, spaced so its own channel's pacing never counts. */
async function delays(h: Harness, quiet: tenants.Tenant, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const [onboarding] = await tenants.seedOnboardings(h, quiet, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const queuedAt = Date.now();
    await tenants.queueChanges(h, quiet, [tenants.openedInPivotal(onboarding!)], new Date());
    const post = await waitFor(() => postsAbout(h, onboarding!).tops[0], {
      what: "the quiet workspace's post",
      timeoutMs: 120_000,
    });
    const received = h.slack
      .callsTo('chat.postMessage')
      .find(
        (c) =>
          c.args.channel === post.channel &&
          c.args.blocks !== undefined &&
          JSON.stringify(c.args.blocks).includes(onboarding!),
      );
    if (!received) throw new Error('the post is in the channel but its chat.postMessage call was not recorded');
    out.push(received.at - queuedAt);
    // Its thread reply follows the post in the same channel; the next sample starts after it.
    await waitFor(() => postsAbout(h, onboarding!).replies.length === 1, {
      what: "the quiet workspace's reply",
      timeoutMs: 120_000,
    });
  }
  return out;
}

function row(name: string, samples: number[]): BenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const worst = sorted.at(-1)!;
  return {
    bench: 'outbox-fairness',
    case: name,
    median_ms: round(median(sorted), 0),
    max_ms: round(percentile(sorted, 100), 0),
    goal: `< ${GOAL_MS} ms: ${worst < GOAL_MS ? 'met' : 'MISSED'}`,
  };
}

import { randomBytes } from 'node:crypto';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { startTarget, type Target } from './processes.js';
import type { TargetConfig } from './protocol.js';

export const BENCH_TEAM = { id: 'T0BENCH01', domain: 'bench' };

/** What a bench target talks to: the Slack stand-in and the Pivotal simulator, in the bench process. */
export interface BenchServices {
  slack: FakeSlack;
  pivotal: PivotalSimulator;
  orgId: string;
  signingSecret: string;
  botToken: string;
  start(
    kind: TargetConfig['kind'],
    opts?: { mode?: TargetConfig['mode']; pivotalKey?: string; busy?: boolean },
  ): Promise<Target>;
  close(): Promise<void>;
}

export async function startBenchServices(): Promise<BenchServices> {
  const slack = await startFakeSlack({ teamId: BENCH_TEAM.id });
  // No rate limit: these benches measure the app, not Pivotal's bucket (pivotal-requests.ts does).
  const pivotal = await startPivotalSimulator({ rateLimit: { live: 1_000_000, test: 1_000_000 } });
  const org = pivotal.createOrg({ name: 'Bench Inc', slug: 'bench-inc' });
  const signingSecret = randomBytes(20).toString('hex');
  const botToken = `xoxb-1-2-${randomBytes(12).toString('hex')}`;
  const targets: Target[] = [];
  return {
    slack,
    pivotal,
    orgId: org.id,
    signingSecret,
    botToken,
    start: async (kind, o = {}) => {
      const target = await startTarget({
        kind,
        mode: o.mode ?? 'http',
        signingSecret,
        botToken,
        slackApiUrl: slack.apiUrl,
        pivotalApiUrl: pivotal.url,
        ...(o.pivotalKey ? { pivotalKey: o.pivotalKey } : {}),
        ...(o.busy ? { busy: true } : {}),
      });
      targets.push(target);
      return target;
    },
    close: async () => {
      await Promise.all(targets.map((t) => t.stop()));
      await slack.close();
      await pivotal.close();
    },
  };
}

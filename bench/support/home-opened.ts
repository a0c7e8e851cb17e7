import type { FakeSlack } from '../../sandbox/fake-slack/server.js';
import { homeOpenedRequest } from './requests.js';
import { BENCH_TEAM } from './services.js';

/** One Home open, signed with `signingSecret`: from the event to Slack receiving the published view (ms). */
export async function timeHomeOpened(slack: FakeSlack, appUrl: string, signingSecret: string): Promise<number> {
  const request = homeOpenedRequest(signingSecret, BENCH_TEAM);
  const published = new Promise<void>((resolve) => {
    const stop = slack.subscribe((a) => {
      if (a.kind === 'api' && a.method === 'views.publish') {
        stop();
        resolve();
      }
    });
  });
  const at = performance.now();
  const res = await fetch(`${appUrl}/slack/events`, { method: 'POST', headers: request.headers, body: request.body });
  if (res.status !== 200) throw new Error(`Home opened got HTTP ${res.status}`);
  await published;
  return performance.now() - at;
}

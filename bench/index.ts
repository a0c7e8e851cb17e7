import type { Bench } from './lib.js';
import { ackLatency } from './ack-latency.js';
import { rss } from './rss.js';
import { pivotalRequests } from './pivotal-requests.js';
import { homeRender } from './home-render.js';
import { viewsOpen } from './views-open.js';
import { outboxFairness } from './outbox-fairness.js';
import { syncScale } from './sync-scale.js';
import { subscriptionRouting } from './subscription-routing.js';
import { loopDelay } from './loop-delay.js';

/** Every benchmark; each lives in its own module and is listed here. */
export const benches: Bench[] = [
  ackLatency,
  rss,
  homeRender,
  viewsOpen,
  pivotalRequests,
  outboxFairness,
  syncScale,
  subscriptionRouting,
  loopDelay,
];

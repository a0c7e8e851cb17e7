import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AppMetrics } from './app-metrics.js';

export const METRICS_PATH = '/metrics';

const digestOf = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
function bearerMatches(req: IncomingMessage, expected: Buffer): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digestOf(given), expected);
}

/**
 * `GET /metrics` in the Prometheus text format. It shares the Slack port, which faces the internet,
 * and names every workspace with its rate budget, so it answers only a scraper that presents the
 * token (Prometheus: `authorization: { credentials: … }`); the app serves no /metrics without one.
 */
export function metricsRoute(metrics: AppMetrics, token: string, logger: Logger): CustomRoute {
  const expected = digestOf(token);
  return {
    path: METRICS_PATH,
    method: ['GET'],
    handler: (req, res) => {
      if (!bearerMatches(req, expected)) {
        res
          .writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' })
          .end('metrics need the bearer token (METRICS_TOKEN)');
        return;
      }
      metrics
        .scrape()
        .then(({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body))
        .catch((err: unknown) => {
          logger.warn({ err }, 'metrics scrape failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable');
        });
    },
  };
}

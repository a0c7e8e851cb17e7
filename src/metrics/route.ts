import type { CustomRoute } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AppMetrics } from './app-metrics.js';

export const METRICS_PATH = '/metrics';

/** `GET /metrics` in the Prometheus text format, on the app's own port (keep it off the public internet). */
export function metricsRoute(metrics: AppMetrics, logger: Logger): CustomRoute {
  return {
    path: METRICS_PATH,
    method: ['GET'],
    handler: (_req, res) => {
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

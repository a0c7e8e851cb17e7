export { AppMetrics, type SlackRequestKind } from './app-metrics.js';
export { SlackRequestMetrics, requestKind } from './slack-requests.js';
export { metricsRoute, METRICS_PATH } from './route.js';

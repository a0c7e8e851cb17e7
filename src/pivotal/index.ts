export {
  PivotalClient,
  type PivotalClientOptions,
  type IdempotentWrite,
  type RecordKind,
  type RecordRef,
  type UnfitRecord,
} from './client.js';
export * from './errors.js';
export { normalizeIdentity, type Identity } from './identity.js';
export { keyDisplayPrefix } from './keys.js';
export {
  RatePacer,
  sharedPacerForKey,
  parseRateLimitHeaders,
  parseRetryAfter,
  DOCUMENTED_LIMITS,
  DOCUMENTED_WINDOW_MS,
  type AcquireOptions,
  type PacerPermit,
  type RateLimitInfo,
  type RateLimitSnapshot,
  type RatePacerOptions,
} from './pacer.js';
export { describeRequest } from './operations.js';
export { paginate } from './pagination.js';
export { customerPageUrl, setPivotalWebUrl, PIVOTAL_APP_URL } from './app-urls.js';
export { backoffMs, retryDelayMs, type RetryPolicy } from './retry.js';
export * from './schemas.js';
export type { ResponseInfo } from './transport.js';

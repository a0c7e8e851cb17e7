import {
  PivotalAuthError,
  PivotalConflictError,
  PivotalError,
  PivotalNetworkError,
  PivotalNotFoundError,
  PivotalPermissionError,
  PivotalRateLimitError,
  PivotalServerError,
  PivotalUpstreamError,
  PivotalValidationError,
  describeRequest,
} from '../pivotal/index.js';
import { escapeMrkdwn } from './text.js';

/**
 * What a person reads when a Pivotal call fails: what happened and what to do, in one sentence. The
 * API's own `message` is never parsed and only shown for validation errors, where it names the field.
 * The result is mrkdwn, shown as it is: whatever Pivotal wrote is escaped here, so that `whoCanFix`
 * (mrkdwn, e.g. mentions) stays a mention.
 */
export function explainPivotalError(err: unknown, opts: { whoCanFix?: string } = {}): string {
  const fixer = opts.whoCanFix ?? 'a workspace admin';
  if (err instanceof PivotalAuthError) {
    return err.revoked
      ? `Pivotal refused this workspace's API key: it has been revoked. To fix it, ${fixer} can connect a new key with \`/pivotal connect\`.`
      : `Pivotal refused this workspace's API key (${escapeMrkdwn(err.code)}). To fix it, ${fixer} can connect a working key with \`/pivotal connect\`.`;
  }
  if (err instanceof PivotalPermissionError) {
    const what = err.request ? `to ${describeRequest(err.request)}` : 'to do this';
    return (
      `Pivotal did not allow this workspace's API key ${what} (${escapeMrkdwn(`${err.type}/${err.code}`)}). Pivotal keys normally carry full read and write access, ` +
      `so ask ${fixer} to check the key under *Admin › API Keys* in Pivotal, or to connect another one with \`/pivotal connect\`.`
    );
  }
  if (err instanceof PivotalUpstreamError) {
    return `Something between this app and Pivotal (a proxy or gateway) refused the request with HTTP ${err.status}, so Pivotal never judged it and the workspace's key is kept. Try again in a moment; if it keeps happening, the server's operator should check the route to Pivotal.`;
  }
  if (err instanceof PivotalRateLimitError)
    return "Pivotal is busy with this workspace's requests right now (rate limit). Try again in a minute.";
  if (err instanceof PivotalNetworkError)
    return err.timedOut
      ? 'Pivotal did not answer in time. Nothing was lost; try again in a moment.'
      : 'Pivotal could not be reached. Try again in a moment.';
  if (err instanceof PivotalServerError)
    return 'Pivotal had an internal error. Try again in a moment; nothing was created twice.';
  if (err instanceof PivotalNotFoundError) return 'That record no longer exists in Pivotal (it may have been deleted).';
  if (err instanceof PivotalConflictError) {
    if (err.isSlugTaken) return 'Another customer already uses that slug.';
    if (err.isEmailTaken) return 'Another contact already uses that email address.';
    return 'Pivotal reported a conflict with an earlier request. Try again.';
  }
  if (err instanceof PivotalValidationError)
    return `Pivotal rejected the request${err.field ? ` (field \`${escapeMrkdwn(err.field)}\`)` : ''}: ${escapeMrkdwn(err.message)}`;
  if (err instanceof PivotalError)
    return `Pivotal answered with an error (${escapeMrkdwn(`${err.type}/${err.code}`)}).`;
  return 'Something went wrong while talking to Pivotal.';
}

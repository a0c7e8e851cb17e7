import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { PivotalAuthError, PivotalPermissionError } from '../../pivotal/index.js';
import { mentionList } from '../../security/permissions.js';
import { explainPivotalError } from '../../views/pivotal-errors.js';

/**
 * explainPivotalError for the person whose action failed: when Pivotal refused the workspace's key
 * or what it asked, only an admin can fix it, so the sentence names them. They are looked up only
 * then, so the other failures cost no Slack call. `slack` is the workspace's own client.
 */
export async function explainToPerson(
  ctx: Pick<AppContext, 'permissions'>,
  slack: WebClient,
  workspaceId: string,
  err: unknown,
): Promise<string> {
  if (!(err instanceof PivotalAuthError) && !(err instanceof PivotalPermissionError)) return explainPivotalError(err);
  return explainPivotalError(err, { whoCanFix: mentionList(await ctx.permissions.admins(slack, workspaceId)) });
}

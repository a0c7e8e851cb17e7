import { WebClient } from '@slack/web-api';
import { slackClientOptions } from '../../app.js';
import type { AppContext } from '../../context.js';
import { botTokenFor } from '../../notifications/workspace-access.js';
import type { PivotalAuthError } from '../../pivotal/index.js';
import { boltLogger } from '../../slack/bolt-logger.js';
import { workspaceId } from '../../slack/workspace-ref.js';
import { ensureWorkspace, getWorkspace, markNeedsAttention } from '../../store/workspaces.js';
import type { AuthFailureInfo } from '../../workspace/pivotal-gateway.js';
import { attentionDm } from './views.js';

/**
 * Issue #3 item 6: a key Pivotal rejects at run time (401, e.g. `api_key_revoked`) flags the workspace
 * and each admin hears about it once, however many requests fail with it, wherever they came from
 * (a listener, the sync). The person whose action failed is told by that feature, through
 * explainToPerson, which names the admins.
 */
export function watchForRejectedKeys(ctx: AppContext): void {
  ctx.pivotal.onAuthFailure((_workspace, error, info) => {
    ctx.background.run('connect: rejected Pivotal key', () => flagRejectedKey(ctx, error, info));
  });
}

async function flagRejectedKey(ctx: AppContext, error: PivotalAuthError, info: AuthFailureInfo): Promise<void> {
  const id = workspaceId(info.ref);
  // Single-workspace mode can run on PIVOTAL_API_KEY before the workspace has a row of its own.
  await ensureWorkspace(ctx.store.db, info.ref);
  const first = await markNeedsAttention(ctx.store.db, id, error.code, ctx.now(), info.keyCiphertext);
  if (!first) return;
  ctx.logger.warn({ workspace: id, keyPrefix: info.keyPrefix, code: error.code }, 'Pivotal rejected the workspace key; telling its admins');

  const token = await botTokenFor(ctx, id);
  if (!token) {
    ctx.logger.warn({ workspace: id }, 'no Slack bot token for the workspace: its admins cannot be told about the rejected key');
    return;
  }
  const slack = new WebClient(token, { ...slackClientOptions(ctx), logger: boltLogger(ctx.logger), teamId: info.ref.teamId });
  const row = await getWorkspace(ctx.store.db, id);
  const message = attentionDm({
    reason: error.code,
    keyPrefix: info.keyPrefix,
    mode: info.mode,
    orgName: row?.pivotal_org_name ?? null,
    orgSlug: row?.pivotal_org_slug ?? null,
  });
  for (const admin of await ctx.permissions.admins(slack, id)) {
    try {
      // A user id as the channel reaches that person's DM with the app.
      await slack.chat.postMessage({ channel: admin, text: message.text, blocks: message.blocks });
    } catch (err) {
      ctx.logger.warn({ err, workspace: id, admin }, 'could not DM an admin about the rejected Pivotal key');
    }
  }
}

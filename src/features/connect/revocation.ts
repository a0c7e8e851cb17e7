import type { AppContext } from '../../context.js';
import type { SlackClients } from '../../slack/clients.js';
import type { PivotalAuthError } from '../../pivotal/index.js';
import { workspaceId } from '../../domain/workspace-ref.js';
import { ensureWorkspace, getWorkspace, markNeedsAttention } from '../../store/workspaces.js';
import type { AuthFailureInfo } from '../../workspace/pivotal-gateway.js';
import { dmAdmins } from './admin-dm.js';
import { attentionDm } from './views.js';

/**
 * A key Pivotal rejects at run time (a 401 `api_key_revoked`, `invalid_api_key` or `missing_api_key`)
 * flags the workspace and each admin hears about it once, however many requests fail with it,
 * wherever they came from (a listener, the sync). The person whose action failed is told by that
 * feature, through explainToPerson, which names the admins.
 */
export function watchForRejectedKeys(ctx: AppContext, clients: SlackClients): void {
  ctx.pivotal.onAuthFailure((_workspace, error, info) => {
    ctx.background.run('connect: rejected Pivotal key', () => flagRejectedKey(ctx, clients, error, info));
  });
}

export async function flagRejectedKey(
  ctx: AppContext,
  clients: SlackClients,
  error: PivotalAuthError,
  info: AuthFailureInfo,
): Promise<void> {
  const id = workspaceId(info.ref);
  // Single-workspace mode can run on PIVOTAL_API_KEY before the workspace has a row of its own.
  await ensureWorkspace(ctx.store.db, info.ref);
  const first = await markNeedsAttention(ctx.store.db, id, error.code, ctx.now(), info.keyCiphertext);
  if (!first) return;
  ctx.logger.warn(
    { workspace: id, keyPrefix: info.keyPrefix, code: error.code },
    'Pivotal rejected the workspace key; telling its admins',
  );

  const row = await getWorkspace(ctx.store.db, id);
  const message = attentionDm({
    reason: error.code,
    keyPrefix: info.keyPrefix,
    mode: info.mode,
    orgName: row?.pivotal_org_name ?? null,
    orgSlug: row?.pivotal_org_slug ?? null,
  });
  await dmAdmins(ctx, clients, info.ref, message, { what: 'about the rejected Pivotal key' });
}

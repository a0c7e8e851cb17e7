import type { AppContext } from '../../context.js';
import type { SlackClients } from '../../slack/clients.js';
import { PivotalAuthError, keyDisplayPrefix, type Identity } from '../../pivotal/index.js';
import type { WorkspaceRef } from '../../domain/workspace-ref.js';
import { dmAdmins } from './admin-dm.js';
import { flagRejectedKey } from './revocation.js';
import { KEY_CHECK_LIMITS } from './service.js';
import { modeMismatchDm, type CheckedKey, type ConnectionState } from './views.js';
import { keyMode } from '../../domain/key-mode.js';

/**
 * Pivotal's test-mode guide: "monitor /me on startup to confirm the mode". The key's prefix decides
 * the mode the app acts in (labels, `metadata.test`); when `/me` states another, the admins are told.
 */
export async function reportModeMismatch(
  ctx: AppContext,
  clients: SlackClients,
  workspace: WorkspaceRef | undefined,
  key: Pick<CheckedKey, 'keyPrefix' | 'mode' | 'reportedMode' | 'orgSlug'>,
  source: ConnectionState['source'],
  skip?: string,
): Promise<void> {
  if (key.reportedMode === null || key.reportedMode === key.mode) return;
  ctx.logger.error(
    { keyPrefix: key.keyPrefix, prefixMode: key.mode, reportedMode: key.reportedMode, source },
    "Pivotal's /me reports another mode than the key's prefix",
  );
  if (!workspace) return;
  const message = modeMismatchDm({
    keyPrefix: key.keyPrefix,
    mode: key.mode,
    reportedMode: key.reportedMode,
    orgSlug: key.orgSlug,
    source,
  });
  await dmAdmins(ctx, clients, workspace, message, { what: 'about the key mode', ...(skip ? { skip } : {}) });
}

/**
 * At start-up with PIVOTAL_API_KEY (single-workspace modes): one quick /me. A key Pivotal rejects is
 * flagged as at run time; a mode that disagrees with the prefix is reported; Pivotal being out of reach
 * is only logged, since the app still starts.
 */
export async function checkStartupKey(
  ctx: AppContext,
  clients: SlackClients,
  workspace: WorkspaceRef | undefined,
): Promise<void> {
  const key = ctx.config.pivotalApiKey;
  if (!key || ctx.config.slack.kind === 'oauth') return;
  const keyPrefix = keyDisplayPrefix(key);
  let identity: Identity;
  try {
    identity = await ctx.pivotal.clientForKey(key, KEY_CHECK_LIMITS).me();
  } catch (err) {
    ctx.logger.warn({ err, keyPrefix }, 'PIVOTAL_API_KEY could not be checked with /me at start-up');
    if (workspace && err instanceof PivotalAuthError && err.rejectsKey) {
      await flagRejectedKey(ctx, clients, err, {
        ref: workspace,
        source: 'bootstrap',
        keyCiphertext: null,
        keyPrefix,
        mode: keyMode(key),
      });
    }
    return;
  }
  const checked = {
    keyPrefix,
    mode: keyMode(key),
    reportedMode: identity.mode,
    orgSlug: identity.organization?.slug ?? null,
  };
  ctx.logger.info(
    { keyPrefix, prefixMode: checked.mode, reportedMode: identity.mode, orgSlug: checked.orgSlug },
    'PIVOTAL_API_KEY checked with /me',
  );
  await reportModeMismatch(ctx, clients, workspace, checked, 'bootstrap');
}

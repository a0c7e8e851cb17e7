import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { type AdminRefusal, refuseUnlessAdmin } from '../../security/admin-guard.js';
import { keyDisplayPrefix, type Identity } from '../../pivotal/index.js';
import { createInstallationStore } from '../../store/installation-store.js';
import type { Db } from '../../store/database.js';
import type { WorkspaceRow } from '../../store/schema.js';
import {
  clearConnection,
  ensureWorkspace,
  getWorkspace,
  listWorkspacesOfEnterprise,
  saveConnection,
  touchLastSuccess,
} from '../../store/workspaces.js';
import { workspaceId, type WorkspaceRef } from '../../domain/workspace-ref.js';
import type { PivotalConnection } from '../../workspace/pivotal-gateway.js';
import type { Session } from '../shared/session.js';
import { cleanPastedKey, keyCheckProblem } from './key-input.js';
import { createPendingSwitch, discardPendingSwitches, takePendingSwitch } from '../../store/pending-key-switches.js';
import {
  notConnectedMessage,
  type CheckedKey,
  type ConnectionState,
  type ConnectOutcome,
  type DisconnectPlan,
  type DisconnectResult,
  type Message,
} from './views.js';
import { type KeyMode, keyMode } from '../../domain/key-mode.js';

/** What the connect service needs; an AppContext is one. */
export type ConnectDeps = Pick<AppContext, 'store' | 'keyRing' | 'pivotal' | 'logger' | 'now'>;

/**
 * A pasted key is checked while Slack waits for the modal's answer (so a bad key gets its error
 * under the field, with the text still in it): one attempt, no waiting out a rate-limit pause, and
 * short enough to fit Slack's 3 s.
 */
export const KEY_CHECK_LIMITS = { timeoutMs: 2_000, maxAttempts: 1, maxRetryAfterMs: 0 } as const;

// ——— for other features ———

export type ConnectionRequirement =
  | { connected: true; connection: PivotalConnection }
  | { connected: false; message: Message };

/**
 * The one "not connected" answer: features that need Pivotal call this first and, when it says not
 * connected, show `message` (ephemeral, or as the blocks of their modal). Admins get the Connect
 * button, everyone else the names of the admins to ask. `client` is the listener's Bolt client.
 */
export async function requireConnection(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  userId: string,
): Promise<ConnectionRequirement> {
  if (session.connection) return { connected: true, connection: session.connection };
  const isAdmin = await ctx.permissions.isAdmin(client, session.workspaceId, userId);
  const admins = isAdmin ? [] : await ctx.permissions.admins(client, session.workspaceId);
  return { connected: false, message: notConnectedMessage({ isAdmin, admins }) };
}

/**
 * Who may connect, rotate and disconnect: null for an admin, else the refusal naming whom to ask
 * (src/security/admin-guard.ts). `what` completes "Only a workspace admin can …".
 */
export async function requireAdmin(
  ctx: AppContext,
  client: WebClient,
  workspace: WorkspaceRef,
  userId: string,
  what: string,
): Promise<AdminRefusal | null> {
  const state = await connectionState(ctx, workspace);
  return refuseUnlessAdmin(
    ctx,
    { workspaceId: workspaceId(workspace), mode: state?.mode ?? null },
    { userId, slack: client },
    what,
  );
}

// ——— state ———

function stateFrom(
  connection: Pick<PivotalConnection, 'source' | 'keyPrefix' | 'mode'>,
  row: WorkspaceRow | undefined,
): ConnectionState {
  const stored = connection.source === 'stored';
  return {
    source: connection.source,
    keyPrefix: connection.keyPrefix,
    keyName: stored ? (row?.pivotal_key_name ?? null) : null,
    mode: connection.mode,
    orgName: stored ? (row?.pivotal_org_name ?? null) : null,
    orgSlug: stored ? (row?.pivotal_org_slug ?? null) : null,
    connectedBy: stored ? (row?.connected_by ?? null) : null,
    connectedAt: stored ? (row?.connected_at ?? null) : null,
    lastSuccessAt: row?.last_success_at ?? null,
    needsAttention: row?.needs_attention ?? null,
    attentionSince: row?.attention_since ?? null,
  };
}

/** How the workspace is connected right now, without calling Pivotal; null when it is not. */
export async function connectionState(deps: ConnectDeps, workspace: WorkspaceRef): Promise<ConnectionState | null> {
  const connection = await deps.pivotal.forWorkspace(workspace);
  if (!connection) return null;
  return stateFrom(connection, await getWorkspace(deps.store.db, workspaceId(workspace)));
}

// ——— connecting ———

export type SubmitResult =
  | { kind: 'invalid'; problem: string }
  | { kind: 'connected'; key: CheckedKey; outcome: ConnectOutcome }
  | { kind: 'confirm-switch'; switchId: string; current: ConnectionState; next: CheckedKey };

interface VerifiedKey {
  key: string;
  checked: CheckedKey;
  orgId: string | null;
  /** When /me accepted it: a successful call made with the key. */
  checkedAt: Date;
}

function describeKey(key: string, identity: Identity, checkedAt: Date): VerifiedKey {
  return {
    key,
    checkedAt,
    orgId: identity.organization?.id ?? null,
    checked: {
      keyPrefix: keyDisplayPrefix(key),
      keyName: identity.keyName,
      mode: keyMode(key),
      reportedMode: identity.mode,
      orgName: identity.organization?.name ?? null,
      orgSlug: identity.organization?.slug ?? null,
    },
  };
}

/**
 * Whether a new key is for the organization the workspace is connected to. Ids decide when both are
 * known, else slugs; when /me tells neither, the admin is asked rather than the switch assumed away.
 */
function sameOrganization(row: WorkspaceRow, next: VerifiedKey): boolean {
  if (row.pivotal_org_id && next.orgId) return row.pivotal_org_id === next.orgId;
  if (row.pivotal_org_slug && next.checked.orgSlug) return row.pivotal_org_slug === next.checked.orgSlug;
  return false;
}

/** Cleans the pasted text, checks the key with /me, then saves it, or asks first if it switches organization. */
export async function submitKey(
  deps: ConnectDeps,
  input: { workspace: WorkspaceRef; userId: string; pasted: string },
): Promise<SubmitResult> {
  const cleaned = cleanPastedKey(input.pasted);
  if (!cleaned.ok) return { kind: 'invalid', problem: cleaned.problem };

  let identity: Identity;
  try {
    identity = await deps.pivotal.clientForKey(cleaned.key, KEY_CHECK_LIMITS).me();
  } catch (err) {
    deps.logger.info({ err, keyPrefix: keyDisplayPrefix(cleaned.key) }, 'a pasted Pivotal key did not pass /me');
    return { kind: 'invalid', problem: keyCheckProblem(err) };
  }
  const verified = describeKey(cleaned.key, identity, deps.now());

  const id = workspaceId(input.workspace);
  const row = await getWorkspace(deps.store.db, id);
  const current = row?.pivotal_key_ciphertext ? row : undefined;
  if (current && !sameOrganization(current, verified)) {
    const switchId = await createPendingSwitch(
      deps.store.db,
      {
        workspaceId: id,
        requestedBy: input.userId,
        keyCiphertext: deps.keyRing.encrypt(verified.key),
        keyPrefix: verified.checked.keyPrefix,
        keyName: verified.checked.keyName,
        mode: verified.checked.mode,
        reportedMode: verified.checked.reportedMode,
        orgId: verified.orgId,
        orgSlug: verified.checked.orgSlug,
        orgName: verified.checked.orgName,
      },
      deps.now(),
    );
    const connected = {
      source: 'stored' as const,
      keyPrefix: current.pivotal_key_prefix ?? '',
      mode: current.pivotal_mode ?? 'live',
    };
    return { kind: 'confirm-switch', switchId, current: stateFrom(connected, current), next: verified.checked };
  }

  await deps.store.db.transaction().execute((trx) => persist(deps, trx, input, verified));
  deps.pivotal.forget(id);
  deps.logger.info(
    { workspace: id, keyPrefix: verified.checked.keyPrefix, mode: verified.checked.mode },
    'Pivotal key connected',
  );
  return {
    kind: 'connected',
    key: verified.checked,
    outcome: current?.pivotal_key_prefix
      ? { kind: 'rotated', previousPrefix: current.pivotal_key_prefix }
      : { kind: 'connected' },
  };
}

export type SwitchResult =
  | { kind: 'expired'; mode: KeyMode | null }
  | { kind: 'connected'; key: CheckedKey; outcome: ConnectOutcome };

/** The admin confirmed the switch to another organization: the key that waited is saved now. */
export async function confirmSwitch(
  deps: ConnectDeps,
  input: { workspace: WorkspaceRef; userId: string; switchId: string },
): Promise<SwitchResult> {
  const id = workspaceId(input.workspace);
  const result = await deps.store.db.transaction().execute(async (trx): Promise<SwitchResult> => {
    const pending = await takePendingSwitch(trx, {
      id: input.switchId,
      workspaceId: id,
      requestedBy: input.userId,
      now: deps.now(),
    });
    const previous = await getWorkspace(trx, id);
    if (!pending) return { kind: 'expired', mode: previous?.pivotal_mode ?? null };
    const verified: VerifiedKey = {
      key: deps.keyRing.decrypt(pending.key_ciphertext),
      orgId: pending.org_id,
      checkedAt: new Date(pending.created_at),
      checked: {
        keyPrefix: pending.key_prefix,
        keyName: pending.key_name,
        mode: pending.mode,
        reportedMode: pending.reported_mode,
        orgName: pending.org_name,
        orgSlug: pending.org_slug,
      },
    };
    await persist(deps, trx, input, verified);
    const outcome: ConnectOutcome = previous?.pivotal_key_prefix
      ? {
          kind: 'switched',
          previousPrefix: previous.pivotal_key_prefix,
          previousOrgName: previous.pivotal_org_name,
          previousOrgSlug: previous.pivotal_org_slug,
        }
      : { kind: 'connected' };
    return { kind: 'connected', key: verified.checked, outcome };
  });
  if (result.kind === 'connected') {
    deps.pivotal.forget(id);
    deps.logger.info(
      { workspace: id, keyPrefix: result.key.keyPrefix },
      'Pivotal key connected after switching organization',
    );
  }
  return result;
}

/** The admin closed the confirmation: the key that waited for it goes now rather than at expiry. */
export async function cancelSwitch(deps: ConnectDeps, workspace: WorkspaceRef, switchId: string): Promise<void> {
  await discardPendingSwitches(deps.store.db, workspaceId(workspace), switchId);
}

async function persist(
  deps: ConnectDeps,
  db: Db,
  input: { workspace: WorkspaceRef; userId: string },
  verified: VerifiedKey,
): Promise<void> {
  const id = workspaceId(input.workspace);
  await ensureWorkspace(db, input.workspace);
  await saveConnection(db, id, {
    // Encrypted afresh for every write: a fresh IV, under the current encryption key.
    keyCiphertext: deps.keyRing.encrypt(verified.key),
    keyPrefix: verified.checked.keyPrefix,
    keyName: verified.checked.keyName,
    mode: verified.checked.mode,
    orgId: verified.orgId,
    orgSlug: verified.checked.orgSlug,
    orgName: verified.checked.orgName,
    connectedBy: input.userId,
  });
  await touchLastSuccess(db, id, verified.checkedAt);
  // A confirmation still open elsewhere was about the connection this one just replaced.
  await discardPendingSwitches(db, id);
}

// ——— status ———

export type StatusCheck =
  | { ok: true; state: ConnectionState; identity: Identity }
  | { ok: false; state: ConnectionState; error: unknown };

/**
 * The stored state plus a live /me through the workspace's own client, so a rejected key is noticed
 * (and flagged for the admins) by whoever looks.
 */
export async function checkStatus(
  deps: ConnectDeps,
  workspace: WorkspaceRef,
  connection: PivotalConnection,
): Promise<StatusCheck> {
  const state = stateFrom(connection, await getWorkspace(deps.store.db, workspaceId(workspace)));
  try {
    return { ok: true, state, identity: await connection.client.me() };
  } catch (error) {
    return { ok: false, state, error };
  }
}

// ——— disconnecting ———

export async function planDisconnect(deps: ConnectDeps, workspace: WorkspaceRef): Promise<DisconnectPlan> {
  const state = await connectionState(deps, workspace);
  if (!state) return { kind: 'not-connected' };
  if (state.source === 'bootstrap' || !state.connectedAt) return { kind: 'bootstrap-only', state };
  return { kind: 'confirm', state, connectedAt: state.connectedAt };
}

/**
 * Forgets the key, provided it is still the connection the admin confirmed to remove (`connectedAt`
 * from the confirmation): a key connected in between is not thrown away by an older click.
 */
export async function disconnect(
  deps: ConnectDeps,
  workspace: WorkspaceRef,
  confirmedConnectedAt: string,
): Promise<DisconnectResult> {
  const id = workspaceId(workspace);
  const row = await getWorkspace(deps.store.db, id);
  if (!row?.pivotal_key_ciphertext || !row.pivotal_key_prefix) return { kind: 'not-connected' };
  if (row.connected_at !== confirmedConnectedAt) return { kind: 'changed', mode: row.pivotal_mode };
  await deps.store.db.transaction().execute(async (trx) => {
    await clearConnection(trx, id);
    await discardPendingSwitches(trx, id);
  });
  deps.pivotal.forget(id);
  deps.logger.info({ workspace: id, keyPrefix: row.pivotal_key_prefix }, 'Pivotal key disconnected');
  const fallback = await deps.pivotal.forWorkspace(workspace);
  return {
    kind: 'disconnected',
    forgottenPrefix: row.pivotal_key_prefix,
    mode: row.pivotal_mode ?? 'live',
    fallbackPrefix: fallback?.keyPrefix ?? null,
  };
}

// ——— uninstalling ———

/**
 * `app_uninstalled` / `tokens_revoked`: the Slack installation (OAuth mode; single-workspace mode
 * stores none) and the Pivotal keys go. Slack can deliver the event late, after a reinstall
 * (bolt-js#1201): a key connected after the event happened is kept.
 */
export async function forgetInstallation(
  ctx: AppContext,
  q: { workspace: WorkspaceRef; isEnterpriseInstall: boolean; eventTime: Date | null },
): Promise<void> {
  const { db } = ctx.store;
  if (ctx.config.slack.kind === 'oauth') {
    await createInstallationStore(db, ctx.keyRing).deleteInstallation!({
      teamId: q.isEnterpriseInstall ? undefined : q.workspace.teamId,
      enterpriseId: q.workspace.enterpriseId,
      isEnterpriseInstall: q.isEnterpriseInstall,
    });
  }
  const rows =
    q.isEnterpriseInstall && q.workspace.enterpriseId
      ? await listWorkspacesOfEnterprise(db, q.workspace.enterpriseId)
      : [await getWorkspace(db, workspaceId(q.workspace))].filter((row): row is WorkspaceRow => row !== undefined);
  // event_time is in whole seconds: only a key connected from the next second on is surely newer.
  const surelyAfter = q.eventTime ? new Date(q.eventTime.getTime() + 1000).toISOString() : null;
  for (const row of rows) {
    if (row.connected_at && surelyAfter && row.connected_at >= surelyAfter) {
      ctx.logger.info({ workspace: row.id }, 'kept a Pivotal key connected after the uninstall event was sent');
      continue;
    }
    await db.transaction().execute(async (trx) => {
      await clearConnection(trx, row.id);
      await discardPendingSwitches(trx, row.id);
    });
    ctx.pivotal.forget(row.id);
    ctx.logger.info(
      { workspace: row.id, keyPrefix: row.pivotal_key_prefix },
      'Slack app uninstalled: Pivotal key forgotten',
    );
  }
}

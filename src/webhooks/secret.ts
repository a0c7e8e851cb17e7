import type { AppContext } from '../context.js';
import { ensureSyncState, getSyncState, updateSyncState } from '../store/sync-state.js';
import { webhookSecretKey } from './signature.js';

/** Stored encrypted like the Pivotal key: whoever holds it can forge changes into the channel. */
export async function saveWebhookSecret(ctx: AppContext, workspaceId: string, secret: string | null): Promise<void> {
  const now = ctx.now();
  await ensureSyncState(ctx.store.db, workspaceId, now);
  await updateSyncState(
    ctx.store.db,
    workspaceId,
    { webhook_secret_ciphertext: secret ? ctx.keyRing.encrypt(secret.trim()) : null },
    now,
  );
}

export async function loadWebhookSecret(ctx: AppContext, workspaceId: string): Promise<string | undefined> {
  const state = await getSyncState(ctx.store.db, workspaceId);
  if (!state?.webhook_secret_ciphertext) return undefined;
  const secret = ctx.keyRing.decrypt(state.webhook_secret_ciphertext);
  ctx.scrubber.add(secret);
  return secret;
}

/** Why a pasted secret cannot be used, or undefined when it can. */
export function webhookSecretProblem(secret: string): string | undefined {
  if (!secret.trim().startsWith('whsec_'))
    return 'Paste the signing secret exactly as Pivotal shows it: it starts with whsec_.';
  if (!webhookSecretKey(secret))
    return 'That does not look like a complete signing secret: after whsec_ comes a long base64 text. Copy it again from Pivotal.';
  return undefined;
}

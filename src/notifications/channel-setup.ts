import type { AppContext } from '../context.js';
import { workspaceId, type WorkspaceRef } from '../domain/workspace-ref.js';
import { ensureWorkspace, setNotifyChannel } from '../store/workspaces.js';
import { releaseUndelivered } from '../store/posts.js';

/**
 * Points a workspace's onboarding posts at a channel, wherever an admin chose it (`/pivotal channel`,
 * Home settings): posts held for a missing, archived or private channel go out now, to the new one.
 * Null clears the choice (PIVOTAL_NOTIFY_CHANNEL applies again, if set). Returns how many posts were waiting.
 */
export async function useNotifyChannel(
  ctx: AppContext,
  workspace: WorkspaceRef,
  channelId: string | null,
): Promise<number> {
  const db = ctx.store.db;
  const id = workspaceId(workspace);
  await ensureWorkspace(db, workspace);
  await setNotifyChannel(db, id, channelId);
  const released = await releaseUndelivered(db, id, ctx.now().toISOString());
  ctx.outbox.forgetChannelProblems(id);
  ctx.outbox.nudge();
  return released;
}

import type { Context } from '@slack/bolt';
import type { AppContext } from '../../context.js';
import { workspaceFromContext } from '../../slack/workspace-from-context.js';
import { workspaceId, type WorkspaceRef } from '../../domain/workspace-ref.js';
import type { PivotalConnection } from '../../workspace/pivotal-gateway.js';

export interface Session {
  workspace: WorkspaceRef;
  workspaceId: string;
  /** Null when the workspace has no key yet. */
  connection: PivotalConnection | null;
  mode: 'live' | 'test' | null;
}

/** Which workspace a request is for and how it talks to Pivotal: the first line of most handlers. */
export async function openSession(ctx: AppContext, context: Context): Promise<Session> {
  const workspace = workspaceFromContext(context);
  const connection = await ctx.pivotal.forWorkspace(workspace);
  return { workspace, workspaceId: workspaceId(workspace), connection, mode: connection?.mode ?? null };
}

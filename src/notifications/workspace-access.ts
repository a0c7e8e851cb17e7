import type { AppContext } from '../context.js';
import { workspaceRefFromId } from '../domain/workspace-ref.js';
import type { KeyMode } from '../domain/key-mode.js';

/** Live or test, as the gateway decides it for requests, so posts carry the same label as modals. */
export async function workspaceMode(ctx: AppContext, workspaceId: string): Promise<KeyMode | null> {
  const connection = await ctx.pivotal.forWorkspace(workspaceRefFromId(workspaceId));
  return connection?.mode ?? null;
}

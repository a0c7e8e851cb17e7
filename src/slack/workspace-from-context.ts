import type { Context } from '@slack/bolt';
import type { WorkspaceRef } from '../domain/workspace-ref.js';

/** Bolt resolves team and enterprise for every kind of request, Enterprise Grid included (docs/slack-notes.md). */
export function workspaceFromContext(context: Context): WorkspaceRef {
  if (!context.teamId && !context.enterpriseId) throw new Error('request carries no team or enterprise id');
  return { teamId: context.teamId ?? context.enterpriseId!, enterpriseId: context.enterpriseId };
}

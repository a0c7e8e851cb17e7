import type { WorkspaceRef } from '../domain/workspace-ref.js';

export interface SlackRecordMetadata {
  source: 'slack';
  slack_team_id: string;
  slack_enterprise_id?: string;
  slack_user_id: string;
  test?: true;
  [extra: string]: unknown;
}

/**
 * Every record the app creates says where it came from; test-key records also carry
 * `test: true`, the convention Pivotal's test-mode guide gives for filtering rehearsals out.
 */
export function recordMetadata(opts: {
  workspace: WorkspaceRef;
  userId: string;
  mode: 'live' | 'test';
  extra?: Record<string, unknown>;
}): SlackRecordMetadata {
  return {
    ...opts.extra,
    source: 'slack',
    slack_team_id: opts.workspace.teamId,
    ...(opts.workspace.enterpriseId ? { slack_enterprise_id: opts.workspace.enterpriseId } : {}),
    slack_user_id: opts.userId,
    ...(opts.mode === 'test' ? { test: true as const } : {}),
  };
}

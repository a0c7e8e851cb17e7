/**
 * Which Slack workspace a request came from. Enterprise Grid workspaces are keyed by enterprise and
 * team together, so a key stored for one workspace can never answer for another (a Pivotal key
 * belongs to exactly one org).
 */
export interface WorkspaceRef {
  teamId: string;
  enterpriseId?: string | undefined;
}

export function workspaceId(ref: WorkspaceRef): string {
  return ref.enterpriseId ? `${ref.enterpriseId}:${ref.teamId}` : ref.teamId;
}

/** The inverse of workspaceId(): background work starts from a stored id, not from a Slack request. */
export function workspaceRefFromId(id: string): WorkspaceRef {
  const [first, second] = id.split(':');
  return second ? { enterpriseId: first, teamId: second } : { teamId: id };
}

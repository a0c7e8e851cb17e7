/** What the bench process and a target process (target.ts) say to each other over IPC. */

export interface TargetConfig {
  /** `app`: the real app; `bare`: Bolt 5 with no-op listeners. */
  kind: 'app' | 'bare';
  /** Real app only: one workspace (bot token) or OAuth distribution (installations in the store). */
  mode: 'http' | 'oauth';
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
  pivotalApiUrl: string;
  pivotalKey?: string;
  /** Real app only: its sync re-walks without pause and its outbox drains a backlog while it is measured. */
  busy?: boolean;
}

export type TargetCommand = { type: 'stop' };

export type TargetReply = { type: 'ready'; port: number } | { type: 'error'; message: string };

/** A block action both targets answer with a bare ack. */
export const BENCH_ACTION_ID = 'bench_noop';

/** Team ids of the seeded workspaces, so the load can address each of them. */
export function benchTeamId(i: number): string {
  return `TB${String(i).padStart(7, '0')}`;
}

/**
 * What request-time code tells the outbox dispatcher (built and started by bootstrap): a post was
 * queued and may go now, or an admin changed a workspace's channel set-up. Polling delivers anyway.
 */
export interface OutboxSignal {
  nudge(): void;
  /** Channels Slack refused get a new chance, and their problems may be reported again. */
  forgetChannelProblems(workspaceId: string): void;
}

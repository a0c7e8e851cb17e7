/** How the sync worker paces itself; every timing is injectable so tests run in milliseconds. */
export interface SyncOptions {
  /** False: no polling at all (webhooks are still received). */
  enabled: boolean;
  /** Between the end of a complete sync of a workspace and the start of the next. */
  intervalMs: number;
  /** How often the worker looks for due workspaces and renews its leases. */
  tickMs: number;
  /**
   * How long after a workspace's first request its first sync starts: that request (opening a modal,
   * publishing Home) gets Pivotal's and Slack's full attention, and finishes before any sync call.
   */
  firstSightDelayMs: number;
  /** A replica that stops renewing for this long hands its workspaces over. */
  leaseTtlMs: number;
  /** While webhooks arrived within this long, polling runs `webhookSlowdown` times less often. */
  webhookQuietMs: number;
  webhookSlowdown: number;
  /** Fraction of the key's rate bucket the sync may use (the rest is for people's actions). */
  budgetShare: number;
  /** List page size (the API's maximum). */
  pageSize: number;
  /** Full-walk pages per cycle, so the head of the lists is checked again between them. */
  maxPagesPerCycle: number;
  /** Records a complete walk did not see that are asked for by id per cycle (only Pivotal's 404 deletes). */
  unseenChecksPerCycle: number;
  /** Customers whose contacts are read per cycle, once the full walk is complete. */
  contactsPerCycle: number;
  /** Home is re-rendered for recent viewers at most this often (and published only if it changed). */
  homeRefreshMs: number;
  /** Who counts as a recent viewer of Home. */
  homeRecentMs: number;
  /** Identifies this replica in leases; default: host, pid and a random suffix. */
  holder?: string;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  enabled: true,
  intervalMs: 60_000,
  tickMs: 5_000,
  firstSightDelayMs: 3_000,
  leaseTtlMs: 60_000,
  webhookQuietMs: 15 * 60_000,
  webhookSlowdown: 10,
  budgetShare: 0.5,
  pageSize: 100,
  maxPagesPerCycle: 20,
  unseenChecksPerCycle: 20,
  contactsPerCycle: 25,
  homeRefreshMs: 15_000,
  homeRecentMs: 30 * 60_000,
};

import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { SlackClients } from '../../slack/clients.js';
import { workspaceId, type WorkspaceRef } from '../../domain/workspace-ref.js';
import { abandonedJobs, claimJob, getJob, newLease, type JobKey, type Lease } from './jobs.js';
import { OnboardRunner } from './steps.js';

const SCAN_INTERVAL_MS = 30_000;
const SCAN_BATCH = 20;

/**
 * Owns the onboard jobs' runs. A submission's run starts at once, in the background (a closed modal
 * does not stop it); a run queued by a rate limit is taken up again when its wait is over; and every
 * so often (and at start) jobs whose runner went away — a restart, a replica that died — are taken
 * over. Taking a job is an atomic claim of its lease, so it never runs twice at once.
 */
export class OnboardWorker {
  private readonly runner: OnboardRunner;
  private readonly timers = new Set<NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: SlackClients,
    private readonly scanIntervalMs = SCAN_INTERVAL_MS,
  ) {
    this.runner = new OnboardRunner(
      ctx,
      (workspace) => this.slackClient(workspace),
      (key, at) => this.schedule(key, at),
    );
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.ctx.background.run('onboard.scan', () => this.scan());
    this.interval = setInterval(() => this.ctx.background.run('onboard.scan', () => this.scan()), this.scanIntervalMs);
    this.interval.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Runs a job this process has just claimed; `slack` is the requesting listener's client when there is one. */
  launch(key: JobKey, lease: Lease, slack?: WebClient): void {
    this.ctx.background.run('onboard.job', () => this.runner.run(key, lease, slack));
  }

  private schedule(key: JobKey, at: Date): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.ctx.background.run('onboard.resume', () => this.resume(key));
      },
      Math.max(0, at.getTime() - this.ctx.now().getTime()),
    );
    this.timers.add(timer);
  }

  private async resume(key: JobKey): Promise<void> {
    if (this.stopped) return;
    const now = this.ctx.now();
    const lease = newLease(now);
    if (await claimJob(this.ctx.store.db, key, ['running', 'queued'], lease, now.toISOString()))
      return this.launch(key, lease);
    // Timers may fire a millisecond before the wall clock says the wait is over, and the claim then
    // finds the job still waiting. Judged by the claim's own reading of the clock (a later one could
    // already be past the wait and leave the job to the next scan, half a minute on): look again then.
    const job = await getJob(this.ctx.store.db, key);
    if (job?.status === 'queued' && Date.parse(job.leaseUntil) > now.getTime())
      this.schedule(key, new Date(job.leaseUntil));
  }

  private async scan(): Promise<void> {
    const now = this.ctx.now();
    for (const key of await abandonedJobs(this.ctx.store.db, now.toISOString(), SCAN_BATCH)) await this.resume(key);
  }

  /** A run taken over without a request has no listener client: it gets one with the workspace's bot token. */
  private async slackClient(workspace: WorkspaceRef): Promise<WebClient> {
    const client = await this.slack.forWorkspace(workspaceId(workspace));
    if (!client) throw new Error('no Slack bot token for the workspace');
    return client;
  }
}

import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { SlackClients } from '../../slack/clients.js';
import { workspaceRefFromId } from '../../domain/workspace-ref.js';
import { PivotalAuthError, PivotalRateLimitError } from '../../pivotal/index.js';
import { newLeaseHolder, releaseLease, tryAcquireLease } from '../../store/leases.js';
import type { TestCleanupJobRow } from '../../store/schema-test-records.js';
import {
  activeCleanupJobs,
  cleanupCounts,
  getCleanupJob,
  nextCleanupItem,
  setCleanupProblem,
  setCleanupStatus,
  unfinishedCleanupJob,
} from '../../store/test-record-cleanup.js';
import type { PivotalConnection } from '../../workspace/pivotal-gateway.js';
import { publishHome } from '../home/service.js';
import { countTestRecords, deleteOne } from './service.js';
import { cleanupModal, countsInWords, type CleanupModal } from './views.js';

/** Longer than a request can wait for room in the key's bucket (a 60 s window), so a run that is only paced never loses it. */
const LEASE_TTL_MS = 2 * 60_000;
/** Jobs left by a process that stopped are taken up at start and at this interval. */
const SCAN_INTERVAL_MS = 15_000;
/** The modal is redrawn at most this often while the job runs, and once at each change of state. */
const PROGRESS_EVERY_MS = 1_000;
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/** What one run of a workspace's job keeps: its lease renewal, the Slack client, retry and redraw timing. */
interface Run {
  ws: string;
  leaseRenewedAt: number;
  slack: WebClient | null;
  failures: number;
  shownAt: number;
}

/**
 * Runs "Remove test records" jobs. A workspace's job runs in one replica at a time, the one holding
 * its `test-records:<workspace>` lease; a replica that stops (or dies) hands it over, and the next
 * holder carries on from the job's items. Every Pivotal call goes through the workspace's client, so
 * it is paced inside the key's rate bucket together with everything else the app asks.
 */
export class TestRecordsRunner {
  private readonly holder = newLeaseHolder();
  private readonly runs = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly sleepers = new Set<() => void>();
  private interval: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: SlackClients,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.scan();
    this.interval = setInterval(() => this.scan(), SCAN_INTERVAL_MS);
    this.interval.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    for (const wake of [...this.sleepers]) wake();
    await Promise.allSettled([...this.runs.values()]);
  }

  /** Runs the workspace's job now, or right after the run in progress (a confirmation during a count). */
  kick(ws: string): void {
    if (this.stopped) return;
    if (this.runs.has(ws)) {
      this.again.add(ws);
      return;
    }
    const run = this.ctx.background
      .track(() => this.runWorkspace(ws))
      .catch((err: unknown) => this.ctx.logger.error({ err, workspace: ws }, 'test records: run failed'))
      .finally(() => {
        this.runs.delete(ws);
        if (this.again.delete(ws)) this.kick(ws);
      });
    this.runs.set(ws, run);
  }

  private scan(): void {
    this.ctx.background.run('test-records.scan', async () => {
      for (const job of await activeCleanupJobs(this.ctx.store.db)) this.kick(job.workspace_id);
    });
  }

  private leaseName(ws: string): string {
    return `test-records:${ws}`;
  }

  /** Renewed once a third of its time is gone, so a run never outlives its lease unnoticed. */
  private async holdsLease(run: Run): Promise<boolean> {
    if (this.stopped) return false;
    if (Date.now() - run.leaseRenewedAt < LEASE_TTL_MS / 3) return true;
    const ok = await tryAcquireLease(
      this.ctx.store.db,
      this.leaseName(run.ws),
      this.holder,
      LEASE_TTL_MS,
      this.ctx.now(),
    );
    run.leaseRenewedAt = ok ? Date.now() : 0;
    return ok;
  }

  private async runWorkspace(ws: string): Promise<void> {
    const run: Run = { ws, leaseRenewedAt: 0, slack: null, failures: 0, shownAt: 0 };
    if (!(await this.holdsLease(run))) return;
    try {
      run.slack = await this.slack.forWorkspace(ws);
      for (;;) {
        const job = await unfinishedCleanupJob(this.ctx.store.db, ws);
        if (!job || job.status === 'ready') return;
        this.ctx.logger.info({ workspace: ws, job: job.id, status: job.status }, 'test records: working on the job');
        const goOn = job.status === 'counting' ? await this.count(run, job) : await this.deleteAll(run, job);
        if (!goOn) return;
      }
    } finally {
      await releaseLease(this.ctx.store.db, this.leaseName(ws), this.holder).catch((err: unknown) =>
        this.ctx.logger.warn(
          { err, workspace: ws },
          'test records: could not release the lease; another replica takes over when it expires',
        ),
      );
    }
  }

  /** The job's key must still be the workspace's: records counted with one key are never deleted with another. */
  private async connectionFor(job: TestCleanupJobRow): Promise<PivotalConnection | null> {
    const connection = await this.ctx.pivotal.forWorkspace(workspaceRefFromId(job.workspace_id));
    return connection && connection.mode === 'test' && connection.keyPrefix === job.key_prefix ? connection : null;
  }

  /** Returns whether the run should go on with the job (false: stopped, or the lease was lost). */
  private async count(run: Run, job: TestCleanupJobRow): Promise<boolean> {
    const connection = await this.connectionFor(job);
    if (!connection)
      return this.fail(
        run,
        job,
        `The workspace is no longer connected with the test key \`${job.key_prefix}…\`, so the count stopped.`,
      );
    let leaseLost = false;
    try {
      await countTestRecords(
        this.ctx.store.db,
        job,
        connection.client,
        workspaceRefFromId(job.workspace_id).teamId,
        async (progress) => {
          if (!(await this.holdsLease(run))) {
            leaseLost = true;
            throw new Error('lease lost');
          }
          await this.show(run, job, { kind: 'counting', progress, problem: null }, false);
        },
      );
    } catch (err) {
      return leaseLost ? false : this.recover(run, job, err);
    }
    if (!(await setCleanupStatus(this.ctx.store.db, job.id, ['counting'], 'ready', this.ctx.now().toISOString())))
      return true;
    const counts = await cleanupCounts(this.ctx.store.db, job.id);
    this.ctx.logger.info({ workspace: job.workspace_id, job: job.id, counts }, 'test records counted');
    await this.show(run, job, { kind: 'confirm', jobId: job.id, counts }, true);
    if (counts.onboarding.total + counts.contact.total + counts.customer.total === 0) {
      await setCleanupStatus(this.ctx.store.db, job.id, ['ready'], 'done', this.ctx.now().toISOString());
    }
    return true;
  }

  private async deleteAll(run: Run, job: TestCleanupJobRow): Promise<boolean> {
    const db = this.ctx.store.db;
    for (;;) {
      if (!(await this.holdsLease(run))) return false;
      const connection = await this.connectionFor(job);
      if (!connection)
        return this.fail(
          run,
          job,
          `The workspace is no longer connected with the test key \`${job.key_prefix}…\` these records were counted with, so nothing more was removed.`,
        );
      const item = await nextCleanupItem(db, job.id);
      if (!item) break;
      try {
        await deleteOne(this.ctx, job, item, connection.client);
      } catch (err) {
        return this.recover(run, job, err);
      }
      if (run.failures > 0) {
        run.failures = 0;
        await setCleanupProblem(db, job.id, null, this.ctx.now().toISOString());
      }
      if (this.due(run))
        await this.show(
          run,
          job,
          { kind: 'progress', status: 'deleting', counts: await cleanupCounts(db, job.id), problem: null },
          false,
        );
    }
    if (!(await setCleanupStatus(db, job.id, ['deleting'], 'done', this.ctx.now().toISOString()))) return true;
    const counts = await cleanupCounts(db, job.id);
    this.ctx.logger.info(
      { workspace: job.workspace_id, job: job.id, removed: countsInWords(counts, 'finished') },
      'test records removed',
    );
    await this.show(run, job, { kind: 'progress', status: 'done', counts, problem: null }, true);
    if (run.slack) {
      await publishHome(this.ctx, run.slack, workspaceRefFromId(job.workspace_id), job.requested_by).catch(
        (err: unknown) =>
          this.ctx.logger.warn({ err, workspace: job.workspace_id }, 'test records: could not refresh Home'),
      );
    }
    return true;
  }

  /** A refused key ends the job; a rate limit or an outage waits (with backoff) and tries again. */
  private async recover(run: Run, job: TestCleanupJobRow, err: unknown): Promise<boolean> {
    if (err instanceof PivotalAuthError)
      return this.fail(
        run,
        job,
        'Pivotal refused the test key (it may have been revoked). Connect a working key and press *Remove test records* again.',
      );
    run.failures += 1;
    const waitMs =
      err instanceof PivotalRateLimitError && err.retryAfterMs !== undefined
        ? err.retryAfterMs
        : Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (run.failures - 1));
    const reason = err instanceof Error ? err.message : String(err);
    this.ctx.logger.warn({ err, workspace: job.workspace_id, job: job.id, waitMs }, 'test records: will try again');
    const problem = `Pivotal did not answer as expected (${reason}); trying again in ${Math.ceil(waitMs / 1000)} s.`;
    await setCleanupProblem(this.ctx.store.db, job.id, problem, this.ctx.now().toISOString());
    await this.showCurrent(run, job, problem);
    await this.sleep(waitMs);
    return !this.stopped;
  }

  private async fail(run: Run, job: TestCleanupJobRow, problem: string): Promise<boolean> {
    await setCleanupStatus(
      this.ctx.store.db,
      job.id,
      ['counting', 'deleting'],
      'failed',
      this.ctx.now().toISOString(),
      problem,
    );
    this.ctx.logger.warn({ workspace: job.workspace_id, job: job.id, problem }, 'test records: job stopped');
    await this.showCurrent(run, { ...job, status: 'failed' }, problem);
    return true;
  }

  private async showCurrent(run: Run, job: TestCleanupJobRow, problem: string): Promise<void> {
    const counts = await cleanupCounts(this.ctx.store.db, job.id);
    const view: CleanupModal =
      job.status === 'counting'
        ? { kind: 'counting', progress: null, problem }
        : { kind: 'progress', status: job.status === 'failed' ? 'failed' : 'deleting', counts, problem };
    await this.show(run, job, view, true);
  }

  private due(run: Run): boolean {
    return Date.now() - run.shownAt >= PROGRESS_EVERY_MS;
  }

  /** Redraws the job's modal (the latest one the admin opened); a closed modal is no reason to stop. */
  private async show(run: Run, job: TestCleanupJobRow, view: CleanupModal, always: boolean): Promise<void> {
    if (!run.slack || (!always && !this.due(run))) return;
    run.shownAt = Date.now();
    const viewId = (await getCleanupJob(this.ctx.store.db, job.id))?.view_id;
    if (!viewId) return;
    try {
      await run.slack.views.update({ view_id: viewId, view: cleanupModal(view) });
    } catch (err) {
      this.ctx.logger.debug({ err, job: job.id }, 'test records: the modal could not be redrawn (closed?)');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

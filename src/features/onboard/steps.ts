import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { recordActivity } from '../../notifications/activity.js';
import {
  PivotalConflictError,
  PivotalNotFoundError,
  PivotalRateLimitError,
  PivotalValidationError,
  type CustomerCreate,
  type OnboardingCreate,
} from '../../pivotal/index.js';
import { recordMetadata } from '../../pivotal/record-metadata.js';
import type { WorkspaceRef } from '../../domain/workspace-ref.js';
import type { Db } from '../../store/database.js';
import { setSlackOwner } from '../../store/onboarding-owner.js';
import { SLACK_OWNER_METADATA_KEY } from '../../domain/slack-owner.js';
import { loadPhaseSequence } from '../../store/phases.js';
import { getCustomerRow, setPrimaryContact, upsertCustomer, upsertOnboarding } from '../../store/read-model.js';
import { pivotalUserFor } from '../../store/user-mappings.js';
import type { PivotalConnection } from '../../workspace/pivotal-gateway.js';
import { contactBody, CONTACT_BLOCKS } from '../customer/contact-fields.js';
import { writeKey } from '../customer/service.js';
import { explainPivotalError } from '../../views/pivotal-errors.js';
import { explainToPerson } from '../shared/explain-to-person.js';
import type { Session } from '../shared/session.js';
import {
  LEASE_MS,
  getJob,
  recordStep,
  stopJob,
  type JobKey,
  type JobProblem,
  type JobRecords,
  type Lease,
  type OnboardJob,
  type StepIds,
} from './jobs.js';
import { DISCONNECTED_TEXT } from './not-connected.js';
import { onboardingNotes } from './source-message.js';
import { replyInSourceThread } from './source-reply.js';
import { freeSlug } from './slug.js';
import { BLOCKS, blockForPivotalField, type Step } from './validation.js';
import { doneMessage, jobView, stoppedMessage, type JobViewContext } from './views.js';
import { contactRecord, customerRecord, onboardingRecord } from '../../sync/projection.js';

/** When a 429 names no wait, a short one; the pacer still holds every caller of the key back. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5_000;

class LeaseLost extends Error {}
class NotConnected extends Error {}

interface RunSession extends Session {
  connection: PivotalConnection;
}

/**
 * Runs a job's steps in order — customer (created, or the picked one), primary contact, onboarding —
 * skipping what an earlier run finished, each write with an idempotency key from the view and the
 * step. Every finished step is written to the job together with the read model (and, for the
 * onboarding, the channel's activity) in one transaction. The modal is updated at the end; if it is
 * gone, the person is told by DM.
 */
export class OnboardRunner {
  constructor(
    private readonly ctx: AppContext,
    private readonly slackFor: (workspace: WorkspaceRef) => Promise<WebClient>,
    /** Called when Pivotal asks us to wait: the job must be taken up again at `at`. */
    private readonly resumeAt: (key: JobKey, at: Date) => void,
  ) {}

  async run(key: JobKey, lease: Lease, slack?: WebClient): Promise<void> {
    const db = this.ctx.store.db;
    let job = await getJob(db, key);
    if (!job || job.leaseToken !== lease.token) return;
    const connection = await this.ctx.pivotal.forWorkspace(job.workspace);
    const session: RunSession | null = connection && {
      workspace: job.workspace,
      workspaceId: key.workspaceId,
      connection,
      mode: connection.mode,
    };
    let step: Step = 'customer';
    let failure: { err: unknown } | null = null;
    try {
      if (!session) throw new NotConnected();
      job = await this.customer(job, session, lease);
      step = 'contact';
      job = await this.contact(job, session, lease);
      step = 'onboarding';
      job = await this.onboarding(job, session, lease);
    } catch (err) {
      if (err instanceof LeaseLost) return;
      failure = { err };
    }
    // Before the failure is recorded: a refused key is explained with the admins' names, found through Slack.
    const client = await this.slackClient(job, slack);
    if (failure) {
      const stopped = await this.stop(job, step, failure.err, lease, session, client);
      if (!stopped) return;
      job = stopped;
    }
    if (client) await this.tell(job, client);
  }

  /** The listener's client when the run started from a request, else one with the workspace's bot token; null when there is none. */
  private async slackClient(job: OnboardJob, slack: WebClient | undefined): Promise<WebClient | null> {
    if (slack) return slack;
    try {
      return await this.slackFor(job.workspace);
    } catch (err) {
      // The job's state is still recorded; only telling the person is lost (e.g. the app was uninstalled).
      this.ctx.logger.warn({ err, view: job.key.viewId }, 'onboard: no Slack client for the workspace');
      return null;
    }
  }

  private metadata(job: OnboardJob, s: RunSession, extra?: Record<string, unknown>) {
    return recordMetadata({
      workspace: job.workspace,
      userId: job.userId,
      mode: s.connection.mode,
      ...(extra ? { extra } : {}),
    });
  }

  private async record(
    job: OnboardJob,
    lease: Lease,
    ids: StepIds,
    patch: JobRecords,
    alsoWrite?: (trx: Db, now: string) => Promise<void>,
    done = false,
  ): Promise<OnboardJob> {
    const records = { ...job.records, ...patch };
    const now = this.ctx.now();
    const renewed = { token: lease.token, until: new Date(now.getTime() + LEASE_MS).toISOString() };
    const kept = await this.ctx.store.db.transaction().execute(async (trx) => {
      await alsoWrite?.(trx, now.toISOString());
      return recordStep(trx, job.key, renewed, ids, records, now.toISOString(), done);
    });
    if (!kept) throw new LeaseLost();
    return { ...job, records, status: done ? 'done' : job.status };
  }

  private async customer(job: OnboardJob, s: RunSession, lease: Lease): Promise<OnboardJob> {
    if (job.records.customer) return job;
    const c = job.input.customer;
    const client = s.connection.client;
    if (c.kind === 'existing') {
      let row = await getCustomerRow(this.ctx.store.db, s.workspaceId, c.id);
      if (!row || row.deleted) {
        const fetched = await client.getCustomer(c.id);
        await upsertCustomer(this.ctx.store.db, s.workspaceId, customerRecord(fetched), this.ctx.now().toISOString());
        row = (await getCustomerRow(this.ctx.store.db, s.workspaceId, fetched.id))!;
      }
      return this.record(
        job,
        lease,
        { customer_id: row.id },
        { customer: { id: row.id, display_id: row.display_id, name: row.name, slug: row.slug, created: false } },
      );
    }
    const body: CustomerCreate = {
      name: c.name,
      slug: c.slug,
      ...(c.domain ? { domain: c.domain } : {}),
      status: c.status,
      metadata: this.metadata(job, s),
    };
    const created = await client.createCustomer(body, {
      idempotencyKey: writeKey(`onboard:${job.key.viewId}:customer`, body),
    });
    return this.record(
      job,
      lease,
      { customer_id: created.id },
      {
        customer: {
          id: created.id,
          display_id: created.display_id,
          name: created.name,
          slug: created.slug ?? null,
          created: true,
        },
      },
      (trx, now) => upsertCustomer(trx, s.workspaceId, customerRecord(created), now),
    );
  }

  private async contact(job: OnboardJob, s: RunSession, lease: Lease): Promise<OnboardJob> {
    const c = job.input.contact;
    if (job.records.contact || c.kind !== 'new') return job;
    const customerId = job.records.customer!.id;
    const before = await getCustomerRow(this.ctx.store.db, s.workspaceId, customerId);
    const body = contactBody(c, true, this.metadata(job, s));
    const created = await s.connection.client.createContact(customerId, body, {
      idempotencyKey: writeKey(`onboard:${job.key.viewId}:contact`, body),
    });
    const replaced =
      before?.primary_contact_id && before.primary_contact_id !== created.id
        ? (before.primary_contact_name ?? before.primary_contact_email)
        : null;
    return this.record(
      job,
      lease,
      { contact_id: created.id },
      {
        contact: {
          id: created.id,
          name: created.name ?? null,
          email: created.email ?? null,
          title: created.title ?? null,
          replaced,
        },
      },
      (trx) => setPrimaryContact(trx, s.workspaceId, customerId, contactRecord(created)),
    );
  }

  private async onboarding(job: OnboardJob, s: RunSession, lease: Lease): Promise<OnboardJob> {
    const o = job.input.onboarding;
    const csmId = await pivotalUserFor(this.ctx.store.db, s.workspaceId, o.csmUserId);
    const notes = onboardingNotes(o.notes, job.input.source);
    const body: OnboardingCreate = {
      // As the quickstart and the CI smoke example send it: the customer's display id, as a string.
      customer_id: String(job.records.customer!.display_id),
      phase: o.phase,
      state: o.state,
      ...(o.targetLaunchDate ? { target_launch_date: o.targetLaunchDate } : {}),
      // Pivotal has no users API: without a mapping it gets no csm_id. The app keeps the Slack owner in
      // its own store (below); the metadata carries it too, for whoever reads the record in Pivotal.
      ...(csmId ? { csm_id: csmId } : {}),
      ...(notes ? { notes } : {}),
      metadata: this.metadata(job, s, { [SLACK_OWNER_METADATA_KEY]: o.csmUserId }),
    };
    const created = await s.connection.client.createOnboarding(body, {
      idempotencyKey: writeKey(`onboard:${job.key.viewId}:onboarding`, body),
    });
    const summary = {
      id: created.id,
      display_id: created.display_id,
      phase: created.phase,
      state: created.state,
      target_launch_date: created.target_launch_date ?? null,
      csm_id: created.csm_id ?? null,
    };
    return this.record(
      job,
      lease,
      { onboarding_id: created.id },
      { onboarding: summary },
      async (trx, now) => {
        const changes = await upsertOnboarding(trx, s.workspaceId, onboardingRecord(created), now);
        await setSlackOwner(trx, s.workspaceId, created.id, o.csmUserId);
        if (changes.isNew) {
          await recordActivity(
            trx,
            s.workspaceId,
            { kind: 'onboarding.opened', onboardingId: created.id, actor: { type: 'slack', userId: job.userId } },
            created.created_at ?? created.id,
            now,
          );
        }
      },
      true,
    );
  }

  /** Why the run stopped, recorded on the job; null when another runner holds it now. */
  private async stop(
    job: OnboardJob,
    step: Step,
    err: unknown,
    lease: Lease,
    session: RunSession | null,
    slack: WebClient | null,
  ): Promise<OnboardJob | null> {
    const now = this.ctx.now();
    if (err instanceof PivotalRateLimitError) {
      const at = new Date(now.getTime() + (err.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS));
      const problem: JobProblem = { kind: 'queued', step };
      if (
        !(await stopJob(
          this.ctx.store.db,
          job.key,
          lease.token,
          'queued',
          problem,
          now.toISOString(),
          at.toISOString(),
        ))
      )
        return null;
      this.ctx.logger.info(
        { view: job.key.viewId, step, resumeAt: at.toISOString() },
        'onboard: rate limited by Pivotal, queued',
      );
      this.resumeAt(job.key, at);
      return { ...job, status: 'queued', problem, leaseUntil: at.toISOString() };
    }
    const problem = await this.refusal(job, step, err, session, slack);
    const status = problem.kind === 'fields' ? 'needs_input' : 'failed';
    if (status === 'failed') this.ctx.logger.warn({ err, view: job.key.viewId, step }, 'onboard: a step failed');
    if (!(await stopJob(this.ctx.store.db, job.key, lease.token, status, problem, now.toISOString()))) return null;
    return { ...job, status, problem };
  }

  /** Refusals that name a field go back into the form; anything else is a failure the person can retry. */
  private async refusal(
    job: OnboardJob,
    step: Step,
    err: unknown,
    session: RunSession | null,
    slack: WebClient | null,
  ): Promise<JobProblem> {
    const customer = job.input.customer;
    if (!session) return { kind: 'failed', step, message: DISCONNECTED_TEXT };
    if (err instanceof PivotalConflictError && err.isSlugTaken && step === 'customer' && customer.kind === 'new') {
      const suggestion = await freeSlug(this.ctx, session, customer.slug, { askPivotal: true });
      return {
        kind: 'fields',
        step,
        fields: { [BLOCKS.slug]: `${customer.slug} is already the slug of another customer in Pivotal.` },
        slugSuggestion: suggestion,
      };
    }
    if (err instanceof PivotalConflictError && err.isEmailTaken && step === 'contact') {
      return {
        kind: 'fields',
        step,
        fields: {
          [CONTACT_BLOCKS.email]: 'Another contact in Pivotal already uses this email address. Use another one.',
        },
      };
    }
    if (err instanceof PivotalNotFoundError && step === 'customer' && customer.kind === 'existing') {
      return {
        kind: 'fields',
        step,
        fields: {
          [BLOCKS.pick]: 'This customer no longer exists in Pivotal (it may have been deleted). Pick another one.',
        },
      };
    }
    if (err instanceof PivotalValidationError) {
      const block =
        step === 'customer' && customer.kind === 'existing' ? undefined : blockForPivotalField(step, err.field);
      return block
        ? { kind: 'fields', step, fields: { [block]: `Pivotal refused this: ${err.message}` } }
        : { kind: 'fields', step, fields: {}, message: explainPivotalError(err) };
    }
    // Without a Slack client the person cannot be told now; the message waits on the job for the next look.
    return {
      kind: 'failed',
      step,
      message: slack ? await explainToPerson(this.ctx, slack, job.key.workspaceId, err) : explainPivotalError(err),
    };
  }

  /** The modal shows where the job stands; the person gets a DM when it is done, or when the modal is gone. */
  private async tell(job: OnboardJob, client: WebClient): Promise<void> {
    const shown: JobViewContext = {
      phases: await loadPhaseSequence(this.ctx.store.db, job.key.workspaceId),
      now: this.ctx.now(),
    };
    let modalShown = true;
    try {
      await client.views.update({ view_id: job.key.viewId, view: jobView(job, shown) });
    } catch (err) {
      modalShown = false;
      this.ctx.logger.info(
        { err, view: job.key.viewId, status: job.status },
        'onboard: the modal is gone; telling the person by DM',
      );
    }
    const dm =
      job.status === 'done'
        ? doneMessage(job, shown)
        : !modalShown && job.status !== 'queued'
          ? stoppedMessage(job, shown)
          : null;
    if (dm) {
      try {
        await client.chat.postMessage(dm);
      } catch (err) {
        this.ctx.logger.warn({ err, view: job.key.viewId }, 'onboard: could not send the DM');
      }
    }
    // Only the run that finished the job gets here with it done: the thread hears of it once.
    if (job.status === 'done') await replyInSourceThread(this.ctx, client, job);
  }
}

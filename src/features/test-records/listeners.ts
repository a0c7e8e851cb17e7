import type { Middleware, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { SlackListeners } from '../../slack/listener-registry.js';
import { getCleanupJob, cleanupCounts, setCleanupView } from '../../store/test-record-cleanup.js';
import { refuseUnlessAdmin } from '../../security/admin-guard.js';
import { openSession, type Session } from '../shared/session.js';
import type { TestRecordsRunner } from './runner.js';
import { confirmCleanup, openCleanup } from './service.js';
import { TEST_RECORDS_CONFIRM, TEST_RECORDS_OPEN, cleanupModal, parseJobId, type CleanupModal } from './views.js';

const ButtonPress = z.object({ user: z.object({ id: z.string() }), trigger_id: z.string() });
const Submission = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({ private_metadata: z.string().optional() }),
});

const REMOVE = 'remove test records';

/** A refusal when the person is no admin; nothing when they are. */
function refusal(ctx: AppContext, client: WebClient, session: Session, userId: string) {
  return refuseUnlessAdmin(ctx, session, { userId, slack: client }, REMOVE);
}

const LIVE_KEY_REFUSAL =
  'This workspace is connected with a live key. *Remove test records* is only offered with a test key (`pivotal_test_…`): with a live key it would be deleting production records.';

/**
 * "Remove test records" (Home › Settings, admins, test keys only): a modal that counts the app's test
 * records in Pivotal, asks to confirm the counts, then shows the removal as it goes.
 */
export function registerTestRecords(app: SlackListeners, ctx: AppContext, runner: TestRecordsRunner): void {
  app.action(TEST_RECORDS_OPEN, cleanupOpened(ctx, runner));
  app.view(TEST_RECORDS_CONFIRM, cleanupConfirmed(ctx, runner));
}

function cleanupOpened(ctx: AppContext, runner: TestRecordsRunner): Middleware<SlackActionMiddlewareArgs> {
  return async ({ ack, body, client, context }) => {
    await ack();
    const press = ButtonPress.parse(body);
    const session = await openSession(ctx, context);
    const refused = await refusal(ctx, client, session, press.user.id);
    if (refused) {
      await client.views.open({ trigger_id: press.trigger_id, view: refused.modal() });
      return;
    }
    if (session.mode !== 'test') {
      await client.views.open({
        trigger_id: press.trigger_id,
        view: cleanupModal({ kind: 'notice', text: LIVE_KEY_REFUSAL, mode: session.mode }),
      });
      return;
    }
    const { job } = await openCleanup(ctx, session, press.user.id);
    const shown: CleanupModal =
      job.status === 'counting'
        ? { kind: 'counting', progress: null, problem: job.problem }
        : {
            kind: 'progress',
            status: 'deleting',
            counts: await cleanupCounts(ctx.store.db, job.id),
            problem: job.problem,
          };
    const opened = await client.views.open({ trigger_id: press.trigger_id, view: cleanupModal(shown) });
    if (opened.view?.id) await setCleanupView(ctx.store.db, job.id, opened.view.id, ctx.now().toISOString());
    runner.kick(session.workspaceId);
  };
}

function cleanupConfirmed(
  ctx: AppContext,
  runner: TestRecordsRunner,
): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, body, view, client, context }) => {
    const submission = Submission.parse(body);
    const session = await openSession(ctx, context);
    const refused = await refusal(ctx, client, session, submission.user.id);
    if (refused) return ack(refused.onSubmission(view));
    const jobId = parseJobId(submission.view.private_metadata);
    const outcome = await confirmCleanup(ctx, session, jobId ? await getCleanupJob(ctx.store.db, jobId) : undefined);
    if (outcome.kind === 'stale')
      return ack({
        response_action: 'update',
        view: cleanupModal({ kind: 'notice', text: outcome.message, mode: session.mode }),
      });
    await ack({
      response_action: 'update',
      view: cleanupModal({ kind: 'progress', status: 'deleting', counts: outcome.counts, problem: null }),
    });
    runner.kick(session.workspaceId);
  };
}

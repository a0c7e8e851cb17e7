import type { StoredView, PostedMessage, FakeUser } from '../../sandbox/fake-slack/server.js';
import { echoViewWithState } from './views.js';
import type { CustomerInput, OnboardingChanges } from '../../sandbox/pivotal-simulator/records.js';
import { outboxDispatcher, type DispatcherTimings } from '../../src/notifications/dispatcher.js';
import { CustomerSchema, OnboardingSchema } from '../../src/pivotal/index.js';
import { upsertCustomer, upsertOnboarding } from '../../src/store/read-model.js';
import { CSM, TEAM, type Harness } from './app-harness.js';
import type { StateValues } from './view-submission.js';
import type { ModalAnswer } from './connect-workspace.js';
import { waitFor } from './wait.js';

/**
 * Driving the move modal and watching channel posts: Pivotal records made "in the Pivotal UI" and
 * seen by the sync, modal inputs as Slack reports them, and the outbox run at test speed.
 */

export const WORKSPACE = TEAM.id;

/** Every input of these modals keeps its element under the action id `value`. */
export const select = (value: string) => ({
  value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } },
});
export const datePicked = (date: string) => ({ value: { type: 'datepicker', selected_date: date } });
export const typed = (value: string) => ({ value: { type: 'plain_text_input', value } });

/** Deliveries in milliseconds instead of seconds; the pacing and retry logic stay the same. */
export function fastOutbox(h: Harness, timings: Partial<DispatcherTimings> = {}): void {
  const dispatcher = outboxDispatcher(h.app.ctx);
  if (!dispatcher) throw new Error('the app runs no outbox dispatcher');
  dispatcher.configure({
    pollMs: 50,
    minPostIntervalMs: 5,
    backoffBaseMs: 40,
    backoffMaxMs: 400,
    inviteRetryMs: 300,
    ...timings,
  });
}

/** What the sync would have written after reading these records: the read model, without announcing them. */
export async function seenBySync(h: Harness, records: { customer?: unknown; onboarding?: unknown }): Promise<void> {
  const now = new Date().toISOString();
  if (records.customer)
    await upsertCustomer(h.app.ctx.store.db, WORKSPACE, CustomerSchema.parse(records.customer), now);
  if (records.onboarding)
    await upsertOnboarding(h.app.ctx.store.db, WORKSPACE, OnboardingSchema.parse(records.onboarding), now);
}

let seq = 0;

/** A customer with one onboarding, made in Pivotal and already in the read model. Names are unique per call. */
export async function seedOnboarding(
  h: Harness,
  opts: { customer?: Partial<CustomerInput>; onboarding?: OnboardingChanges } = {},
) {
  seq += 1;
  const customer = h.pivotal.state.createCustomer(h.orgId, {
    name: `Customer ${seq} ${Math.random().toString(36).slice(2, 7)}`,
    ...opts.customer,
  });
  const onboarding = h.pivotal.state.createOnboarding(h.orgId, {
    customer_id: customer.id,
    phase: 'review',
    ...opts.onboarding,
  });
  await seenBySync(h, { customer, onboarding });
  return { customer, onboarding };
}

/** The modal the app last filled with views.update (the loading modal becomes the form, the picker, a message). */
export function lastUpdatedView(h: Harness): StoredView {
  const id = h.slack.callsTo('views.update').at(-1)?.args.view_id;
  const view = typeof id === 'string' ? h.slack.views.get(id) : undefined;
  if (!view) throw new Error('the app updated no modal');
  return view;
}

/** `/pivotal move <reference>` as `user`; returns the modal once the app has filled it. */
export async function openMove(h: Harness, reference: string, user: FakeUser = CSM): Promise<StoredView> {
  const updates = h.slack.callsTo('views.update').length;
  await h.command(`move ${reference}`, { user });
  await h.idle();
  if (h.slack.callsTo('views.update').length === updates) throw new Error(`/pivotal move ${reference} filled no modal`);
  return lastUpdatedView(h);
}

/**
 * Submits a modal with these inputs, as Slack would: an answer with `response_action: update` replaces
 * the view in place (same id). Returns the answer and the modal as it stands once the app is idle.
 */
export async function submitView(h: Harness, view: StoredView, values: StateValues, user: FakeUser = CSM) {
  const res = await h.submit(echoViewWithState(view, values), { user });
  if (res.status !== 200) throw new Error(`the submission answered HTTP ${res.status}`);
  const answer = res.json as ModalAnswer | undefined;
  if (answer?.response_action === 'update' && answer.view) h.slack.putView(answer.view, view.id);
  await h.idle();
  return { answer, view: h.slack.views.get(view.id)! };
}

/** Posts about an onboarding: its parent (or top-level) messages carry its "Move phase" button. */
export function postsAbout(h: Harness, onboardingId: string): { tops: PostedMessage[]; replies: PostedMessage[] } {
  const tops = h.slack.messages.filter(
    (m) => !m.thread_ts && JSON.stringify(m.blocks ?? []).includes(`"value":"${onboardingId}"`),
  );
  const parents = new Set(tops.map((m) => m.ts));
  return { tops, replies: h.slack.messages.filter((m) => m.thread_ts !== undefined && parents.has(m.thread_ts)) };
}

/** Waits until the outbox has nothing left to send now (held rows and later retries aside). */
export async function outboxDrained(h: Harness): Promise<void> {
  await waitFor(
    async () => {
      const due = await h.app.ctx.store.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute();
      return due.length === 0;
    },
    { what: 'the outbox to be delivered' },
  );
  await h.idle();
}

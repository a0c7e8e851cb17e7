import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { PhaseSequence } from '../../domain/phases.js';
import { loadPhaseSequence } from '../../store/phases.js';
import { customerBySlug, findCustomers, getCustomerRow, onboardingsOfCustomer } from '../../store/read-model.js';
import { isFinished } from '../../domain/finished.js';
import type { RmCustomerRow } from '../../store/schema-domain.js';
import { noticeModal } from '../../views/banners.js';
import type { FieldErrors } from '../../views/form-values.js';
import { customerChoice, searchCustomers } from '../customer/search.js';
import type { Session } from '../shared/session.js';
import { escapeMrkdwn, mrkdwn, truncate } from '../../views/text.js';
import { disconnectedBlocks } from './not-connected.js';
import { claimJob, createJob, getJob, newLease, type JobKey, type Lease } from './jobs.js';
import { freeSlug } from './slug.js';
import { slugify } from '../../domain/slug.js';
import {
  CUSTOMER_STATUSES,
  BLOCKS,
  earliestTargetDate,
  validateOnboardForm,
  type CustomerFacts,
  type OnboardFormValues,
  type OnboardInput,
} from './validation.js';
import { CUSTOMER_NAME_MAX_LENGTH, jobView, onboardForm, workingView, type FormContext } from './views.js';

/** After the modal is open there is time to ask Pivotal whether the typed customer already exists. */
const EXISTING_LOOKUP_BUDGET_MS = 5_000;

export interface Opening {
  values: OnboardFormValues;
  phases: PhaseSequence;
  facts: CustomerFacts | null;
  /** The typed name matched nothing locally: worth asking Pivotal once the modal is open. */
  lookUpInPivotal: string | null;
}

function isExactReference(row: RmCustomerRow, reference: string): boolean {
  const ref = reference.trim().toLowerCase();
  return (
    row.name_lower === ref ||
    row.id === reference.trim() ||
    row.slug === ref ||
    ref.replace(/^#/, '') === String(row.display_id)
  );
}

/**
 * What the modal opens with, from local data only (it must open within the trigger's 3 s): the name
 * typed after the command, an existing customer preselected when the reference names one exactly,
 * the workspace's first phase, and the person as CSM.
 */
export async function openingForm(ctx: AppContext, session: Session, typed: string, userId: string): Promise<Opening> {
  // The command text pre-fills the name field: never longer than that field accepts.
  const reference = [...typed].slice(0, CUSTOMER_NAME_MAX_LENGTH).join('').trim();
  const phases = await loadPhaseSequence(ctx.store.db, session.workspaceId);
  const local = reference ? await findCustomers(ctx.store.db, session.workspaceId, reference, 10) : [];
  const exact = local.find((row) => isExactReference(row, reference)) ?? null;
  const name = exact?.name ?? reference;
  const slug = slugify(name);
  return {
    phases,
    facts: exact ? await customerFacts(ctx, session, exact.id) : null,
    lookUpInPivotal: reference && local.length === 0 ? reference : null,
    values: {
      customerMode: exact ? 'existing' : 'new',
      customerName: name,
      slug,
      derivedSlug: slug,
      domain: '',
      status: CUSTOMER_STATUSES[0]!.value,
      picked: exact && customerChoice(exact),
      contact: { name: '', email: '', title: '' },
      contactLater: false,
      replacePrimary: false,
      openAnother: false,
      phase: phases.first()?.key ?? null,
      state: 'active',
      targetDate: null,
      csmUserId: userId,
    },
  };
}

/**
 * Once the modal is open: if Pivotal has a customer of the typed name that the read model did not know,
 * say so under the name field. `hash` makes this lose quietly against any other update of the modal.
 */
export async function hintExistingCustomer(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  view: { id: string; hash: string | undefined },
  opening: Opening,
): Promise<void> {
  const name = opening.lookUpInPivotal!;
  const search = await searchCustomers(ctx, session, name, { budgetMs: EXISTING_LOOKUP_BUDGET_MS, limit: 10 });
  const match = search.rows.find((row) => row.name_lower === name.toLowerCase());
  if (!match) return;
  const form = onboardForm(opening.values, {
    mode: session.mode,
    phases: opening.phases,
    facts: opening.facts,
    existingMatch: { name: match.name, display_id: match.display_id },
  });
  try {
    await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: form });
  } catch (err) {
    ctx.logger.debug({ err }, 'onboard: the modal changed before the existing-customer hint could be shown');
  }
}

/** What the form is drawn with besides the values: the key mode, the phases, and the picked customer's facts. */
export async function formContext(
  ctx: AppContext,
  session: Session,
  values: OnboardFormValues,
): Promise<Pick<FormContext, 'mode' | 'phases' | 'facts'>> {
  const picked = values.customerMode === 'existing' ? values.picked : null;
  return {
    mode: session.mode,
    phases: await loadPhaseSequence(ctx.store.db, session.workspaceId),
    facts: picked ? await customerFacts(ctx, session, picked.value) : null,
  };
}

/** An existing customer's open onboardings and primary contact, from the read model. */
export async function customerFacts(
  ctx: AppContext,
  session: Session,
  customerId: string,
): Promise<CustomerFacts | null> {
  const row = await getCustomerRow(ctx.store.db, session.workspaceId, customerId);
  if (!row || row.deleted) return null;
  const open = (await onboardingsOfCustomer(ctx.store.db, session.workspaceId, customerId)).filter(
    (o) => !isFinished(o),
  );
  const latest = open[0];
  // Carried in private_metadata (3,000 characters): names are cut well inside it.
  const cut = (text: string | null) => (text === null ? null : truncate(text, 150));
  return {
    customerId,
    name: truncate(row.name, 150),
    displayId: row.display_id,
    open: latest ? { id: latest.id, displayId: latest.display_id, count: open.length } : null,
    primary: row.primary_contact_id
      ? { name: cut(row.primary_contact_name), email: cut(row.primary_contact_email) }
      : null,
  };
}

/** The form showed what matters about the customer as it is now: its open onboarding and its primary contact. */
function sawFacts(now: CustomerFacts | null, shown: CustomerFacts | null): boolean {
  if (!now || (!now.open && !now.primary)) return true;
  return (
    shown?.customerId === now.customerId &&
    shown.open?.id === now.open?.id &&
    JSON.stringify(shown.primary) === JSON.stringify(now.primary)
  );
}

export type SubmitOutcome =
  | { kind: 'errors'; errors: FieldErrors }
  /** Nothing to start: show this (a repeated submission sees the job as it stands). */
  | { kind: 'show'; view: ModalView }
  | { kind: 'started'; view: ModalView; key: JobKey; lease: Lease };

/**
 * A submission of the onboard modal, answered within the ack: field errors at once, otherwise the job
 * is created (or, after Pivotal refused a field, taken up again) and the steps are left to the runner.
 * The job is keyed by the view, so a second delivery of the same submission finds it and starts nothing.
 */
export async function submitOnboarding(
  ctx: AppContext,
  session: Session,
  s: {
    viewId: string;
    userId: string;
    values: OnboardFormValues;
    shownFacts: CustomerFacts | null;
    /** The input blocks the submitted form had: field errors can only be shown under those. */
    shownInputs: ReadonlySet<string>;
  },
): Promise<SubmitOutcome> {
  const key: JobKey = { workspaceId: session.workspaceId, viewId: s.viewId };
  const db = ctx.store.db;
  const phases = await loadPhaseSequence(db, session.workspaceId);
  const shown = { phases, now: ctx.now() };
  const existing = await getJob(db, key);
  if (existing && existing.status !== 'needs_input') return { kind: 'show', view: jobView(existing, shown) };
  if (!session.connection) return { kind: 'show', view: noticeModal('Onboard a customer', disconnectedBlocks()) };

  const done = existing?.records ?? {};
  const picked = !done.customer && s.values.customerMode === 'existing' ? s.values.picked : null;
  const facts = picked ? await customerFacts(ctx, session, picked.value) : null;
  if (!sawFacts(facts, s.shownFacts)) {
    // The person has not seen the customer's open onboarding or primary contact: show them before anything is created.
    return {
      kind: 'show',
      view: onboardForm(s.values, {
        mode: session.mode,
        phases,
        facts,
        problem: `Look again before onboarding ${escapeMrkdwn(facts!.name)}: what it already has is shown below.`,
      }),
    };
  }
  const checked = validateOnboardForm(s.values, {
    phases,
    earliestTarget: earliestTargetDate(ctx.now()),
    customerLocked: !!done.customer,
    // A kept primary contact was settled by the first submission.
    contactLocked: !!done.contact || existing?.input.contact.kind === 'kept',
    facts,
  });
  if ('errors' in checked) {
    // A box ticked just before submitting ("replace", "later" unticked) asks for fields the form had not drawn yet.
    if (Object.keys(checked.errors).every((block) => s.shownInputs.has(block)))
      return { kind: 'errors', errors: checked.errors };
    return { kind: 'show', view: onboardForm(s.values, { mode: session.mode, phases, facts, errors: checked.errors }) };
  }
  const input: OnboardInput = {
    customer: checked.input.customer ?? existing!.input.customer,
    contact: checked.input.contact ?? existing!.input.contact,
    onboarding: checked.input.onboarding,
    ...(s.values.source ? { source: s.values.source } : {}),
  };
  if (checked.input.customer?.kind === 'new') {
    const taken = await slugTakenMessage(ctx, session, checked.input.customer.slug);
    if (taken) return { kind: 'errors', errors: { [BLOCKS.slug]: taken } };
  }

  const lease = newLease(ctx.now());
  const now = ctx.now().toISOString();
  const started = existing
    ? await claimJob(db, key, ['needs_input'], lease, now, input)
    : await createJob(
        db,
        { key, workspace: session.workspace, userId: s.userId, mode: session.connection.mode, input },
        lease,
        now,
      );
  if (!started) {
    // Another delivery of this submission got there first.
    const winner = await getJob(db, key);
    return { kind: 'show', view: winner ? jobView(winner, shown) : unknownJobNotice() };
  }
  return {
    kind: 'started',
    key,
    lease,
    view: workingView({ input, records: existing?.records ?? {}, problem: null, mode: session.connection.mode }, shown),
  };
}

/** The read model already knows a customer with this slug: say whose it is and offer a free one, before any request. */
async function slugTakenMessage(ctx: AppContext, session: Session, slug: string): Promise<string | null> {
  const owner = await customerBySlug(ctx.store.db, session.workspaceId, slug);
  if (!owner) return null;
  const free = await freeSlug(ctx, session, slug, { askPivotal: false });
  return `${slug} is already the slug of ${owner.name} (#${owner.display_id}). Choose "Existing customer" to onboard it again, or use another slug such as ${free}.`;
}

function unknownJobNotice(): ModalView {
  return noticeModal('Onboard a customer', [
    { type: 'section', text: mrkdwn('This onboarding is no longer known here. Run `/pivotal onboard` again.') },
  ]);
}

/** Retry from the failure view: takes the failed job up again; anything else shows the job as it stands. */
export async function retryOnboarding(
  ctx: AppContext,
  session: Session,
  viewId: string,
): Promise<Exclude<SubmitOutcome, { kind: 'errors' }>> {
  const key: JobKey = { workspaceId: session.workspaceId, viewId };
  const phases = await loadPhaseSequence(ctx.store.db, session.workspaceId);
  const shown = { phases, now: ctx.now() };
  const job = await getJob(ctx.store.db, key);
  if (!job) return { kind: 'show', view: unknownJobNotice() };
  const lease = newLease(ctx.now());
  if (job.status !== 'failed' || !(await claimJob(ctx.store.db, key, ['failed'], lease, ctx.now().toISOString()))) {
    return { kind: 'show', view: jobView((await getJob(ctx.store.db, key)) ?? job, shown) };
  }
  return { kind: 'started', key, lease, view: workingView({ ...job, problem: null }, shown) };
}

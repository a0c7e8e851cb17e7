import type { KnownBlock, ModalView, SectionBlock } from '@slack/types';
import type { PhaseSequence } from '../../domain/phases.js';
import { testKeyLabelBlock, testKeyPrefix } from '../../views/test-key-label.js';
import { LIMITS, escapeMrkdwn, mrkdwn, plain, quoted, truncate } from '../../views/text.js';
import { contactFieldBlocks } from '../customer/contact-fields.js';
import { banner, withFieldErrors } from '../../views/banners.js';
import { checkbox, inputBlock, option, sectionHeading, staticSelect, textInput } from '../../views/inputs.js';
import type { FieldErrors } from '../../views/form-values.js';
import { customerPickElement } from '../customer/search.js';
import { customerLink, describeTarget } from '../customer/views.js';
import { moveButton } from '../../notifications/post-views.js';
import type { ContactSummary, CustomerSummary, JobProblem, JobRecords, OnboardJob } from './jobs.js';
import {
  ANOTHER_VALUE,
  BLOCKS,
  CUSTOMER_STATUSES,
  LATER_VALUE,
  REPLACE_VALUE,
  type CustomerFacts,
  START_STATES,
  formValuesFromInput,
  metaOf,
  type OnboardFormValues,
  type OnboardInput,
  type Step,
} from './validation.js';
import type { KeyMode } from '../../domain/key-mode.js';
import { NOTES_MAX_LENGTH } from './source-message.js';
import { stateName } from '../../domain/states.js';

export const CUSTOMER_NAME_MAX_LENGTH = 200;

export const ONBOARD_CALLBACK = 'onboard';
export const RETRY_CALLBACK = 'onboard_retry';
export const ONBOARD_ACTIONS = { customerMode: BLOCKS.customerMode, useSlug: 'onboard_use_slug' } as const;

const TITLE = 'Onboard a customer';
const MODE_CHOICES = [
  { value: 'new', label: 'New customer' },
  { value: 'existing', label: 'Existing customer' },
] as const;

export interface FormContext {
  mode: KeyMode | null;
  phases: PhaseSequence;
  /** Created by an earlier run of this job: shown, no longer editable. */
  lockedCustomer?: CustomerSummary | null;
  lockedContact?: Pick<ContactSummary, 'name' | 'email'> | null;
  /** The picked existing customer's open onboarding and primary contact, as the read model has them. */
  facts?: CustomerFacts | null;
  errors?: FieldErrors;
  /** Plain text for the top of the form: what went wrong as a whole. */
  problem?: string;
  slugSuggestion?: string;
  /** A customer of that name that Pivotal already has (found after the modal opened). */
  existingMatch?: { name: string; display_id: number };
}

export function onboardForm(v: OnboardFormValues, c: FormContext): ModalView {
  const blocks: KnownBlock[] = [
    ...testKeyLabelBlock(c.mode),
    ...(c.problem ? [banner(c.problem)] : []),
    sectionHeading('Customer'),
    ...customerBlocks(v, c),
    { type: 'divider' },
    sectionHeading('Primary contact'),
    ...contactBlocks(v, c),
    { type: 'divider' },
    sectionHeading('Onboarding'),
    staticSelect({
      blockId: BLOCKS.phase,
      label: 'Phase',
      choices: c.phases.active.map((p) => ({ value: p.key, label: p.name })),
      initial: v.phase,
    }),
    staticSelect({ blockId: BLOCKS.state, label: 'State', choices: START_STATES, initial: v.state }),
    inputBlock(
      {
        blockId: BLOCKS.target,
        label: 'Target launch date',
        optional: true,
        hint: 'Today or later; leave empty for "No target".',
      },
      {
        type: 'datepicker',
        action_id: BLOCKS.target,
        placeholder: plain('Pick a date'),
        ...(v.targetDate ? { initial_date: v.targetDate } : {}),
      },
    ),
    inputBlock(
      { blockId: BLOCKS.csm, label: 'CSM' },
      { type: 'users_select', action_id: BLOCKS.csm, ...(v.csmUserId ? { initial_user: v.csmUserId } : {}) },
    ),
    ...(v.source ? [notesInput(v.notes ?? '', v.source.permalink !== null)] : []),
  ];
  return {
    type: 'modal',
    callback_id: ONBOARD_CALLBACK,
    private_metadata: JSON.stringify(metaOf(v, c.facts ?? null)),
    title: plain(TITLE, LIMITS.modalTitle),
    submit: plain('Onboard', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: withFieldErrors(blocks, c.errors ?? {}),
  };
}

/** Shown when the onboarding starts from a Slack message: the message, editable, becomes its notes. */
function notesInput(notes: string, withLink: boolean): KnownBlock {
  return inputBlock(
    {
      blockId: BLOCKS.notes,
      label: 'Notes',
      optional: true,
      ...(withLink ? { hint: "The message's link is added to the notes." } : {}),
    },
    {
      type: 'plain_text_input',
      action_id: BLOCKS.notes,
      multiline: true,
      max_length: NOTES_MAX_LENGTH,
      ...(notes ? { initial_value: truncate(notes, NOTES_MAX_LENGTH) } : {}),
    },
  );
}

function customerBlocks(v: OnboardFormValues, c: FormContext): KnownBlock[] {
  if (c.lockedCustomer) {
    return [
      {
        type: 'section',
        text: mrkdwn(
          `:white_check_mark: ${customerLink(c.lockedCustomer)} · #${c.lockedCustomer.display_id} is already in Pivotal and is kept.`,
        ),
      },
    ];
  }
  const modeChoices = MODE_CHOICES.map((m) => option({ value: m.value, label: m.label }));
  const blocks: KnownBlock[] = [
    {
      type: 'actions',
      block_id: BLOCKS.customerMode,
      elements: [
        {
          type: 'radio_buttons',
          action_id: ONBOARD_ACTIONS.customerMode,
          options: modeChoices,
          initial_option: modeChoices[v.customerMode === 'new' ? 0 : 1]!,
        },
      ],
    },
  ];
  if (v.customerMode === 'existing') {
    blocks.push({
      type: 'input',
      block_id: BLOCKS.pick,
      // Picking one redraws the form with what the customer already has (an open onboarding, a primary contact).
      dispatch_action: true,
      label: plain('Existing customer'),
      element: customerPickElement(v.picked),
    });
    if (c.facts?.open) blocks.push(...openOnboardingBlocks(c.facts, c.facts.open, v.openAnother));
    return blocks;
  }
  blocks.push(
    textInput({
      blockId: BLOCKS.customerName,
      label: 'Name',
      initial: v.customerName,
      maxLength: CUSTOMER_NAME_MAX_LENGTH,
      placeholder: 'Acme Corp',
    }),
  );
  if (c.existingMatch) {
    const match = `*${escapeMrkdwn(c.existingMatch.name)}* (#${c.existingMatch.display_id})`;
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `:information_source: Pivotal already has a customer named ${match}. To onboard it again, choose *Existing customer*.`,
        ),
      ],
    });
  }
  blocks.push(
    textInput({
      blockId: BLOCKS.slug,
      label: 'Slug',
      initial: v.slug,
      optional: true,
      maxLength: 60,
      placeholder: 'acme-corp',
      hint: 'Lower-case letters, digits and dashes. Left as filled in (or empty), it follows the name.',
    }),
  );
  if (c.slugSuggestion) blocks.push(slugSuggestionBlock(c.slugSuggestion));
  blocks.push(
    textInput({
      blockId: BLOCKS.domain,
      label: 'Domain',
      initial: v.domain,
      optional: true,
      maxLength: 253,
      placeholder: 'acme.com',
    }),
    staticSelect({ blockId: BLOCKS.status, label: 'Status', choices: CUSTOMER_STATUSES, initial: v.status }),
  );
  return blocks;
}

/** The customer already has an open onboarding: a second one only when asked for, with the first one a click away. */
function openOnboardingBlocks(
  facts: CustomerFacts,
  open: NonNullable<CustomerFacts['open']>,
  another: boolean,
): KnownBlock[] {
  const others = open.count > 1 ? ` (and ${open.count - 1} more)` : '';
  const customer = customerLink({ display_id: facts.displayId, name: facts.name });
  return [
    {
      type: 'section',
      block_id: 'onboard_open_onboarding',
      text: mrkdwn(
        `:warning: ${customer} already has an open onboarding: *#${open.displayId}*${others}. Move it instead, or tick the box below to open another one.`,
      ),
      accessory: { ...moveButton(open.id), text: plain('Move it instead', LIMITS.buttonText) },
    },
    checkbox({
      blockId: BLOCKS.openAnother,
      label: 'Another onboarding',
      text: 'Open another onboarding',
      description: `#${open.displayId} stays open as it is.`,
      value: ANOTHER_VALUE,
      checked: another,
    }),
  ];
}

function contactBlocks(v: OnboardFormValues, c: FormContext): KnownBlock[] {
  const kept = c.lockedContact ?? (c.facts?.primary && !v.replacePrimary ? c.facts.primary : null);
  const who = (p: { name: string | null; email: string | null }) =>
    [p.name, p.email]
      .filter(Boolean)
      .map((s) => escapeMrkdwn(s!))
      .join(' · ');
  if (c.lockedContact) {
    return [
      {
        type: 'section',
        text: mrkdwn(
          `:white_check_mark: ${who(c.lockedContact)} is already in Pivotal as the primary contact and is kept.`,
        ),
      },
    ];
  }
  if (c.facts?.primary) {
    const current = c.facts.primary;
    return [
      {
        type: 'section',
        text: mrkdwn(
          kept
            ? `:bust_in_silhouette: ${who(current)} is the primary contact of this customer and is kept.`
            : `:bust_in_silhouette: ${who(current)} stays a contact; the person below becomes the primary contact.`,
        ),
      },
      checkbox({
        blockId: BLOCKS.replacePrimary,
        label: 'Primary contact',
        text: 'Replace it with a new primary contact',
        description: `${truncate(current.name ?? current.email ?? 'The current one', 60)} would stay a contact.`,
        value: REPLACE_VALUE,
        checked: v.replacePrimary,
        dispatch: true,
      }),
      ...(v.replacePrimary ? contactFieldBlocks(v.contact, { optional: false }) : []),
    ];
  }
  const later = checkbox({
    blockId: BLOCKS.contactLater,
    label: 'Later',
    text: 'Add the primary contact later',
    description: 'With /pivotal contact, once the onboarding is open.',
    value: LATER_VALUE,
    checked: v.contactLater,
    dispatch: true,
  });
  if (v.contactLater) return [later];
  return [
    {
      type: 'context',
      elements: [
        mrkdwn(
          v.customerMode === 'existing' && !v.picked
            ? 'Name and email are required, unless you add the primary contact later. If the customer already has a primary contact, picking it above shows who.'
            : 'Name and email are required, unless you add the primary contact later.',
        ),
      ],
    },
    ...contactFieldBlocks(v.contact, { optional: false }),
    later,
  ];
}

function slugSuggestionBlock(slug: string): SectionBlock {
  return {
    type: 'section',
    block_id: 'customer_slug_suggestion',
    text: mrkdwn(`${quoted(slug)} is free.`),
    accessory: {
      type: 'button',
      action_id: ONBOARD_ACTIONS.useSlug,
      text: plain(`Use ${slug}`, LIMITS.buttonText),
      value: slug,
    },
  };
}

// After the submission: one view per state of the job.

export interface JobViewContext {
  phases: PhaseSequence;
  now: Date;
}

function customerName(input: OnboardInput, records: JobRecords): string {
  return records.customer?.name ?? (input.customer.kind === 'new' ? input.customer.name : input.customer.label);
}

const ICON = {
  done: ':white_check_mark:',
  failed: ':x:',
  waiting: ':white_circle:',
  skipped: ':heavy_minus_sign:',
  queued: ':hourglass:',
};

/** One line per step: done (with links), failed (with why), or still to do. */
function stepLines(job: Pick<OnboardJob, 'input' | 'records' | 'problem'>, c: JobViewContext): string {
  const { input, records, problem } = job;
  const failedHere = (step: Step) => (problem && problem.step === step ? problem : null);
  const pending = (step: Step, what: string) => {
    const p = failedHere(step);
    // The app wrote the message (explainPivotalError escapes what Pivotal said): the admins it names stay mentions.
    if (p?.kind === 'failed') return `${ICON.failed} ${what} — not done: ${p.message}`;
    if (p?.kind === 'queued') return `${ICON.queued} ${what} — queued`;
    if (p?.kind === 'fields') return `${ICON.failed} ${what} — refused by Pivotal, see the form`;
    return `${ICON.waiting} ${what} — not done yet`;
  };
  const lines: string[] = [];

  const customer = records.customer;
  lines.push(
    customer
      ? `${ICON.done} Customer ${customerLink(customer)} · #${customer.display_id}${customer.slug ? ` · ${quoted(customer.slug)}` : ''} — ${customer.created ? 'created' : 'existing'}`
      : pending('customer', `Customer *${escapeMrkdwn(truncate(customerName(input, records), 150))}*`),
  );

  const contact = records.contact;
  if (input.contact.kind === 'later')
    lines.push(`${ICON.skipped} Primary contact — to add later with \`/pivotal contact\``);
  else if (input.contact.kind === 'kept') {
    const who = [input.contact.name, input.contact.email]
      .filter(Boolean)
      .map((s) => escapeMrkdwn(s!))
      .join(' · ');
    lines.push(`${ICON.done} Primary contact ${who} — kept`);
  } else if (contact) {
    const who = [contact.name, contact.title]
      .filter(Boolean)
      .map((s) => escapeMrkdwn(s!))
      .join(', ');
    const replaced = contact.replaced ? ` (replaces ${escapeMrkdwn(contact.replaced)} as primary)` : '';
    lines.push(
      `${ICON.done} Primary contact ${who}${contact.email ? ` · ${escapeMrkdwn(contact.email)}` : ''}${replaced}`,
    );
  } else lines.push(pending('contact', `Primary contact *${escapeMrkdwn(input.contact.name)}*`));

  const onboarding = records.onboarding;
  lines.push(
    onboarding
      ? `${ICON.done} Onboarding #${onboarding.display_id} · ${escapeMrkdwn(c.phases.name(onboarding.phase))} · ${escapeMrkdwn(stateName(onboarding.state))} · target ${describeTarget(onboarding.target_launch_date, c.now)}`
      : pending('onboarding', `Onboarding in *${escapeMrkdwn(c.phases.name(input.onboarding.phase))}*`),
  );
  return lines.join('\n');
}

type JobShown = Pick<OnboardJob, 'input' | 'records' | 'problem' | 'mode'>;

function statusModal(
  job: JobShown,
  headline: string,
  extra: KnownBlock[],
  c: JobViewContext,
  title = TITLE,
): ModalView {
  return {
    type: 'modal',
    callback_id: ONBOARD_CALLBACK,
    title: plain(title, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(job.mode),
      { type: 'section', text: mrkdwn(headline) },
      { type: 'section', text: mrkdwn(stepLines(job, c)) },
      ...extra,
    ],
  };
}

const CLOSE_ANY_TIME = {
  type: 'context' as const,
  elements: [mrkdwn('You can close this window: the work goes on, and you get a DM when it is done.')],
};

export function workingView(job: JobShown, c: JobViewContext): ModalView {
  return statusModal(
    { ...job, problem: null },
    ':hourglass_flowing_sand: Working on it in Pivotal…',
    [CLOSE_ANY_TIME],
    c,
  );
}

function queuedView(job: OnboardJob, c: JobViewContext): ModalView {
  const seconds = Math.max(1, Math.ceil((Date.parse(job.leaseUntil) - c.now.getTime()) / 1000));
  const headline = `:traffic_light: Pivotal is busy with this workspace's requests (rate limit), so this onboarding is *queued*. It goes on by itself in about ${seconds} s.`;
  return statusModal(job, headline, [CLOSE_ANY_TIME], c);
}

function failureView(job: OnboardJob, c: JobViewContext): ModalView {
  const view = statusModal(
    job,
    ':warning: Not everything could be done yet.',
    [
      {
        type: 'context',
        elements: [mrkdwn('*Retry* finishes the remaining steps; nothing already created is created again.')],
      },
    ],
    c,
    'Not finished',
  );
  return { ...view, callback_id: RETRY_CALLBACK, submit: plain('Retry', LIMITS.modalTitle) };
}

function csmNote(job: OnboardJob): KnownBlock[] {
  const csm = job.input.onboarding.csmUserId;
  if (job.records.onboarding?.csm_id) return [{ type: 'context', elements: [mrkdwn(`CSM: <@${csm}>`)] }];
  return [
    {
      type: 'context',
      elements: [
        mrkdwn(
          `CSM: <@${csm}>. No Pivotal user is mapped to them yet, so Pivotal shows no CSM on this onboarding (the Slack user is kept in its metadata); an admin can map it in the app's Home settings.`,
        ),
      ],
    },
  ];
}

function resultView(job: OnboardJob, c: JobViewContext): ModalView {
  const name = escapeMrkdwn(customerName(job.input, job.records));
  return statusModal(job, `:tada: *${name}* is onboarding.`, csmNote(job), c, 'Onboarding opened');
}

function refusedForm(
  job: OnboardJob,
  problem: Extract<JobProblem, { kind: 'fields' }>,
  c: JobViewContext & { mode: KeyMode | null },
): ModalView {
  const { customer, contact } = job.records;
  const refused = problem.message ?? 'Pivotal refused part of this: fix the marked field and submit again.';
  const kept = [customer && 'the customer', contact && 'its primary contact'].filter(Boolean).join(' and ');
  return onboardForm(formValuesFromInput(job.input), {
    mode: c.mode,
    phases: c.phases,
    lockedCustomer: customer ?? null,
    lockedContact: contact ?? (job.input.contact.kind === 'kept' ? job.input.contact : null),
    errors: problem.fields,
    problem: kept ? `${refused} Already created and kept: ${kept}.` : refused,
    ...(problem.slugSuggestion ? { slugSuggestion: problem.slugSuggestion } : {}),
  });
}

/** The view that shows a job as it stands (a repeated submission, or the result of a run). */
export function jobView(job: OnboardJob, c: JobViewContext): ModalView {
  switch (job.status) {
    case 'running':
      return workingView(job, c);
    case 'queued':
      return queuedView(job, c);
    case 'failed':
      return failureView(job, c);
    case 'done':
      return resultView(job, c);
    case 'needs_input':
      return job.problem?.kind === 'fields'
        ? refusedForm(job, job.problem, { ...c, mode: job.mode })
        : failureView(job, c);
  }
}

export interface DirectMessage {
  channel: string;
  text: string;
  blocks: KnownBlock[];
}

/** The confirmation DM once every step is done. */
export function doneMessage(job: OnboardJob, c: JobViewContext): DirectMessage {
  const name = customerName(job.input, job.records);
  const onboarding = job.records.onboarding;
  return {
    channel: job.userId,
    text: `${testKeyPrefix(job.mode)}Onboarding ${onboarding ? `#${onboarding.display_id} ` : ''}opened for ${escapeMrkdwn(name)}.`,
    blocks: [
      ...testKeyLabelBlock(job.mode),
      { type: 'section', text: mrkdwn(`:tada: *${escapeMrkdwn(name)}* is onboarding.`) },
      { type: 'section', text: mrkdwn(stepLines(job, c)) },
    ],
  };
}

/** When the modal is gone (closed, expired), the person still learns that the onboarding stopped and what to do. */
export function stoppedMessage(job: OnboardJob, c: JobViewContext): DirectMessage {
  const name = customerName(job.input, job.records);
  const customer = job.records.customer;
  const next = customer
    ? `To finish, run \`/pivotal onboard\` again and pick ${quoted(customer.name)} (#${customer.display_id}) as the existing customer.`
    : 'To finish, run `/pivotal onboard` again.';
  const fields =
    job.problem?.kind === 'fields' ? Object.values(job.problem.fields).map((m) => `• ${escapeMrkdwn(m)}`) : [];
  return {
    channel: job.userId,
    text: `${testKeyPrefix(job.mode)}Your onboarding of ${escapeMrkdwn(name)} did not finish.`,
    blocks: [
      ...testKeyLabelBlock(job.mode),
      { type: 'section', text: mrkdwn(`:warning: Your onboarding of *${escapeMrkdwn(name)}* did not finish.`) },
      { type: 'section', text: mrkdwn(stepLines(job, c)) },
      ...(fields.length > 0 ? [{ type: 'section' as const, text: mrkdwn(fields.join('\n')) }] : []),
      { type: 'context', elements: [mrkdwn(next)] },
    ],
  };
}

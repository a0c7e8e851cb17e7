import { z } from 'zod';
import type { ActionsBlock, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { customerPageUrl } from '../../pivotal/index.js';
import { formatDay, targetInWords, utcDay } from '../../views/launch-date.js';
import type { EphemeralMessage } from '../../views/ephemeral.js';
import { testKeyLabelBlock, testKeyPrefix } from '../../views/test-key-label.js';
import { LIMITS, escapeMrkdwn, mrkdwn, plain, quoted, truncate } from '../../views/text.js';
import {
  CONTACT_CALLBACK,
  CONTACT_CUSTOMER_BLOCK,
  CONTACT_PRIMARY_BLOCK,
  PRIMARY_VALUE,
  contactFieldBlocks,
  type ContactFormValues,
} from './contact-fields.js';
import { banner, withFieldErrors } from '../../views/banners.js';
import { checkbox } from '../../views/inputs.js';
import type { FieldErrors } from '../../views/form-values.js';
import { customerPickElement } from './search.js';
import { moveButton } from '../../notifications/post-views.js';
import type { KeyMode } from '../../domain/key-mode.js';
import { customerStatusName, stateName } from '../../domain/states.js';

export const CARD_ACTIONS = {
  show: 'customer_card_show',
  addContact: 'customer_card_add_contact',
  open: 'customer_card_open',
} as const;

/** Message blocks are capped at 50; the card keeps well inside with this many onboardings. */
const CARD_ONBOARDINGS = 10;
export const PICK_LIST_SIZE = 10;

export interface CardCustomer {
  id: string;
  display_id: number;
  name: string;
  slug: string | null;
  domain: string | null;
  status: string | null;
}

export interface CardContact {
  name: string | null;
  email: string | null;
  title: string | null;
}

export interface CardOnboarding {
  id: string;
  display_id: number;
  phaseName: string;
  progress: { step: number; of: number } | null;
  state: string;
  target: string | null;
}

export interface CustomerCard {
  customer: CardCustomer;
  primary: CardContact | null;
  onboardings: CardOnboarding[];
}

/** What `/pivotal customer <query>` found: nothing, a list to pick from, or one customer's card. */
export type CustomerLookup =
  | { kind: 'none'; pivotalProblem?: string }
  | { kind: 'many'; rows: CardCustomer[]; more: boolean; fromPivotal: boolean }
  | { kind: 'one'; card: CustomerCard };

/** "Jul 15, 2026 (in 12 days)", or "No target". */
export function describeTarget(target: string | null, now: Date): string {
  if (!target) return 'No target';
  return `${formatDay(target)} (${targetInWords(target, utcDay(now))})`;
}

function contactLine(c: CardContact): string {
  const name = escapeMrkdwn(c.name ?? '(no name)');
  return [c.title ? `${name}, ${escapeMrkdwn(c.title)}` : name, c.email ? escapeMrkdwn(c.email) : null]
    .filter(Boolean)
    .join('\n');
}

export function customerLink(c: Pick<CardCustomer, 'display_id' | 'name'>): string {
  return `<${customerPageUrl(c.display_id)}|${escapeMrkdwn(truncate(c.name, 150))}>`;
}

function onboardingBlock(o: CardOnboarding, now: Date): SectionBlock {
  const progress = o.progress ? ` (${o.progress.step}/${o.progress.of})` : '';
  return {
    type: 'section',
    text: mrkdwn(
      `*#${o.display_id}* · ${escapeMrkdwn(o.phaseName)}${progress} · ${escapeMrkdwn(stateName(o.state))}\nTarget launch: ${describeTarget(o.target, now)}`,
    ),
    accessory: moveButton(o.id),
  };
}

export function customerCardMessage(card: CustomerCard, opts: { mode: KeyMode | null; now: Date }): EphemeralMessage {
  const c = card.customer;
  const field = (label: string, value: string) => mrkdwn(`*${label}*\n${value}`, LIMITS.fieldText);
  const open = card.onboardings.slice(0, CARD_ONBOARDINGS);
  const more = card.onboardings.length - open.length;
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: 'customer_card_actions',
    elements: [
      {
        type: 'button',
        action_id: CARD_ACTIONS.addContact,
        text: plain('Add contact', LIMITS.buttonText),
        value: c.id,
      },
      {
        type: 'button',
        action_id: CARD_ACTIONS.open,
        text: plain('Open in Pivotal', LIMITS.buttonText),
        url: customerPageUrl(c.display_id),
      },
    ],
  };
  return {
    response_type: 'ephemeral',
    text: `${testKeyPrefix(opts.mode)}${escapeMrkdwn(c.name)} (#${c.display_id}): ${card.onboardings.length} open onboarding${card.onboardings.length === 1 ? '' : 's'}`,
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      { type: 'header', text: plain(`${c.name} · #${c.display_id}`, LIMITS.headerText) },
      {
        type: 'section',
        fields: [
          field('Slug', c.slug ? quoted(c.slug) : '—'),
          field('Domain', c.domain ? escapeMrkdwn(c.domain) : '—'),
          field('Status', c.status ? escapeMrkdwn(customerStatusName(c.status)) : '—'),
          field('Primary contact', card.primary ? contactLine(card.primary) : 'None yet'),
        ],
      },
      { type: 'section', text: mrkdwn(open.length > 0 ? '*Open onboardings*' : '_No open onboardings._') },
      ...open.map((o) => onboardingBlock(o, opts.now)),
      ...(more > 0
        ? [
            {
              type: 'context' as const,
              elements: [mrkdwn(`…and ${more} more: open the customer in Pivotal to see them all.`)],
            },
          ]
        : []),
      actions,
    ],
  };
}

export function lookupMessage(
  lookup: CustomerLookup,
  query: string,
  opts: { mode: KeyMode | null; now: Date },
): EphemeralMessage {
  switch (lookup.kind) {
    case 'none':
      return noCustomerMessage(query, { mode: opts.mode, pivotalProblem: lookup.pivotalProblem });
    case 'many':
      return customerPickList(lookup.rows, query, {
        mode: opts.mode,
        more: lookup.more,
        fromPivotal: lookup.fromPivotal,
      });
    case 'one':
      return customerCardMessage(lookup.card, opts);
  }
}

/** `p`: the list came from Pivotal, so the card must read the customer's details from there too. */
export function customerPickList(
  rows: readonly CardCustomer[],
  query: string,
  opts: { mode: KeyMode | null; more: boolean; fromPivotal: boolean },
): EphemeralMessage {
  return {
    response_type: 'ephemeral',
    text: `${testKeyPrefix(opts.mode)}${rows.length} customers match "${escapeMrkdwn(query)}"`,
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      { type: 'section', text: mrkdwn(`Several customers match ${quoted(query)}; which one?`) },
      ...rows.slice(0, PICK_LIST_SIZE).map(
        (c): SectionBlock => ({
          type: 'section',
          text: mrkdwn(`*${escapeMrkdwn(c.name)}* · #${c.display_id}${c.slug ? ` · ${quoted(c.slug)}` : ''}`),
          accessory: {
            type: 'button',
            action_id: CARD_ACTIONS.show,
            text: plain('Show', LIMITS.buttonText),
            value: JSON.stringify({ id: c.id, p: opts.fromPivotal }),
          },
        }),
      ),
      ...(opts.more
        ? [
            {
              type: 'context' as const,
              elements: [mrkdwn('More customers match: type more of the name, or use the `#number`.')],
            },
          ]
        : []),
    ],
  };
}

function noCustomerMessage(
  query: string,
  opts: { mode: KeyMode | null; pivotalProblem?: string | undefined },
): EphemeralMessage {
  const text = `No customer matches ${quoted(query)}. Try a name, a slug, a \`#number\` or a Pivotal id.`;
  return {
    response_type: 'ephemeral',
    text: `${testKeyPrefix(opts.mode)}No customer matches "${escapeMrkdwn(query)}".`,
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      { type: 'section', text: mrkdwn(text) },
      ...(opts.pivotalProblem
        ? [
            {
              type: 'context' as const,
              elements: [mrkdwn(`I could only look in what Slack knows so far: ${opts.pivotalProblem}`)],
            },
          ]
        : []),
    ],
  };
}

export function usageMessage(command: 'customer' | 'contact', mode: KeyMode | null): EphemeralMessage {
  const text = `Which customer? e.g. \`/pivotal ${command} Acme\` — a name, a slug, a \`#number\` or a Pivotal id.`;
  return {
    response_type: 'ephemeral',
    text: `${testKeyPrefix(mode)}${text}`,
    blocks: [...testKeyLabelBlock(mode), { type: 'section', text: mrkdwn(text) }],
  };
}

// The contact modal (`/pivotal contact` and the card's "Add contact").

export interface ContactFormContext {
  mode: KeyMode | null;
  /** The customer's primary contact as the read model knows it, when a customer is preselected. */
  currentPrimary?: CardContact | null;
  /** What was typed after the command when it matched no single customer. */
  unmatched?: string;
  errors?: FieldErrors;
  problem?: string;
}

/** What the contact modal showed besides the inputs, carried in private_metadata so a refusal shows it again. */
export function parseContactMeta(
  privateMetadata: string | undefined,
): Pick<ContactFormContext, 'currentPrimary' | 'unmatched'> {
  try {
    const parsed = ContactMeta.safeParse(JSON.parse(privateMetadata ?? ''));
    if (parsed.success)
      return {
        currentPrimary: parsed.data.currentPrimary,
        ...(parsed.data.unmatched ? { unmatched: parsed.data.unmatched } : {}),
      };
  } catch {
    // Not a modal of ours: nothing to show again.
  }
  return { currentPrimary: null };
}

const ContactMeta = z.object({
  currentPrimary: z
    .object({ name: z.string().nullable(), email: z.string().nullable(), title: z.string().nullable() })
    .nullable(),
  unmatched: z.string().optional(),
});

export function contactModal(v: ContactFormValues, c: ContactFormContext): ModalView {
  const current = c.currentPrimary ?? null;
  const currentName = current ? (current.name ?? current.email ?? 'the current primary contact') : null;
  const blocks: KnownBlock[] = [
    ...testKeyLabelBlock(c.mode),
    ...(c.problem ? [banner(c.problem)] : []),
    ...(c.unmatched
      ? [
          {
            type: 'context' as const,
            elements: [mrkdwn(`No single customer matches ${quoted(c.unmatched)}: pick one below.`)],
          },
        ]
      : []),
    {
      type: 'input',
      block_id: CONTACT_CUSTOMER_BLOCK,
      label: plain('Customer'),
      element: customerPickElement(v.customer),
    },
    ...(current
      ? [
          {
            type: 'context' as const,
            elements: [mrkdwn(`Current primary contact: ${contactLine(current).replace('\n', ' · ')}`)],
          },
        ]
      : []),
    ...contactFieldBlocks(v.contact, { optional: false }),
    checkbox({
      blockId: CONTACT_PRIMARY_BLOCK,
      label: 'Primary',
      text: currentName
        ? `Make this the primary contact instead of ${escapeMrkdwn(currentName)}`
        : 'Make this the primary contact',
      description: currentName
        ? `One per customer: ${truncate(currentName, 60)} would stay a contact.`
        : 'One per customer: this customer has none yet.',
      value: PRIMARY_VALUE,
      checked: v.primary,
    }),
  ];
  // private_metadata holds 3,000 characters: what was typed after the command is cut well inside that, escapes included.
  const cut = (text: string | null) => (text === null ? null : truncate(text, 200));
  const meta: z.infer<typeof ContactMeta> = {
    currentPrimary: current && { name: cut(current.name), email: cut(current.email), title: cut(current.title) },
    ...(c.unmatched ? { unmatched: truncate(c.unmatched, 200) } : {}),
  };
  return {
    type: 'modal',
    callback_id: CONTACT_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain('Add a contact', LIMITS.modalTitle),
    submit: plain('Add contact', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: withFieldErrors(blocks, c.errors ?? {}),
  };
}

export function contactWorkingView(v: ContactFormValues, mode: KeyMode | null): ModalView {
  const who = escapeMrkdwn(v.contact.name);
  const where = v.customer ? ` to *${escapeMrkdwn(v.customer.label)}*` : '';
  return {
    type: 'modal',
    callback_id: CONTACT_CALLBACK,
    title: plain('Add a contact', LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(mode),
      { type: 'section', text: mrkdwn(`:hourglass_flowing_sand: Adding *${who}*${where} in Pivotal…`) },
    ],
  };
}

export interface ContactAdded {
  contact: CardContact;
  customer: Pick<CardCustomer, 'display_id' | 'slug' | 'name'>;
  primary: boolean;
  /** The primary contact this one replaced, if any. */
  replaced: CardContact | null;
}

export function contactResultView(r: ContactAdded, mode: KeyMode | null): ModalView {
  const role = r.primary ? 'as the *primary contact*' : 'as a contact';
  const lines = [
    `:white_check_mark: Added ${contactLine(r.contact).replace('\n', ' · ')} to ${customerLink(r.customer)} ${role}.`,
  ];
  if (r.replaced)
    lines.push(
      `${escapeMrkdwn(r.replaced.name ?? 'The previous primary contact')} is no longer the primary contact; they stay a contact of the customer.`,
    );
  return {
    type: 'modal',
    callback_id: CONTACT_CALLBACK,
    title: plain('Contact added', LIMITS.modalTitle),
    close: plain('Done', LIMITS.modalTitle),
    blocks: [...testKeyLabelBlock(mode), { type: 'section', text: mrkdwn(lines.join('\n')) }],
  };
}

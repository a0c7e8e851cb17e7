import type { KnownBlock, ModalView, PlainTextOption, SectionBlock } from '@slack/types';
import type { KeyMode } from '../../domain/key-mode.js';
import { testKeyLabelBlock, testKeyPrefix } from '../../views/test-key-label.js';
import { escapeMrkdwn, LIMITS, mrkdwn, plain, truncate } from '../../views/text.js';

/**
 * Pure views of the People settings (which Slack person is which Pivotal user id), the "These are
 * mine" claim and the admin's approval message.
 */

export const PEOPLE_OPEN = 'people_open';
export const PEOPLE_MAP_OPEN = 'people_map_open';
export const PEOPLE_REMOVE = 'people_remove';
export const PEOPLE_MAP_CALLBACK = 'people_map';
export const CLAIM_OPEN = 'people_claim_open';
export const CLAIM_CALLBACK = 'people_claim';
export const CLAIM_APPROVE = 'people_claim_approve';
export const CLAIM_DECLINE = 'people_claim_decline';
export const MAP_BLOCKS = { person: 'map_person', pivotalId: 'map_pivotal_id', claim: 'claim_pivotal_id' } as const;

/** Rows in the People list: a modal holds 100 blocks. */
export const PEOPLE_ROWS = 80;

export interface PersonRow {
  pivotalUserId: string;
  /** Onboardings in the read model this id owns (0: mapped but not seen). */
  onboardings: number;
  exampleCustomers: string[];
  slackUserId: string | null;
}

const code = (id: string) => `\`${escapeMrkdwn(truncate(id, 60))}\``;
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function ownsText(row: Pick<PersonRow, 'onboardings' | 'exampleCustomers'>): string {
  if (row.onboardings === 0) return 'no onboarding seen';
  const examples = row.exampleCustomers.map((c) => escapeMrkdwn(truncate(c, 40))).join(', ');
  return `${plural(row.onboardings, 'onboarding')}${examples ? ` (${examples})` : ''}`;
}

function personRow(row: PersonRow): SectionBlock {
  const who = row.slackUserId ? `<@${row.slackUserId}>` : '_not mapped_';
  return {
    type: 'section',
    block_id: `people_row:${truncate(row.pivotalUserId, 200)}`,
    text: mrkdwn(`${code(row.pivotalUserId)} → ${who}\n${ownsText(row)}`),
    accessory: row.slackUserId
      ? {
          type: 'button',
          action_id: PEOPLE_REMOVE,
          text: plain('Remove', LIMITS.buttonText),
          value: row.slackUserId,
        }
      : {
          type: 'button',
          action_id: PEOPLE_MAP_OPEN,
          text: plain('Map', LIMITS.buttonText),
          value: truncate(row.pivotalUserId, 150),
        },
  };
}

export function peopleModal(rows: readonly PersonRow[], mode: KeyMode | null): ModalView {
  const shown = rows.slice(0, PEOPLE_ROWS);
  const blocks: KnownBlock[] = [
    ...testKeyLabelBlock(mode),
    {
      type: 'section',
      text: mrkdwn(
        'Pivotal has no users API, so the app keeps which Slack person is which Pivotal user id (the owner, `csm_id`, of onboardings). Owners get DMs and morning lists only once mapped.',
      ),
      accessory: {
        type: 'button',
        action_id: PEOPLE_MAP_OPEN,
        text: plain('Map a person', LIMITS.buttonText),
        value: '',
      },
    },
    { type: 'divider' },
    ...(shown.length
      ? shown.map(personRow)
      : [{ type: 'section' as const, text: mrkdwn('_No onboarding has an owner in Pivotal yet._') }]),
  ];
  if (rows.length > shown.length)
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${rows.length - shown.length} more ids.`)] });
  return {
    type: 'modal',
    callback_id: 'people_list',
    title: plain('People', LIMITS.modalTitle),
    close: plain('Done', LIMITS.modalTitle),
    blocks,
  };
}

export interface MapModalState {
  /** The People list underneath, refreshed after a change. */
  rootViewId: string | null;
  /** An id no onboarding has: mapped only when submitted again after this warning. */
  confirmUnseen: string | null;
}

export function mapModal(opts: {
  pivotalUserId: string;
  slackUserId: string | null;
  state: MapModalState;
  mode: KeyMode | null;
}): ModalView {
  const warning: KnownBlock[] = opts.state.confirmUnseen
    ? [
        {
          type: 'section',
          text: mrkdwn(
            `:warning: No onboarding has ${code(opts.state.confirmUnseen)} as its owner. Check the spelling against Pivotal; press *Map anyway* to keep it.`,
          ),
        },
      ]
    : [];
  return {
    type: 'modal',
    callback_id: PEOPLE_MAP_CALLBACK,
    private_metadata: JSON.stringify(opts.state),
    title: plain('Map a person', LIMITS.modalTitle),
    submit: plain(opts.state.confirmUnseen ? 'Map anyway' : 'Map', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      ...warning,
      {
        type: 'input',
        block_id: MAP_BLOCKS.person,
        label: plain('Slack person', 2000),
        element: {
          type: 'users_select',
          action_id: 'value',
          placeholder: plain('Pick a person', LIMITS.placeholder),
          ...(opts.slackUserId ? { initial_user: opts.slackUserId } : {}),
        },
      },
      {
        type: 'input',
        block_id: MAP_BLOCKS.pivotalId,
        label: plain('Pivotal user id', 2000),
        hint: plain('As Pivotal shows it as the owner (csm_id) of their onboardings, e.g. user_csm_001.', 2000),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          max_length: 100,
          placeholder: plain('user_csm_001', LIMITS.placeholder),
          ...(opts.pivotalUserId ? { initial_value: opts.pivotalUserId } : {}),
        },
      },
    ],
  };
}

export function claimModal(
  choices: ReadonlyArray<Pick<PersonRow, 'pivotalUserId' | 'onboardings' | 'exampleCustomers'>>,
  mode: KeyMode | null,
): ModalView {
  const base = { type: 'modal' as const, title: plain('These are mine', LIMITS.modalTitle) };
  if (choices.length === 0)
    return {
      ...base,
      close: plain('Close', LIMITS.modalTitle),
      blocks: [
        ...testKeyLabelBlock(mode),
        {
          type: 'section',
          text: mrkdwn('No onboarding in Pivotal has an owner that is free to claim. An admin can map you in People.'),
        },
      ],
    };
  const options: PlainTextOption[] = choices.slice(0, 100).map((c) => ({
    text: plain(truncate(`${c.pivotalUserId} · ${ownsText(c).replace(/_/g, '')}`, 75), 75),
    value: truncate(c.pivotalUserId, 150),
  }));
  return {
    ...base,
    callback_id: CLAIM_CALLBACK,
    submit: plain('Claim', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(mode),
      {
        type: 'section',
        text: mrkdwn(
          'Pick the Pivotal user id that owns your onboardings. If nobody holds it, it is yours at once; otherwise an admin is asked to approve.',
        ),
      },
      {
        type: 'input',
        block_id: MAP_BLOCKS.claim,
        label: plain('Your Pivotal user id', 2000),
        element: { type: 'static_select', action_id: 'value', options },
      },
    ],
  };
}

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

export function claimRequestMessage(opts: {
  claimId: string;
  claimer: string;
  pivotalUserId: string;
  holder: string | null;
  owns: Pick<PersonRow, 'onboardings' | 'exampleCustomers'>;
  mode: KeyMode | null;
}): Message {
  const holder = opts.holder ? ` It is mapped to <@${opts.holder}> now; approving moves it.` : '';
  const text = `<@${opts.claimer}> says the Pivotal user ${code(opts.pivotalUserId)} (${ownsText(opts.owns)}) is theirs.${holder}`;
  return {
    text: `${testKeyPrefix(opts.mode)}${text}`,
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      { type: 'section', text: mrkdwn(text) },
      {
        type: 'actions',
        block_id: 'claim_decision',
        elements: [
          {
            type: 'button',
            action_id: CLAIM_APPROVE,
            style: 'primary',
            text: plain('Approve', LIMITS.buttonText),
            value: opts.claimId,
          },
          { type: 'button', action_id: CLAIM_DECLINE, text: plain('Decline', LIMITS.buttonText), value: opts.claimId },
        ],
      },
    ],
  };
}

export function textMessage(text: string, mode: KeyMode | null): Message {
  return {
    text: `${testKeyPrefix(mode)}${text}`,
    blocks: [...testKeyLabelBlock(mode), { type: 'section', text: mrkdwn(text) }],
  };
}

export const pivotalIdText = code;

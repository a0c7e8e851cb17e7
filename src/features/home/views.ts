import { CARD_ACTIONS } from '../customer/views.js';
import { subscriptionLines, type SubscriptionLine } from '../subscriptions/views.js';
import type {
  ActionsBlock,
  Button,
  HomeView,
  KnownBlock,
  ModalView,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';
import { customerPageUrl } from '../../pivotal/index.js';
import { mentionList } from '../../security/permissions.js';
import { escapeMrkdwn, LIMITS, mrkdwn, plain, truncate } from '../../views/text.js';
import { isOverdueTarget, targetInWords } from '../../views/launch-date.js';
import { testKeyLabelBlock } from '../../views/test-key-label.js';
import { slackDate } from '../../views/slack-date.js';
import { attentionBanner, notConnectedBlocks, type AttentionFields } from '../connect/views.js';
import { TEST_RECORDS_OPEN } from '../test-records/views.js';
import type { HomeFilters } from './home-views-store.js';
import type { KeyMode } from '../../domain/key-mode.js';
import { CLAIM_OPEN, PEOPLE_OPEN } from '../people/views.js';
import { MY_NOTIFICATIONS_OPEN } from '../my-notifications/views.js';

/**
 * Pure views of the Home tab and its settings modals. Every text that comes from Pivotal or people is
 * escaped and truncated, and a page never holds more than PAGE_ROWS onboardings, which keeps the
 * view under Slack's 100 blocks whatever the data.
 */

/** 25 rows × (row + its buttons + at worst a phase heading of its own) + 19 other blocks = 94 ≤ 100. */
export const PAGE_ROWS = 25;
/** Blocks whose text moves with the clock ("2 minutes ago"); a refresh ignores them when comparing. */
export const VOLATILE_BLOCK_PREFIX = 'live_';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface HomeConnection {
  mode: KeyMode;
  keyPrefix: string;
  orgName: string | null;
}

export interface HomeSync {
  /** False until the sync has looked at the workspace at all. */
  started: boolean;
  lastSyncAt: string | null;
  lastFullWalkAt: string | null;
  lagMs: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  webhookConfigured: boolean;
  webhookLastSeenAt: string | null;
  onboardingsKnown: number;
}

export interface HomeRow {
  id: string;
  displayId: number;
  name: string | null;
  customerId: string;
  /** Null while the customer is not in the read model: then there is no page to link to. */
  customerDisplayId: number | null;
  customerName: string | null;
  phase: string;
  phaseName: string;
  state: string;
  waiting: boolean;
  target: string | null;
  finished: boolean;
  ownerSlackIds: string[];
  ownerPivotalId: string | null;
  phaseEnteredAt: string;
}

export interface HomeSettings {
  notifyChannel: string | null;
  phaseNames: string[];
  mappings: number;
  webhookPath: string;
  /** Every channel's subscriptions, described in plain words. */
  subscriptions: SubscriptionLine[];
}

export interface PhaseCount {
  key: string;
  name: string;
  count: number;
}

export type HomeData =
  | { kind: 'not_connected'; admin: boolean; admins: string[] }
  | {
      kind: 'connected';
      now: Date;
      /** YYYY-MM-DD (UTC). */
      today: string;
      connection: HomeConnection;
      /** The workspace's connection health (the connect feature's views render the banner). */
      attention: AttentionFields | null;
      sync: HomeSync;
      filters: HomeFilters;
      /** Every phase with its count under the owner and state filters, in the workspace's order. */
      phases: PhaseCount[];
      states: string[];
      /** Onboardings matching every filter. */
      total: number;
      rows: HomeRow[];
      /** The viewer has a Pivotal user mapped (else "mine" can only match the metadata). */
      viewerMapped: boolean;
      settings: HomeSettings | null;
    };

const section = (text: string, blockId?: string): SectionBlock => ({
  type: 'section',
  ...(blockId ? { block_id: blockId } : {}),
  text: mrkdwn(text),
});
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const readable = (s: string) => s.replace(/[_-]+/g, ' ').trim() || s;

export function daysInPhase(enteredAt: string, now: Date): string {
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(enteredAt)) / DAY_MS));
  if (Number.isNaN(days)) return '';
  return days === 0 ? 'entered this phase today' : `${plural(days, 'day')} in phase`;
}

export function isOverdue(row: Pick<HomeRow, 'target' | 'finished'>, today: string): boolean {
  return !row.finished && isOverdueTarget(row.target, today);
}

/** "3 minutes ago" as Slack's date token, so it stays true however long the Home stays open. */
function ago(iso: string, now: Date): string {
  return slackDate(new Date(iso), '{ago}', formatDistanceStrict(new Date(iso), now, { addSuffix: true }));
}

/** An owner no one mapped reads "not linked"; only admins, who can link it, see Pivotal's id. */
function ownerText(row: HomeRow, admin: boolean): string {
  if (row.ownerSlackIds.length > 0) return mentionList(row.ownerSlackIds).replace(/ or /, ', ');
  if (row.ownerPivotalId)
    return admin
      ? `_not linked_ (${escapeMrkdwn(truncate(row.ownerPivotalId, 40))}: link it in Settings › People)`
      : '_not linked_ (an admin can link it)';
  return '_no owner_';
}

function rowBlocks(row: HomeRow, today: string, now: Date, admin: boolean): KnownBlock[] {
  const title = `*${escapeMrkdwn(truncate(row.customerName ?? 'Unknown customer', 80))}* · #${row.displayId}${row.name ? ` · ${escapeMrkdwn(truncate(row.name, 80))}` : ''}`;
  const target = row.finished ? 'finished' : row.target ? `target ${targetInWords(row.target, today)}` : 'no target';
  const facts = [
    `Owner ${ownerText(row, admin)}`,
    `state *${escapeMrkdwn(truncate(readable(row.state), 30))}*`,
    target,
    daysInPhase(row.phaseEnteredAt, now),
  ].filter(Boolean);
  const flags = [
    isOverdue(row, today) ? ':rotating_light: Overdue' : '',
    row.state === 'paused' ? ':double_vertical_bar: Paused' : '',
    row.waiting || row.state === 'waiting' ? ':hourglass_flowing_sand: Waiting on customer' : '',
  ].filter(Boolean);
  const buttons: Button[] = [
    { type: 'button', action_id: 'move_open', text: plain('Move phase', LIMITS.buttonText), value: row.id },
    {
      type: 'button',
      action_id: CARD_ACTIONS.addContact,
      text: plain('Add contact', LIMITS.buttonText),
      value: row.customerId,
    },
  ];
  // The onboarding shows on its customer's page in Pivotal.
  if (row.customerDisplayId !== null) {
    buttons.push({
      type: 'button',
      action_id: 'home_open_in_pivotal',
      text: plain('Open in Pivotal', LIMITS.buttonText),
      url: customerPageUrl(row.customerDisplayId),
    });
  }
  return [
    section([title, facts.join(' · '), flags.join('   ')].filter(Boolean).join('\n'), `row:${row.id}`),
    { type: 'actions', block_id: `row_actions:${row.id}`, elements: buttons },
  ];
}

function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value };
}

function filterBlock(data: Extract<HomeData, { kind: 'connected' }>): ActionsBlock {
  const { filters } = data;
  const owners = [option('Everyone', 'everyone'), option('Mine', 'mine')];
  const states = [
    option('Any state', 'any'),
    option('Overdue', 'flag:overdue'),
    ...data.states.map((s) => option(readable(s), `state:${s}`)),
  ];
  const phases = [option('All phases', 'any'), ...data.phases.map((p) => option(p.name, `phase:${p.key}`))];
  const fit = (options: PlainTextOption[]) =>
    options.filter((o) => o.value!.length <= LIMITS.optionValue).slice(0, 100);
  const select = (actionId: string, placeholder: string, options: PlainTextOption[], selected: string) => {
    const kept = fit(options);
    const initial = kept.find((o) => o.value === selected) ?? kept[0]!;
    return {
      type: 'static_select' as const,
      action_id: actionId,
      placeholder: plain(placeholder, LIMITS.placeholder),
      options: kept,
      initial_option: initial,
    };
  };
  return {
    type: 'actions',
    block_id: 'home_filters',
    elements: [
      select('home_filter_owner', 'Whose onboardings', owners, filters.owner),
      select('home_filter_state', 'State', states, filters.state ?? 'any'),
      select('home_filter_phase', 'Phase', phases, filters.phase === null ? 'any' : `phase:${filters.phase}`),
    ],
  };
}

/** The viewer's own corner: their notification settings, and claiming their Pivotal id while unlinked. */
function personalBlock(viewerMapped: boolean): ActionsBlock {
  const button = (actionId: string, text: string): Button => ({
    type: 'button',
    action_id: actionId,
    text: plain(text, LIMITS.buttonText),
  });
  return {
    type: 'actions',
    block_id: 'home_personal',
    elements: [
      button(MY_NOTIFICATIONS_OPEN, 'My notifications'),
      ...(viewerMapped ? [] : [button(CLAIM_OPEN, 'These are mine')]),
    ],
  };
}

function statusLine(data: Extract<HomeData, { kind: 'connected' }>): string {
  const { connection, sync, now } = data;
  const org = connection.orgName ? `*${escapeMrkdwn(truncate(connection.orgName, 100))}*` : 'Pivotal';
  const parts = [`Connected to ${org} with key \`${escapeMrkdwn(connection.keyPrefix)}…\` (${connection.mode})`];
  if (!sync.started) parts.push('waiting for the first sync');
  else if (!sync.lastFullWalkAt)
    parts.push(`first sync in progress: ${plural(sync.onboardingsKnown, 'onboarding')} read so far`);
  else {
    if (sync.lastSyncAt) parts.push(`last sync ${ago(sync.lastSyncAt, now)}`);
    // Every row was read at or after the start of the last complete walk.
    const behindMs = now.getTime() - Date.parse(sync.lastFullWalkAt) + (sync.lagMs ?? 0);
    parts.push(`at most ${formatDistanceStrict(now.getTime() - behindMs, now)} behind Pivotal`);
  }
  if (sync.webhookLastSeenAt) parts.push(`webhook updates (last ${ago(sync.webhookLastSeenAt, now)})`);
  return parts.join(' · ');
}

function boardBlocks(data: Extract<HomeData, { kind: 'connected' }>): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const countsText = data.phases
    .filter((p) => p.count > 0 || data.filters.phase === null || p.key === data.filters.phase)
    .map((p) => `${escapeMrkdwn(truncate(p.name, 60))} *${p.count.toLocaleString('en-US')}*`)
    .join('  ·  ');
  const all = data.phases.reduce((n, p) => n + p.count, 0);
  blocks.push(
    section(
      `${plural(all, 'onboarding')}${data.filters.owner === 'mine' || data.filters.state ? ' match these filters' : ''}\n${countsText}`,
      'home_counts',
    ),
  );
  blocks.push({ type: 'divider' });

  if (data.rows.length === 0) {
    const hint =
      data.filters.owner === 'mine' && !data.viewerMapped
        ? '\nYou have no Pivotal user mapped yet, so "Mine" only finds onboardings opened for you from Slack. An admin can map you under Settings.'
        : '';
    blocks.push(section(`_No onboardings match these filters._${hint}`, 'home_empty'));
    return blocks;
  }
  const countOf = new Map(data.phases.map((p) => [p.key, p.count]));
  let group: string | undefined;
  for (const row of data.rows) {
    if (row.phase !== group) {
      group = row.phase;
      const continued = row === data.rows[0] && data.filters.offset > 0;
      blocks.push(
        section(
          `*${escapeMrkdwn(truncate(row.phaseName, 100))}* — ${plural(countOf.get(row.phase) ?? 0, 'onboarding')}${continued ? ' (continued)' : ''}`,
          `phase:${truncate(row.phase, 200)}`,
        ),
      );
    }
    blocks.push(...rowBlocks(row, data.today, data.now, data.settings !== null));
  }
  const first = data.filters.offset + 1;
  const last = data.filters.offset + data.rows.length;
  const paging: Button[] = [];
  if (data.filters.offset > 0)
    paging.push({
      type: 'button',
      action_id: 'home_page_prev',
      text: plain('◀ Previous', LIMITS.buttonText),
      value: String(Math.max(0, data.filters.offset - PAGE_ROWS)),
    });
  if (last < data.total)
    paging.push({
      type: 'button',
      action_id: 'home_page_next',
      text: plain('Next ▶', LIMITS.buttonText),
      value: String(last),
    });
  blocks.push({
    type: 'context',
    block_id: 'home_paging_info',
    elements: [
      mrkdwn(
        `Showing ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')} of ${data.total.toLocaleString('en-US')}`,
      ),
    ],
  });
  if (paging.length) blocks.push({ type: 'actions', block_id: 'home_paging', elements: paging });
  return blocks;
}

/** Offered with a test key only: with a live key the records it finds would be production ones. */
const testRecordsSetting: SectionBlock = {
  type: 'section',
  block_id: 'home_settings_test_records',
  text: mrkdwn(
    '*Test records*\nSoft-delete every customer, contact and onboarding this app created here with the test key.',
  ),
  accessory: {
    type: 'button',
    action_id: TEST_RECORDS_OPEN,
    text: plain('Remove test records', LIMITS.buttonText),
    style: 'danger',
  },
};

function settingsBlocks(data: Extract<HomeData, { kind: 'connected' }>, settings: HomeSettings): KnownBlock[] {
  const { sync, now } = data;
  const phases = settings.phaseNames.map((n) => escapeMrkdwn(truncate(n, 60))).join(' → ');
  // Pivotal documents outbound webhooks as a preview, not yet public, and says to poll: polling is the
  // way, and the receiver is an opt-in for a workspace Pivotal has given a signing secret.
  const webhook = sync.webhookConfigured
    ? `*On.* Signed deliveries to \`${escapeMrkdwn(settings.webhookPath)}\` on this app's address are applied at once; polling goes on as before.`
    : `*Off* (nothing to set up): the app keeps current by polling Pivotal. Pivotal's webhooks are a preview, not yet public; if Pivotal has given you a webhook signing secret (\`whsec_…\`), you can turn on the receiver at \`${escapeMrkdwn(settings.webhookPath)}\` on this app's address.`;
  const status = [
    sync.lastFullWalkAt
      ? `Last complete sync ${ago(sync.lastFullWalkAt, now)}${sync.lagMs !== null ? ` (it took ${formatDistanceStrict(0, sync.lagMs)})` : ''}`
      : 'The first complete sync has not finished yet',
    `${plural(sync.onboardingsKnown, 'onboarding')} in the local copy`,
    sync.lastError && sync.lastErrorAt
      ? `:warning: the last attempt ${ago(sync.lastErrorAt, now)} failed: ${escapeMrkdwn(truncate(sync.lastError, 400))}`
      : '',
  ].filter(Boolean);
  return [
    { type: 'divider' },
    { type: 'header', text: plain('Settings (admins)', LIMITS.headerText) },
    {
      type: 'section',
      block_id: 'home_settings_channel',
      text: mrkdwn(
        '*Notification channel*\nEach onboarding gets one post there, with its phase changes in the thread.',
      ),
      accessory: {
        type: 'conversations_select',
        action_id: 'home_notify_channel',
        placeholder: plain('Pick a channel', LIMITS.placeholder),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(settings.notifyChannel ? { initial_conversation: settings.notifyChannel } : {}),
      },
    },
    {
      type: 'section',
      block_id: 'home_settings_subscriptions',
      text: mrkdwn(
        truncate(
          `*Channel subscriptions*\n${settings.subscriptions.length ? subscriptionLines(settings.subscriptions).join('\n') : '_None yet._ In any channel, `/pivotal subscribe phase:launch -state:paused` chooses what it hears.'}`,
          LIMITS.sectionText,
        ),
      ),
    },
    {
      type: 'section',
      block_id: 'home_settings_phases',
      text: mrkdwn(`*Phase sequence*\n${phases || '_none_'}`),
      accessory: { type: 'button', action_id: 'phases_open', text: plain('Edit phases', LIMITS.buttonText) },
    },
    {
      type: 'section',
      block_id: 'home_settings_users',
      text: mrkdwn(
        `*People*\n${plural(settings.mappings, 'person', 'people')} mapped. Pivotal has no users API, so owners, "Mine" and owners' DMs rely on this.`,
      ),
      accessory: {
        type: 'button',
        action_id: PEOPLE_OPEN,
        text: plain('People', LIMITS.buttonText),
      },
    },
    {
      type: 'section',
      block_id: 'home_settings_webhooks',
      text: mrkdwn(`*Webhooks (preview)*\n${webhook}`),
      accessory: {
        type: 'button',
        action_id: 'home_webhook_open',
        text: plain(sync.webhookConfigured ? 'Change or turn off' : 'Turn on', LIMITS.buttonText),
      },
    },
    ...(data.connection.mode === 'test' ? [testRecordsSetting] : []),
    {
      type: 'context',
      block_id: `${VOLATILE_BLOCK_PREFIX}sync_details`,
      elements: [mrkdwn(`*Sync:* ${status.join(' · ')}`)],
    },
  ];
}

export function homeView(data: HomeData): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Onboarding pipeline', LIMITS.headerText) }];
  if (data.kind === 'not_connected') {
    blocks.push(...notConnectedBlocks({ isAdmin: data.admin, admins: data.admins }));
    return { type: 'home', callback_id: 'pivotal_home', blocks };
  }
  blocks.push(...testKeyLabelBlock(data.connection.mode));
  if (data.attention) blocks.push(...attentionBanner(data.attention));
  blocks.push({ type: 'context', block_id: `${VOLATILE_BLOCK_PREFIX}status`, elements: [mrkdwn(statusLine(data))] });
  blocks.push(filterBlock(data));
  blocks.push(personalBlock(data.viewerMapped));
  blocks.push(...boardBlocks(data));
  if (data.settings) blocks.push(...settingsBlocks(data, data.settings));
  return { type: 'home', callback_id: 'pivotal_home', blocks };
}

export function webhookSecretModal(opts: { path: string; configured: boolean; mode: KeyMode | null }): ModalView {
  return {
    type: 'modal',
    callback_id: 'home_webhook_secret',
    title: plain('Webhooks (preview)', LIMITS.modalTitle),
    submit: plain(opts.configured ? 'Save' : 'Turn on', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      section(
        `Pivotal documents its outbound webhooks as a preview that is not yet public, so the app keeps current by polling whether this is on or off. Turn it on only if Pivotal has given you a webhook signing secret: deliveries then go to this app's public address followed by \`${escapeMrkdwn(opts.path)}\`, and only those signed with the secret are accepted.`,
      ),
      {
        type: 'input',
        block_id: 'webhook_secret',
        optional: opts.configured,
        label: plain('Signing secret', 2000),
        ...(opts.configured
          ? {
              hint: plain(
                'A secret is saved. Paste a new one to replace it, or leave this empty to turn the receiver off.',
                2000,
              ),
            }
          : {}),
        element: { type: 'plain_text_input', action_id: 'secret', placeholder: plain('whsec_…', LIMITS.placeholder) },
      },
    ],
  };
}

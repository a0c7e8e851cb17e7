import type { ActionsBlock, Button, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { mentionList } from '../../security/permissions.js';
import type { WorkspaceRow } from '../../store/schema.js';
import { slackDate } from '../../views/slack-date.js';
import { testKeyLabelBlock, testKeyPrefix } from '../../views/test-key-label.js';
import { escapeMrkdwn, LIMITS, mrkdwn, plain, truncate } from '../../views/text.js';
import { PENDING_SWITCH_TTL_MS } from '../../store/pending-key-switches.js';
import type { KeyMode } from '../../domain/key-mode.js';

/** Pure views of connecting: connect modal, its results, status, disconnect, the not-connected reply. */

export const CONNECT_OPEN_ACTION = 'connect_open';
export const CONNECT_CALLBACK = 'connect_submit';
export const SWITCH_CALLBACK = 'connect_switch_confirm';
export const DISCONNECT_CONFIRM_ACTION = 'connect_disconnect_confirm';
export const DISCONNECT_CANCEL_ACTION = 'connect_disconnect_cancel';
export const KEY_BLOCK = 'api_key';
export const KEY_ACTION = 'value';

/** Who the workspace talks to Pivotal as: a stored connection, or PIVOTAL_API_KEY in single-workspace mode. */
export interface ConnectionState {
  source: 'stored' | 'bootstrap';
  keyPrefix: string;
  keyName: string | null;
  mode: KeyMode;
  orgName: string | null;
  orgSlug: string | null;
  connectedBy: string | null;
  connectedAt: string | null;
  lastSuccessAt: string | null;
  needsAttention: string | null;
  attentionSince: string | null;
}

/** A key as Pivotal's /me described it. `reportedMode` only when /me stated one. */
export interface CheckedKey {
  keyPrefix: string;
  keyName: string | null;
  mode: KeyMode;
  reportedMode: KeyMode | null;
  orgName: string | null;
  orgSlug: string | null;
}

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

export type AttentionFields = Pick<WorkspaceRow, 'needs_attention' | 'attention_since' | 'pivotal_key_prefix'>;

function attentionFields(state: ConnectionState): AttentionFields {
  return {
    needs_attention: state.needsAttention,
    attention_since: state.attentionSince,
    pivotal_key_prefix: state.keyPrefix,
  };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function connectButton(text = 'Connect Pivotal'): Button {
  return { type: 'button', action_id: CONNECT_OPEN_ACTION, text: plain(text, LIMITS.buttonText), style: 'primary' };
}

/** Slack renders this in each reader's own time zone; the ISO text is the fallback. */

/** Shown in each reader's own zone by Slack; the fallback (old clients, notifications) says its zone. */
function dateTime(iso: string): string {
  const date = new Date(iso);
  return slackDate(date, '{date_short_pretty} at {time}', date.toUTCString().replace('GMT', 'UTC'));
}

function orgText(name: string | null, slug: string | null): string {
  if (!name && !slug) return '_not reported by Pivotal_';
  const shownName = name ? `*${escapeMrkdwn(name)}*` : '';
  const shownSlug = slug ? `\`${escapeMrkdwn(slug)}\`` : '';
  return [shownName, shownSlug ? (name ? `(${shownSlug})` : shownSlug) : ''].filter(Boolean).join(' ');
}

function keyText(prefix: string, name: string | null): string {
  return `\`${escapeMrkdwn(prefix)}…\`${name ? ` “${escapeMrkdwn(name)}”` : ''}`;
}

function modeText(mode: KeyMode): string {
  return mode === 'test' ? 'Test (`pivotal_test_…`)' : 'Live';
}

/**
 * The prefix is the documented way to tell the mode and is what the app acts on (labels, metadata);
 * when /me states another mode the two are shown side by side instead of one silently winning.
 */
export function modeDisagreement(mode: KeyMode, reportedMode: KeyMode | null): string | null {
  if (!reportedMode || reportedMode === mode) return null;
  return (
    `:warning: The key's prefix says *${mode}* but Pivotal's \`/me\` says *${reportedMode}*. ` +
    `This app goes by the prefix (test labels, \`metadata.test\` on new records). Check the key under *Admin › API Keys* in Pivotal.`
  );
}

function attentionReason(code: string): string {
  if (code === 'api_key_revoked') return 'the key was revoked in Pivotal';
  return `Pivotal refused the key (\`${escapeMrkdwn(code)}\`)`;
}

function attentionText(row: AttentionFields): string | null {
  if (!row.needs_attention) return null;
  const since = row.attention_since ? ` since ${dateTime(row.attention_since)}` : '';
  const key = row.pivotal_key_prefix ? ` (key \`${escapeMrkdwn(row.pivotal_key_prefix)}…\`)` : '';
  return (
    `:rotating_light: *The Pivotal connection needs attention*${since}: ${attentionReason(row.needs_attention)}${key}. ` +
    'Nothing reaches Pivotal until an admin connects a working key.'
  );
}

/** The Home banner (and the status one): nothing while the connection is healthy. */
export function attentionBanner(row: AttentionFields): KnownBlock[] {
  const text = attentionText(row);
  if (!text) return [];
  return [
    section(text),
    { type: 'actions', block_id: 'connect_attention', elements: [connectButton('Connect a new key')] },
  ];
}

/**
 * For every feature that needs Pivotal and finds the workspace not connected: admins get the button,
 * everyone else learns whom to ask.
 */
export function notConnectedBlocks(opts: { isAdmin: boolean; admins: readonly string[] }): KnownBlock[] {
  if (opts.isAdmin) {
    return [
      section(
        ':electric_plug: This Slack workspace is not connected to Pivotal yet. Connect it with a Pivotal API key (you need one from *Admin › API Keys* in Pivotal).',
      ),
      { type: 'actions', block_id: 'connect_not_connected', elements: [connectButton()] },
    ];
  }
  return [
    section(
      `:electric_plug: This Slack workspace is not connected to Pivotal yet. Ask ${mentionList(opts.admins)} to connect it with \`/pivotal connect\`.`,
    ),
  ];
}

export function notConnectedMessage(opts: { isAdmin: boolean; admins: readonly string[] }): Message {
  return { text: 'This Slack workspace is not connected to Pivotal yet.', blocks: notConnectedBlocks(opts) };
}

export function connectModal(current: ConnectionState | null): ModalView {
  const intro =
    current?.source === 'stored'
      ? `This workspace is connected to ${orgText(current.orgName, current.orgSlug)} with the key ${keyText(current.keyPrefix, current.keyName)} (${modeText(current.mode)}). ` +
        'A new key replaces it only once Pivotal accepts it; a key of another Pivotal organization asks you to confirm first.'
      : current?.source === 'bootstrap'
        ? `This workspace uses the key \`${escapeMrkdwn(current.keyPrefix)}…\` from the server's \`PIVOTAL_API_KEY\`. A key connected here takes its place.`
        : 'Paste a Pivotal API key to connect this Slack workspace. Create one in Pivotal under *Admin › API Keys*; Pivotal shows it once.';
  const attention = current ? attentionText(attentionFields(current)) : null;
  return {
    type: 'modal',
    callback_id: CONNECT_CALLBACK,
    title: plain('Connect Pivotal', LIMITS.modalTitle),
    submit: plain('Check & connect', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(current?.mode),
      ...(attention ? [section(attention)] : []),
      section(intro),
      {
        type: 'input',
        block_id: KEY_BLOCK,
        label: plain('Pivotal API key'),
        hint: plain(
          'Pivotal checks the key before anything is saved. It is stored encrypted and only its prefix is ever shown again. A pivotal_test_… key connects in test mode.',
          LIMITS.fieldText,
        ),
        element: {
          type: 'plain_text_input',
          action_id: KEY_ACTION,
          placeholder: plain('pivotal_… or pivotal_test_…', LIMITS.placeholder),
        },
      },
    ],
  };
}

function keyFields(key: CheckedKey): SectionBlock {
  return {
    type: 'section',
    fields: [
      mrkdwn(`*Organization*\n${orgText(key.orgName, key.orgSlug)}`, LIMITS.fieldText),
      mrkdwn(`*Key*\n${keyText(key.keyPrefix, key.keyName)}`, LIMITS.fieldText),
      mrkdwn(`*Mode*\n${modeText(key.mode)}`, LIMITS.fieldText),
    ],
  };
}

export type ConnectOutcome =
  | { kind: 'connected' }
  | { kind: 'rotated'; previousPrefix: string }
  | { kind: 'switched'; previousPrefix: string; previousOrgName: string | null; previousOrgSlug: string | null };

export function connectedView(key: CheckedKey, outcome: ConnectOutcome): ModalView {
  const headline =
    outcome.kind === 'switched'
      ? `:white_check_mark: *Switched* from ${orgText(outcome.previousOrgName, outcome.previousOrgSlug)} to ${orgText(key.orgName, key.orgSlug)}.`
      : outcome.kind === 'rotated'
        ? outcome.previousPrefix === key.keyPrefix
          ? ':white_check_mark: *Key checked again* and kept.'
          : ':white_check_mark: *Key replaced.* Pivotal accepted the new key, and the app uses it from now on.'
        : ':white_check_mark: *Connected to Pivotal.*';
  const disagreement = modeDisagreement(key.mode, key.reportedMode);
  const replaced = outcome.kind !== 'connected' && outcome.previousPrefix !== key.keyPrefix;
  return {
    type: 'modal',
    callback_id: 'connect_done',
    title: plain('Pivotal connected', LIMITS.modalTitle),
    close: plain('Done', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(key.mode),
      section(headline),
      keyFields(key),
      ...(disagreement ? [section(disagreement)] : []),
      ...(replaced
        ? [
            {
              type: 'context' as const,
              elements: [
                mrkdwn(
                  `The previous key \`${escapeMrkdwn(outcome.previousPrefix)}…\` is forgotten here. It stays valid in Pivotal until you revoke it under *Admin › API Keys*, if nothing else uses it.`,
                ),
              ],
            },
          ]
        : []),
    ],
  };
}

export function switchConfirmView(opts: { switchId: string; current: ConnectionState; next: CheckedKey }): ModalView {
  const { current, next } = opts;
  const from = orgText(current.orgName, current.orgSlug);
  const to = orgText(next.orgName, next.orgSlug);
  const disagreement = modeDisagreement(next.mode, next.reportedMode);
  return {
    type: 'modal',
    callback_id: SWITCH_CALLBACK,
    private_metadata: JSON.stringify({ switchId: opts.switchId }),
    notify_on_close: true,
    title: plain('Switch organization?', LIMITS.modalTitle),
    submit: plain('Switch', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(next.mode),
      section(
        `:warning: *This key belongs to another Pivotal organization.* Pivotal accepted it, but nothing has changed yet.`,
      ),
      {
        type: 'section',
        fields: [
          mrkdwn(
            `*Connected now*\n${from}\n${keyText(current.keyPrefix, current.keyName)} · ${modeText(current.mode)}`,
            LIMITS.fieldText,
          ),
          mrkdwn(
            `*This key*\n${to}\n${keyText(next.keyPrefix, next.keyName)} · ${modeText(next.mode)}`,
            LIMITS.fieldText,
          ),
        ],
      },
      section(
        `If you switch, everything in this Slack workspace reads and writes ${to} from now on; the customers and onboardings of ${from} are no longer reached from Slack. ` +
          `The key of ${from} is forgotten here (revoke it in Pivotal if nothing else uses it). Cancel keeps ${from}.`,
      ),
      ...(disagreement ? [section(disagreement)] : []),
    ],
  };
}

export function switchExpiredView(mode: KeyMode | null): ModalView {
  return {
    type: 'modal',
    callback_id: 'connect_done',
    title: plain('Connect Pivotal', LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [
      ...testKeyLabelBlock(mode),
      section(
        `This confirmation is no longer valid (it expires after ${PENDING_SWITCH_TTL_MS / 60_000} minutes, or was already used). Nothing was changed. Run \`/pivotal connect\` again to switch.`,
      ),
    ],
  };
}

export type LiveCheck =
  | { ok: true; reportedMode: KeyMode | null; orgName: string | null; orgSlug: string | null }
  | { ok: false; problem: string };

/**
 * `/pivotal status`. Where the key comes from is an operator's matter when the server holds it: only
 * admins read that; everyone else reads who connected it, or nothing.
 */
export function statusMessage(state: ConnectionState, check: LiveCheck, viewer: { isAdmin: boolean }): Message {
  const healthy = check.ok && !state.needsAttention;
  const source =
    state.source === 'bootstrap'
      ? viewer.isAdmin
        ? "the server's `PIVOTAL_API_KEY` (single-workspace mode)"
        : null
      : `connected${state.connectedBy ? ` by <@${state.connectedBy}>` : ''}${state.connectedAt ? ` on ${dateTime(state.connectedAt)}` : ''}`;
  const orgName = check.ok ? (check.orgName ?? state.orgName) : state.orgName;
  const orgSlug = check.ok ? (check.orgSlug ?? state.orgSlug) : state.orgSlug;
  const disagreement = check.ok ? modeDisagreement(state.mode, check.reportedMode) : null;
  const blocks: KnownBlock[] = [
    ...testKeyLabelBlock(state.mode),
    ...attentionBanner(attentionFields(state)),
    section(`*Pivotal connection:* ${healthy ? ':large_green_circle: working' : ':red_circle: not working'}`),
    {
      type: 'section',
      fields: [
        mrkdwn(`*Organization*\n${orgText(orgName, orgSlug)}`, LIMITS.fieldText),
        mrkdwn(`*Key*\n${keyText(state.keyPrefix, state.keyName)}`, LIMITS.fieldText),
        mrkdwn(`*Mode*\n${modeText(state.mode)}`, LIMITS.fieldText),
        ...(source ? [mrkdwn(`*Key source*\n${source}`, LIMITS.fieldText)] : []),
        mrkdwn(
          `*Last successful call before this check*\n${state.lastSuccessAt ? dateTime(state.lastSuccessAt) : 'none recorded'}`,
          LIMITS.fieldText,
        ),
        mrkdwn(
          `*Checked just now*\n${check.ok ? ':white_check_mark: Pivotal accepted the key' : `:x: ${truncate(check.problem, 1500)}`}`,
          LIMITS.fieldText,
        ),
      ],
    },
    ...(disagreement ? [section(disagreement)] : []),
  ];
  const text = `${testKeyPrefix(state.mode)}Pivotal connection ${healthy ? 'working' : 'not working'}: ${state.orgName ?? state.orgSlug ?? 'organization unknown'}, key ${state.keyPrefix}…, ${state.mode} mode.`;
  return { text, blocks };
}

export function attentionDm(opts: {
  reason: string;
  keyPrefix: string;
  mode: KeyMode;
  orgName: string | null;
  orgSlug: string | null;
}): Message {
  const what = `Pivotal stopped accepting this Slack workspace's API key \`${escapeMrkdwn(opts.keyPrefix)}…\` for ${orgText(opts.orgName, opts.orgSlug)}: ${attentionReason(opts.reason)}.`;
  return {
    text: `${testKeyPrefix(opts.mode)}Pivotal stopped accepting this workspace's API key (${opts.keyPrefix}…). Connect a new key with /pivotal connect.`,
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      section(`:rotating_light: ${what}`),
      section(
        'Nothing in Slack reaches Pivotal until an admin connects a working key. You get this message once; the app Home shows the state until it is fixed.',
      ),
      { type: 'actions', block_id: 'connect_attention_dm', elements: [connectButton('Connect a new key')] },
    ],
  };
}

/** To the admins: `/me` states another mode than the key's prefix (at start-up, or when a key was connected). */
export function modeMismatchDm(opts: {
  keyPrefix: string;
  mode: KeyMode;
  reportedMode: KeyMode;
  orgSlug: string | null;
  source: ConnectionState['source'];
}): Message {
  const where = opts.source === 'bootstrap' ? "the server's `PIVOTAL_API_KEY`" : 'the key connected in Slack';
  const what = `Pivotal's \`/me\` reports ${where} \`${escapeMrkdwn(opts.keyPrefix)}…\`${opts.orgSlug ? ` for \`${escapeMrkdwn(opts.orgSlug)}\`` : ''} as a *${opts.reportedMode}* key.`;
  return {
    text: `${testKeyPrefix(opts.mode)}Pivotal reports the key ${opts.keyPrefix}… as ${opts.reportedMode}, but its prefix says ${opts.mode}. Check the key.`,
    blocks: [
      ...testKeyLabelBlock(opts.mode),
      section(`:warning: ${what}`),
      section(modeDisagreement(opts.mode, opts.reportedMode)!),
    ],
  };
}

function disconnectConfirmMessage(state: ConnectionState, connectedAt: string): Message {
  const blocks: KnownBlock[] = [
    ...testKeyLabelBlock(state.mode),
    section(
      `Disconnect this Slack workspace from ${orgText(state.orgName, state.orgSlug)} (key ${keyText(state.keyPrefix, state.keyName)})? ` +
        'The app forgets the key; nothing in Slack reaches Pivotal until an admin connects again. The key stays valid in Pivotal until you revoke it there.',
    ),
    {
      type: 'actions',
      block_id: 'connect_disconnect',
      elements: [
        {
          type: 'button',
          action_id: DISCONNECT_CONFIRM_ACTION,
          style: 'danger',
          text: plain('Disconnect', LIMITS.buttonText),
          value: connectedAt,
        },
        { type: 'button', action_id: DISCONNECT_CANCEL_ACTION, text: plain('Keep it', LIMITS.buttonText) },
      ],
    } satisfies ActionsBlock,
  ];
  return { text: `${testKeyPrefix(state.mode)}Disconnect this workspace from Pivotal?`, blocks };
}

export type DisconnectPlan =
  | { kind: 'not-connected' }
  | { kind: 'bootstrap-only'; state: ConnectionState }
  | { kind: 'confirm'; state: ConnectionState; connectedAt: string };

export type DisconnectResult =
  | { kind: 'not-connected' }
  | { kind: 'changed'; mode: KeyMode | null }
  | { kind: 'disconnected'; forgottenPrefix: string; mode: KeyMode; fallbackPrefix: string | null };

export function disconnectPlanMessage(plan: DisconnectPlan): Message {
  if (plan.kind === 'not-connected')
    return plainMessage(null, 'This workspace is not connected to Pivotal, so there is nothing to disconnect.');
  if (plan.kind === 'bootstrap-only') {
    return plainMessage(
      plan.state.mode,
      `No key was connected in Slack: this workspace uses \`${escapeMrkdwn(plan.state.keyPrefix)}…\` from the server's \`PIVOTAL_API_KEY\`. Remove that variable from the server's environment to disconnect.`,
    );
  }
  return disconnectConfirmMessage(plan.state, plan.connectedAt);
}

export function disconnectResultMessage(result: DisconnectResult): Message {
  if (result.kind === 'disconnected') return disconnectedMessage(result);
  if (result.kind === 'changed') {
    return plainMessage(
      result.mode,
      'The Pivotal connection changed after this confirmation was shown (a key was connected since), so nothing was disconnected. Run `/pivotal disconnect` again.',
    );
  }
  return plainMessage(null, 'This workspace is not connected to Pivotal any more; nothing to disconnect.');
}

function disconnectedMessage(opts: { forgottenPrefix: string; mode: KeyMode; fallbackPrefix: string | null }): Message {
  const fallback = opts.fallbackPrefix
    ? ` This server also has \`PIVOTAL_API_KEY\` (\`${escapeMrkdwn(opts.fallbackPrefix)}…\`) in its environment, so the workspace now uses that key; remove the variable to disconnect completely.`
    : '';
  const text = `Disconnected from Pivotal. The key \`${escapeMrkdwn(opts.forgottenPrefix)}…\` is forgotten here; revoke it in Pivotal under *Admin › API Keys* if nothing else uses it.${fallback}`;
  return {
    text: `${testKeyPrefix(opts.mode)}Disconnected from Pivotal.`,
    blocks: [...testKeyLabelBlock(opts.mode), section(`:electric_plug: ${text}`)],
  };
}

function plainMessage(mode: KeyMode | null, text: string): Message {
  return { text: `${testKeyPrefix(mode)}${text}`, blocks: [...testKeyLabelBlock(mode), section(text)] };
}

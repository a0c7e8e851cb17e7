import { createHmac, randomBytes } from 'node:crypto';

/**
 * Builds and signs requests exactly as Slack sends them to `/slack/events` (docs/slack-notes.md):
 * `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`, form-encoded commands and interactivity
 * (a single `payload` field), JSON events. Shared by the test harness and the sandbox page.
 */

export interface SlackUserRef {
  id: string;
  name?: string;
  teamId?: string;
}

export interface SlackTeamRef {
  id: string;
  domain?: string;
  enterpriseId?: string;
}

export interface SignedResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface SendOptions {
  /** Override the signing timestamp (epoch seconds), e.g. to test stale or future requests. */
  timestamp?: number;
  /** Sign with another secret (forged requests). */
  signingSecret?: string;
  /** Replace the signature header entirely. */
  signature?: string | null;
  headers?: Record<string, string>;
}

export function signSlackBody(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function randomTriggerId(): string {
  return `${Date.now()}.${randomBytes(6).toString('hex')}`;
}

export class SlackRequestSender {
  constructor(
    private readonly eventsUrl: string,
    private readonly signingSecret: string,
  ) {}

  async send(body: string, contentType: string, opts: SendOptions = {}): Promise<SignedResponse> {
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      ...opts.headers,
    };
    const signature =
      opts.signature === undefined
        ? signSlackBody(opts.signingSecret ?? this.signingSecret, timestamp, body)
        : opts.signature;
    if (signature !== null) headers['x-slack-signature'] = signature;
    const res = await fetch(this.eventsUrl, { method: 'POST', headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  sendForm(fields: Record<string, string>, opts?: SendOptions): Promise<SignedResponse> {
    return this.send(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', opts);
  }

  sendPayload(payload: Record<string, unknown>, opts?: SendOptions): Promise<SignedResponse> {
    return this.sendForm({ payload: JSON.stringify(payload) }, opts);
  }

  sendEvent(envelope: Record<string, unknown>, opts?: SendOptions): Promise<SignedResponse> {
    return this.send(JSON.stringify(envelope), 'application/json', opts);
  }
}

export interface CommandInput {
  text: string;
  user: SlackUserRef;
  team: SlackTeamRef;
  channelId?: string;
  channelName?: string;
  responseUrl: string;
  triggerId?: string;
  command?: string;
}

export function slashCommandFields(input: CommandInput): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: input.team.id,
    team_domain: input.team.domain ?? 'sandbox',
    ...(input.team.enterpriseId ? { enterprise_id: input.team.enterpriseId, enterprise_name: 'Grid' } : {}),
    channel_id: input.channelId ?? 'C0GENERAL',
    channel_name: input.channelName ?? 'general',
    user_id: input.user.id,
    user_name: input.user.name ?? input.user.id.toLowerCase(),
    command: input.command ?? '/pivotal',
    text: input.text,
    api_app_id: 'A0PIVOTAL',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? randomTriggerId(),
  };
}

function teamAndUser(team: SlackTeamRef, user: SlackUserRef) {
  return {
    team: { id: team.id, domain: team.domain ?? 'sandbox' },
    ...(team.enterpriseId ? { enterprise: { id: team.enterpriseId, name: 'Grid' } } : { enterprise: null }),
    is_enterprise_install: false,
    user: {
      id: user.id,
      username: user.name ?? user.id.toLowerCase(),
      name: user.name ?? user.id.toLowerCase(),
      team_id: user.teamId ?? team.id,
    },
    api_app_id: 'A0PIVOTAL',
    token: 'legacy-verification-token',
  };
}

/** The view object Slack echoes back in interaction payloads. */
export interface EchoedView {
  id: string;
  hash?: string;
  type?: 'modal' | 'home';
  callback_id?: string;
  private_metadata?: string;
  external_id?: string;
  blocks?: unknown[];
  title?: unknown;
  state?: { values: Record<string, Record<string, unknown>> };
  root_view_id?: string;
  previous_view_id?: string | null;
}

export function viewSubmissionPayload(
  team: SlackTeamRef,
  user: SlackUserRef,
  view: EchoedView,
): Record<string, unknown> {
  return {
    type: 'view_submission',
    ...teamAndUser(team, user),
    trigger_id: randomTriggerId(),
    view: {
      type: 'modal',
      team_id: team.id,
      app_id: 'A0PIVOTAL',
      bot_id: 'BBOT',
      root_view_id: view.root_view_id ?? view.id,
      previous_view_id: view.previous_view_id ?? null,
      private_metadata: '',
      hash: view.hash ?? `${Date.now()}.abc`,
      state: { values: {} },
      ...view,
    },
    response_urls: [],
  };
}

export function viewClosedPayload(team: SlackTeamRef, user: SlackUserRef, view: EchoedView): Record<string, unknown> {
  return {
    type: 'view_closed',
    ...teamAndUser(team, user),
    view: { type: 'modal', state: { values: {} }, ...view },
    is_cleared: false,
  };
}

export interface ActionInput {
  action_id: string;
  block_id?: string;
  type?: string;
  value?: string;
  selected_option?: { text: { type: 'plain_text'; text: string }; value: string };
  selected_date?: string;
  selected_user?: string;
  selected_conversation?: string;
  selected_channel?: string;
}

export function blockActionsPayload(
  team: SlackTeamRef,
  user: SlackUserRef,
  action: ActionInput,
  container:
    | { kind: 'view'; view: EchoedView }
    | { kind: 'message'; channelId: string; messageTs: string; responseUrl: string; message?: Record<string, unknown> },
): Record<string, unknown> {
  const base = {
    type: 'block_actions',
    ...teamAndUser(team, user),
    trigger_id: randomTriggerId(),
    actions: [
      {
        type: action.type ?? 'button',
        block_id: action.block_id ?? 'b',
        action_ts: String(Date.now() / 1000),
        ...action,
      },
    ],
  };
  if (container.kind === 'view') {
    return {
      ...base,
      container: { type: 'view', view_id: container.view.id },
      view: { type: 'modal', state: { values: {} }, private_metadata: '', hash: `${Date.now()}.h`, ...container.view },
    };
  }
  return {
    ...base,
    container: {
      type: 'message',
      message_ts: container.messageTs,
      channel_id: container.channelId,
      is_ephemeral: false,
    },
    channel: { id: container.channelId, name: 'channel' },
    message: container.message ?? { ts: container.messageTs, text: '' },
    response_url: container.responseUrl,
  };
}

export function blockSuggestionPayload(
  team: SlackTeamRef,
  user: SlackUserRef,
  input: { action_id: string; block_id: string; value: string; view?: EchoedView },
): Record<string, unknown> {
  return {
    type: 'block_suggestion',
    ...teamAndUser(team, user),
    action_id: input.action_id,
    block_id: input.block_id,
    value: input.value,
    ...(input.view
      ? {
          container: { type: 'view', view_id: input.view.id },
          view: { type: 'modal', state: { values: {} }, ...input.view },
        }
      : {}),
  };
}

export function eventEnvelope(
  team: SlackTeamRef,
  event: Record<string, unknown>,
  eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: team.id,
    ...(team.enterpriseId ? { enterprise_id: team.enterpriseId } : {}),
    api_app_id: 'A0PIVOTAL',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: team.enterpriseId ?? null,
        team_id: team.id,
        user_id: 'UBOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    event,
  };
}

/** A global shortcut, from the composer's shortcuts menu. */
export function globalShortcutPayload(
  team: SlackTeamRef,
  user: SlackUserRef,
  callbackId: string,
): Record<string, unknown> {
  return { type: 'shortcut', ...teamAndUser(team, user), callback_id: callbackId, trigger_id: randomTriggerId() };
}

export interface ShortcutMessage {
  channelId: string;
  ts: string;
  text: string;
  user?: string;
  threadTs?: string;
}

/** A message shortcut, from a message's "⋯" menu. */
export function messageShortcutPayload(
  team: SlackTeamRef,
  user: SlackUserRef,
  callbackId: string,
  message: ShortcutMessage,
  responseUrl: string,
): Record<string, unknown> {
  return {
    type: 'message_action',
    ...teamAndUser(team, user),
    callback_id: callbackId,
    trigger_id: randomTriggerId(),
    action_ts: `${Date.now() / 1000}`,
    message_ts: message.ts,
    channel: { id: message.channelId, name: 'general' },
    message: {
      type: 'message',
      user: message.user ?? 'U0SOMEONE',
      ts: message.ts,
      text: message.text,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    response_url: responseUrl,
  };
}

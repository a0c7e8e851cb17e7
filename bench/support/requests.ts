import { randomBytes } from 'node:crypto';
import { blockActionsPayload, eventEnvelope, signSlackBody, slashCommandFields, type SlackTeamRef } from '../../sandbox/slack-requests.js';
import { BENCH_ACTION_ID } from './protocol.js';
import type { SignedRequest } from './load.js';

/**
 * Signed Slack requests for the load generator, built with the same payload builders as the tests.
 * A signature stays valid for Slack's five-minute window, so one signed request can be replayed for a
 * whole run: neither Bolt nor the app remembers interaction payloads (events are deduplicated by id,
 * so each event gets its own).
 */

const FORM = 'application/x-www-form-urlencoded';
const USER = { id: 'U0BENCH01', name: 'bench' };

function signed(secret: string, body: string, contentType: string): SignedRequest {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackBody(secret, timestamp, body) },
  };
}

export function commandRequest(secret: string, team: SlackTeamRef, text: string, responseUrl: string): SignedRequest {
  return signed(secret, new URLSearchParams(slashCommandFields({ text, user: USER, team, responseUrl })).toString(), FORM);
}

export function actionRequest(secret: string, team: SlackTeamRef, responseUrl: string): SignedRequest {
  const payload = blockActionsPayload(team, USER, { action_id: BENCH_ACTION_ID, value: 'x' }, { kind: 'message', channelId: 'C0BENCH01', messageTs: '1700000000.000100', responseUrl });
  return signed(secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
}

export function homeOpenedRequest(secret: string, team: SlackTeamRef): SignedRequest {
  const event = { type: 'app_home_opened', user: USER.id, channel: 'D0BENCH01', tab: 'home', event_ts: `${Date.now() / 1000}` };
  return signed(secret, JSON.stringify(eventEnvelope(team, event, `Ev${randomBytes(6).toString('hex').toUpperCase()}`)), 'application/json');
}

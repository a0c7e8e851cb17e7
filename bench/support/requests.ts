import { randomBytes } from 'node:crypto';
import {
  blockActionsPayload,
  eventEnvelope,
  signSlackBody,
  slashCommandFields,
  type SlackTeamRef,
} from '../../sandbox/slack-requests.js';
import { BENCH_ACTION_ID } from './protocol.js';
import type { SignedRequest } from './load.js';

/**
 * Signed Slack requests for the load generator, built with the same payload builders as the tests.
 * Every request must be new: the app refuses an exact copy of a command or click it has served (a
 * replay) and de-duplicates events by id. A factory builds its body once and then only puts a new
 * trigger id in it and signs it, so the load generator, which shares the two cores with the servers,
 * spends next to nothing per request.
 */

const FORM = 'application/x-www-form-urlencoded';
const USER = { id: 'U0BENCH01', name: 'bench' };
/** Letters only: it reads the same form-encoded, inside a JSON payload or not. */
const TRIGGER = 'BENCHTRIGGER';
let made = 0;

function signed(secret: string, body: string, contentType: string): SignedRequest {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackBody(secret, timestamp, body),
    },
  };
}

function withFreshTriggers(secret: string, template: string): () => SignedRequest {
  return () => {
    made += 1;
    return signed(secret, template.replace(TRIGGER, `${TRIGGER}${made}`), FORM);
  };
}

export function commandRequests(
  secret: string,
  team: SlackTeamRef,
  text: string,
  responseUrl: string,
): () => SignedRequest {
  return withFreshTriggers(
    secret,
    new URLSearchParams(slashCommandFields({ text, user: USER, team, responseUrl, triggerId: TRIGGER })).toString(),
  );
}

/** A click on `actionId`: by default the no-op the bench targets add; the app's own link button acks alike. */
export function actionRequests(
  secret: string,
  team: SlackTeamRef,
  responseUrl: string,
  actionId = BENCH_ACTION_ID,
): () => SignedRequest {
  const payload = blockActionsPayload(
    team,
    USER,
    { action_id: actionId, value: 'x' },
    { kind: 'message', channelId: 'C0BENCH01', messageTs: '1700000000.000100', responseUrl },
  );
  return withFreshTriggers(
    secret,
    new URLSearchParams({ payload: JSON.stringify({ ...payload, trigger_id: TRIGGER }) }).toString(),
  );
}

export function homeOpenedRequest(secret: string, team: SlackTeamRef): SignedRequest {
  const event = {
    type: 'app_home_opened',
    user: USER.id,
    channel: 'D0BENCH01',
    tab: 'home',
    event_ts: `${Date.now() / 1000}`,
  };
  return signed(
    secret,
    JSON.stringify(eventEnvelope(team, event, `Ev${randomBytes(6).toString('hex').toUpperCase()}`)),
    'application/json',
  );
}

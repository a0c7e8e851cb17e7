import type { ModalView } from '@slack/types';
import type { FakeUser } from '../../sandbox/fake-slack/server.js';
import { echoView, latestView } from './view-submission.js';
import type { SlackTeamRef } from '../../sandbox/slack-requests.js';
import { ADMIN, TEAM, type Harness } from './app-harness.js';

export interface ModalAnswer {
  response_action: 'errors' | 'update' | 'push' | 'clear';
  errors?: Record<string, string>;
  view?: ModalView;
}

/**
 * Pastes a key into the real connect modal (`/pivotal connect` → views.open → view_submission), as an
 * admin would. Returns the opened modal and the app's answer to the submission.
 */
export async function pasteKey(h: Harness, pasted: string, opts: { user?: FakeUser; team?: SlackTeamRef } = {}) {
  const user = opts.user ?? ADMIN;
  const team = opts.team ?? TEAM;
  const opened = h.slack.callsTo('views.open').length;
  await h.command('connect', { user, team });
  await h.idle();
  if (h.slack.callsTo('views.open').length !== opened + 1)
    throw new Error(`/pivotal connect opened no modal for ${user.id}`);
  const modal = latestView(h.slack, 'connect_submit');
  const res = await h.submit(echoView(modal, { api_key: pasted }), { user, team });
  if (res.status !== 200) throw new Error(`the connect submission answered HTTP ${res.status}`);
  return { modal, answer: res.json as ModalAnswer };
}

/** Connects the workspace with a key of the organization the workspace is on (or has none yet). */
export async function connectWorkspace(
  h: Harness,
  key: string,
  opts: { user?: FakeUser; team?: SlackTeamRef } = {},
): Promise<ModalAnswer['view']> {
  const { answer } = await pasteKey(h, key, opts);
  if (answer.response_action !== 'update' || answer.view?.callback_id !== 'connect_done') {
    throw new Error(`connecting did not succeed: ${JSON.stringify(answer.errors ?? answer.view?.callback_id)}`);
  }
  return answer.view;
}

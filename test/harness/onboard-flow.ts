import { expect } from 'vitest';
import type { Harness } from './app-harness.js';
import { CSM } from './app-harness.js';
import type { SlackUserRef } from '../../sandbox/slack-requests.js';
import { currentView, echoView, type Answer } from './view-submission.js';
import { waitFor } from './wait.js';

/** A future date, `YYYY-MM-DD`. */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Runs `/pivotal onboard …` and returns the id of the modal it opened, once the app is done opening it. */
export async function openOnboard(h: Harness, text: string, user: SlackUserRef = CSM): Promise<string> {
  const before = new Set(h.slack.views.keys());
  const res = await h.command(`onboard ${text}`, { user });
  expect(res.status).toBe(200);
  // The command is acked first and the modal opened right after, so the HTTP answer can come before it.
  const viewId = await waitFor(() => [...h.slack.views.keys()].find((k) => !before.has(k)), {
    what: `a modal (the command answered "${res.text}")`,
  });
  // After the modal opens the app looks for a customer of that name in the background; a fault a
  // test queues next is meant for the submission, not for that lookup.
  await h.idle();
  return viewId;
}

/** What a person fills in for a new customer with a contact, on top of the form's defaults. */
export const FILLED: Record<string, Answer> = {
  customer_domain: 'acme.example',
  contact_name: 'Jane Doe',
  contact_email: 'Jane@Acme.example',
  contact_title: 'CTO',
  onboarding_phase: 'program_design',
  onboarding_state: 'active',
};

export interface AckBody {
  response_action?: string;
  errors?: Record<string, string>;
  view?: { callback_id?: string; blocks?: unknown[]; title?: { text: string } };
}

export async function submitView(
  h: Harness,
  viewId: string,
  answers: Record<string, Answer> = {},
  user: SlackUserRef = CSM,
): Promise<AckBody> {
  const res = await h.submit(echoView(currentView(h.slack, viewId), answers), { user });
  expect(res.status).toBe(200);
  return (res.json ?? {}) as AckBody;
}

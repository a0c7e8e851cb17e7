import type { WebClient } from '@slack/web-api';

/** The person behind a Slack request, with the request's Slack client for the admin check and for naming admins. */
export interface Actor {
  userId: string;
  slack: WebClient;
}

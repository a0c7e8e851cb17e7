import type { ActionHandler } from '../../slack/listener-registry.js';

/** A link button still sends an interaction; Slack shows an error unless it is acknowledged. */
export const linkButtonPressed: ActionHandler = async ({ ack }) => ack();

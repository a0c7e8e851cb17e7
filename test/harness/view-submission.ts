import type { FakeSlack, StoredView } from '../../sandbox/fake-slack/server.js';

/**
 * Turning what the app showed into what Slack sends back: the view echoed in a view_submission or
 * block_actions payload, with `state.values` keyed by block_id and action_id as Slack keys them.
 */

export type StateValues = Record<string, Record<string, unknown>>;

/** The newest modal the app opened or pushed with this callback_id. */
export function latestView(slack: FakeSlack, callbackId: string): StoredView {
  const found = [...slack.views.values()].filter((v) => v.view.callback_id === callbackId).at(-1);
  if (!found) throw new Error(`the app opened no view with callback_id ${callbackId}`);
  return found;
}

/** `{ block: { action: 'text' } }` → the plain_text_input state Slack reports. */
export function textInputs(values: Record<string, Record<string, string>>): StateValues {
  const out: StateValues = {};
  for (const [blockId, actions] of Object.entries(values)) {
    out[blockId] = Object.fromEntries(
      Object.entries(actions).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value }]),
    );
  }
  return out;
}

/** Every mrkdwn / plain text of a block list, joined: what a person reads on the surface. */
export function visibleText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string')
      out.push(record.text);
    for (const value of Object.values(record)) if (typeof value === 'object') walk(value);
  };
  walk(blocks);
  return out.join('\n');
}

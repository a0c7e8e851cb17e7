import { describe, expect, it } from 'vitest';
import { slackBodyChecker } from '../../src/slack/request-body.js';

/** The shapes the HTTP edge lets through to Bolt must include every interaction the app will handle. */
const check = slackBodyChecker((url) => url.startsWith('https://hooks.slack.com/'));
const shortcut = {
  type: 'shortcut',
  callback_id: 'onboard_shortcut',
  trigger_id: '1.2.abc',
  user: { id: 'U1', username: 'ann' },
  team: { id: 'T1', domain: 'acme' },
  action_ts: '1700000000.1',
};
const messageShortcut = {
  ...shortcut,
  type: 'message_action',
  channel: { id: 'C1', name: 'general' },
  message: { ts: '1700000000.000100', text: 'hello' },
  response_url: 'https://hooks.slack.com/app/T1/1/abc',
};

describe('slackBodyChecker', () => {
  it('lets a global shortcut and a message shortcut through with their required fields', () => {
    expect(check(shortcut, true)).toBeUndefined();
    expect(check(messageShortcut, true)).toBeUndefined();
  });

  it('names the missing field of a shortcut', () => {
    expect(check({ ...shortcut, callback_id: undefined }, true)).toContain('callback_id');
    expect(check({ ...messageShortcut, channel: undefined }, true)).toContain('channel');
    expect(check({ ...messageShortcut, response_url: 'https://evil.example/x' }, true)).toContain('Slack host');
  });
});

import { App } from '@slack/bolt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createListenerRegistry } from '../../src/slack/listener-registry.js';

/** A real Bolt app (never started): processEvent runs its middleware and listeners as a request would. */
function setUp() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app = new App({
    signingSecret: 'unit-secret',
    authorize: async () => ({ botToken: 'xoxb-unit', botId: 'B1', botUserId: 'UBOT' }),
  });
  const registry = createListenerRegistry(app, logger);
  const deliver = async (body: Record<string, unknown>) => {
    const acks: unknown[] = [];
    await app.processEvent({ body, ack: async (answer?: unknown) => void acks.push(answer ?? null) });
    return acks;
  };
  return { app, registry, deliver, lines };
}

const team = { id: 'T1', domain: 'acme' };
const user = { id: 'U1', team_id: 'T1' };
const actionBody = (action: Record<string, unknown>) => ({
  type: 'block_actions',
  team,
  user,
  api_app_id: 'A1',
  token: 't',
  trigger_id: 'trig',
  container: { type: 'view', view_id: 'V1' },
  actions: [{ type: 'button', block_id: 'b', action_ts: '1.2', ...action }],
});
const viewBody = (type: 'view_submission' | 'view_closed', callbackId: string) => ({
  type,
  team,
  user,
  api_app_id: 'A1',
  token: 't',
  view: { id: 'V1', type: 'modal', callback_id: callbackId, state: { values: {} }, private_metadata: '' },
});

describe('createListenerRegistry', () => {
  it('routes an action by action_id, by pattern, or by several fields, first registration winning', async () => {
    const { registry, deliver } = setUp();
    const seen: string[] = [];
    registry.action({ action_id: 'go', block_id: 'b' }, async ({ ack }) => {
      seen.push('go in b');
      await ack();
    });
    registry.action('go', async ({ ack }) => {
      seen.push('go anywhere');
      await ack();
    });
    registry.action(/^row_\d+$/, async ({ ack }) => {
      seen.push('a row');
      await ack();
    });
    await deliver(actionBody({ action_id: 'go' }));
    await deliver(actionBody({ action_id: 'go', block_id: 'other' }));
    await deliver(actionBody({ action_id: 'row_12' }));
    expect(seen).toEqual(['go in b', 'go anywhere', 'a row']);
  });

  it('acks an action nobody handles and logs its id', async () => {
    const { deliver, lines } = setUp();
    const acks = await deliver(actionBody({ action_id: 'stale_button' }));
    expect(acks).toHaveLength(1);
    expect(lines).toEqual([
      expect.objectContaining({ actionId: 'stale_button', msg: 'an action nobody handles was acked' }),
    ]);
  });

  it('routes a submission by callback_id, and a close only to a listener that asked for closes', async () => {
    const { registry, deliver, lines } = setUp();
    const seen: string[] = [];
    registry.view('move_submit', async ({ ack }) => {
      seen.push('submitted');
      await ack();
    });
    registry.view({ callback_id: 'move_submit', type: 'view_closed' }, async ({ ack }) => {
      seen.push('closed');
      await ack();
    });
    await deliver(viewBody('view_submission', 'move_submit'));
    await deliver(viewBody('view_closed', 'move_submit'));
    expect(seen).toEqual(['submitted', 'closed']);

    const acks = await deliver(viewBody('view_submission', 'nobody_knows'));
    expect(acks).toEqual([null]);
    expect(lines.at(-1)).toMatchObject({ callbackId: 'nobody_knows', type: 'view_submission' });
  });

  it('routes options by action_id and answers no options when nobody handles them', async () => {
    const { registry, deliver, lines } = setUp();
    registry.options('customer_search', async ({ ack }) => {
      await ack({ options: [{ text: { type: 'plain_text', text: 'Acme' }, value: 'cus_1' }] });
    });
    const body = (actionId: string) => ({
      type: 'block_suggestion',
      team,
      user,
      api_app_id: 'A1',
      token: 't',
      action_id: actionId,
      block_id: 'b',
      value: 'ac',
      view: { id: 'V1', type: 'modal', callback_id: 'x' },
    });
    expect(await deliver(body('customer_search'))).toEqual([
      { options: [{ text: { type: 'plain_text', text: 'Acme' }, value: 'cus_1' }] },
    ]);
    expect(await deliver(body('unknown_menu'))).toEqual([{ options: [] }]);
    expect(lines.at(-1)).toMatchObject({ actionId: 'unknown_menu' });
  });

  it('runs the event listener of the event type, and drops other events silently', async () => {
    const { registry, deliver, lines } = setUp();
    const seen: string[] = [];
    registry.event('app_home_opened', async ({ event }) => {
      seen.push(event.type);
    });
    const envelope = (type: string) => ({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      token: 't',
      event_id: `Ev${type}`,
      event_time: 1,
      event: { type, user: 'U1', channel: 'D1', tab: 'home', event_ts: '1.2' },
    });
    await deliver(envelope('app_home_opened'));
    await deliver(envelope('member_joined_channel'));
    expect(seen).toEqual(['app_home_opened']);
    expect(lines).toEqual([]);
  });

  it('routes a slash command by name, and acks one nobody handles with a line saying so', async () => {
    const { registry, deliver, lines } = setUp();
    const seen: string[] = [];
    registry.command('/pivotal', async ({ ack, command }) => {
      seen.push(command.text);
      await ack();
    });
    const command = (name: string) => ({
      command: name,
      text: 'help',
      team_id: 'T1',
      user_id: 'U1',
      channel_id: 'C1',
      trigger_id: 'trig',
      response_url: 'https://hooks.slack.com/commands/x',
      api_app_id: 'A1',
      token: 't',
    });
    expect(await deliver(command('/pivotal'))).toEqual([null]);
    expect(await deliver(command('/other'))).toEqual(['`/other` is not a command this app answers.']);
    expect(seen).toEqual(['help']);
    expect(lines).toEqual([expect.objectContaining({ command: '/other', msg: 'a command nobody handles was acked' })]);
  });

  it('registers no listener with Bolt, whose every listener chain would run for every request', () => {
    const { app, registry } = setUp();
    registry.action('go', async ({ ack }) => ack());
    registry.view('v', async ({ ack }) => ack());
    registry.command('/pivotal', async ({ ack }) => ack());
    expect((app as unknown as { listeners: unknown[] }).listeners).toEqual([]);
  });

  it('refuses global middleware added after it, which its dispatcher would never reach', () => {
    const { app } = setUp();
    expect(() => app.use(async ({ next }) => next())).toThrow(
      'global middleware must be added before the listener registry',
    );
  });

  it('refuses a registration with anything but exactly one listener', () => {
    const { registry } = setUp();
    const register = registry.action as unknown as (...args: unknown[]) => void;
    expect(() => register('a')).toThrow('action: register exactly one listener');
    expect(() =>
      register(
        'a',
        async () => {},
        async () => {},
      ),
    ).toThrow('action: register exactly one listener');
    expect(() => (registry.view as unknown as (...args: unknown[]) => void)('v', 'not a function')).toThrow(
      'view: register exactly one listener',
    );
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/fake-slack/server.js';
import { mountSandboxPage, type SandboxPage } from '../../sandbox/page/server.js';
import { TROUBLE } from '../../sandbox/page/model.js';
import type { VElement } from '../../sandbox/page/vnode.js';
import { SlackRequestSender, signSlackBody } from '../../sandbox/slack-requests.js';
import { declaredShortcuts } from '../../sandbox/sandbox-services.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, TEAM, startHarness } from '../harness/app-harness.js';
import { byAttr, textOf } from '../harness/vnode-query.js';

/**
 * The page's server side against a scripted app: every request the page sends is checked for
 * Slack's shape and signature, and the app's answers (acks, Web API calls) drive what the page
 * shows. The last test runs the page against the real app.
 */

type Json = Record<string, unknown>;
interface Received {
  kind: 'command' | 'interaction' | 'event';
  body: Json;
}
type Answer = { status?: number; body?: unknown };

const USERS = [
  { id: 'U0CSM', name: 'casey', real_name: 'Casey CSM' },
  { id: 'U0ADMIN', name: 'ada', real_name: 'Ada Admin', is_admin: true },
];
const CHANNEL = { id: 'C0ONBOARD', name: 'onboarding' };
const pt = (text: string) => ({ type: 'plain_text', text });

interface PageState {
  version: number;
  me: { id: string };
  modal: { viewId: string; node: VElement } | null;
  home: VElement;
  timeline: VElement;
  messages: VElement;
}

describe('sandbox page server, against a scripted app', () => {
  let slack: FakeSlack;
  let page: SandboxPage;
  let app: Server;
  const received: Received[] = [];
  let answer: (r: Received) => Answer | Promise<Answer> = () => ({});
  const secret = randomBytes(16).toString('hex');

  beforeAll(async () => {
    slack = await startFakeSlack({ teamId: 'T0SANDBOX' });
    app = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const ts = Number(req.headers['x-slack-request-timestamp']);
        if (req.headers['x-slack-signature'] !== signSlackBody(secret, ts, raw)) return void res.writeHead(401).end();
        const type = req.headers['content-type'];
        let r: Received;
        if (type === 'application/json') r = { kind: 'event', body: JSON.parse(raw) as Json };
        else {
          expect(type).toBe('application/x-www-form-urlencoded');
          const form = Object.fromEntries(new URLSearchParams(raw));
          r = form.payload
            ? { kind: 'interaction', body: JSON.parse(form.payload) as Json }
            : { kind: 'command', body: form };
        }
        received.push(r);
        void Promise.resolve(answer(r)).then((a) => {
          res
            .writeHead(a.status ?? 200, { 'content-type': 'application/json' })
            .end(a.body === undefined ? '' : JSON.stringify(a.body));
        });
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const sender = new SlackRequestSender(
      `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`,
      secret,
    );
    page = mountSandboxPage({
      slack,
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      users: USERS,
      channel: CHANNEL,
      sender: () => sender,
      longPollMs: 300,
      shortcuts: declaredShortcuts(),
    });
  });

  afterEach(() => {
    answer = () => ({});
    received.length = 0;
  });

  afterAll(async () => {
    page.close();
    await slack.close();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  const post = async (path: string, body: Json): Promise<Json> => {
    const res = await fetch(`${slack.url}/sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as Json;
  };
  const state = async (user: string): Promise<PageState> =>
    (await (await fetch(`${slack.url}/sandbox/state?user=${user}`)).json()) as PageState;
  /** The app's own Web API calls, as the app would make them. */
  const api = async (method: string, args: Json): Promise<Json> => {
    const body = new URLSearchParams(
      Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    const res = await fetch(`${slack.apiUrl}${method}`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-scripted', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return (await res.json()) as Json;
  };
  const lastTrigger = () => String((received.at(-1)!.body as { trigger_id: string }).trigger_id);
  const form = (callbackId: string, extra: Json = {}) => ({
    type: 'modal',
    callback_id: callbackId,
    title: pt(callbackId),
    submit: pt('Save'),
    blocks: [
      { type: 'input', block_id: 'name', label: pt('Name'), element: { type: 'plain_text_input', action_id: 'v' } },
    ],
    ...extra,
  });
  /** Opens a modal for `user` the way an app does: a command, then views.open with its trigger. */
  const openModal = async (user: string, view: Json) => {
    await post('command', { user, text: 'open' });
    const opened = await api('views.open', { trigger_id: lastTrigger(), view });
    return String((opened.view as Json).id);
  };

  it('serves the page and its script', async () => {
    const html = await (await fetch(`${slack.url}/`)).text();
    expect(html).toContain('<script type="module" src="/sandbox/page.js">');
    const js = await fetch(`${slack.url}/sandbox/page.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=|document\.write/);
  });

  it('signs a slash command as Slack does, and shows its ack body only to the person who typed it', async () => {
    answer = () => ({
      body: {
        response_type: 'ephemeral',
        text: 'fallback',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello *<@U0CSM>*' } }],
      },
    });
    const res = await post('command', { user: 'U0CSM', text: 'help me' });
    expect(res.status).toBe(200);
    expect(received[0]).toMatchObject({
      kind: 'command',
      body: {
        command: '/pivotal',
        text: 'help me',
        user_id: 'U0CSM',
        user_name: 'casey',
        channel_id: 'C0ONBOARD',
        team_id: 'T0SANDBOX',
      },
    });
    expect(String(received[0]!.body.response_url)).toMatch(new RegExp(`^${slack.url}/response/`));

    const mine = await state('U0CSM');
    const reply = byAttr(mine.timeline, 'data-surface', 'ephemeral').at(-1)!;
    expect(textOf(reply)).toContain('Hello @Casey CSM');
    expect(textOf(reply)).toContain('Only visible to you');
    expect(textOf((await state('U0ADMIN')).timeline)).not.toContain('Hello');
  });

  it('posts what is typed without a slash as the person’s message, and sends the manifest’s message shortcuts on it as Slack does', async () => {
    const said = await post('say', { user: 'U0CSM', text: 'closed-won: Acme, kickoff next week' });
    expect(said).toEqual({ ok: true });
    // A person's message reaches no app: only a shortcut on it does.
    expect(received).toEqual([]);
    const message = slack.messages.at(-1)!;
    expect(message).toMatchObject({
      channel: 'C0ONBOARD',
      author: 'U0CSM',
      text: 'closed-won: Acme, kickoff next week',
    });
    const shown = byAttr((await state('U0ADMIN')).timeline, 'data-ts', message.ts)[0]!;
    expect(textOf(shown)).toContain('Casey CSM');
    expect(byAttr(shown, 'data-message-menu')).toHaveLength(1);
    const offered = (await state('U0CSM')) as unknown as { shortcuts: Array<{ type: string; callback_id: string }> };
    expect(offered.shortcuts.map((s) => `${s.type}:${s.callback_id}`)).toEqual([
      'message:start_onboarding',
      'message:add_to_onboarding',
      'global:new_onboarding',
      'global:move_onboarding',
    ]);

    const sent = await post('message-shortcut', {
      user: 'U0ADMIN',
      callback_id: 'start_onboarding',
      channel: 'C0ONBOARD',
      ts: message.ts,
    });
    expect(sent).toEqual({ ok: true });
    const payload = received.at(-1)!;
    expect(payload).toMatchObject({
      kind: 'interaction',
      body: {
        type: 'message_action',
        callback_id: 'start_onboarding',
        team: { id: 'T0SANDBOX', domain: 'sandbox' },
        user: { id: 'U0ADMIN', name: 'ada', team_id: 'T0SANDBOX' },
        channel: { id: 'C0ONBOARD', name: 'onboarding' },
        message_ts: message.ts,
        message: {
          type: 'message',
          ts: message.ts,
          text: 'closed-won: Acme, kickoff next week',
          user: 'U0CSM',
          team: 'T0SANDBOX',
        },
      },
    });
    expect(String(payload.body.trigger_id)).toMatch(/^\d+\.\w+$/);
    const responseUrl = String(payload.body.response_url);
    expect(responseUrl).toMatch(new RegExp(`^${slack.url}/response/`));
    // The trigger is the admin's: a modal the app opens with it shows to the admin only.
    await api('views.open', { trigger_id: payload.body.trigger_id, view: form('onboard') });
    const adminModal = (await state('U0ADMIN')).modal;
    expect(adminModal).not.toBeNull();
    expect((await state('U0CSM')).modal).toBeNull();
    await post('close', { user: 'U0ADMIN', viewId: adminModal!.viewId });
    // Its response_url answers privately in the message's channel.
    await fetch(responseUrl, { method: 'POST', body: JSON.stringify({ text: 'Only the admin sees this' }) });
    expect(textOf((await state('U0ADMIN')).timeline)).toContain('Only the admin sees this');
    expect(textOf((await state('U0CSM')).timeline)).not.toContain('Only the admin sees this');

    // The app's own post carries the bot's identity.
    const bot = await api('chat.postMessage', { channel: 'C0ONBOARD', text: 'An app post' });
    await post('message-shortcut', {
      user: 'U0CSM',
      callback_id: 'add_to_onboarding',
      channel: 'C0ONBOARD',
      ts: String(bot.ts),
    });
    expect(received.at(-1)!.body).toMatchObject({
      callback_id: 'add_to_onboarding',
      message: { ts: bot.ts, text: 'An app post', user: 'UBOT', bot_id: 'BBOT' },
    });

    // What the manifest does not declare is not offered, and nothing is sent.
    const count = received.length;
    expect(
      await post('message-shortcut', {
        user: 'U0CSM',
        callback_id: 'new_onboarding',
        channel: 'C0ONBOARD',
        ts: message.ts,
      }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('no message shortcut "new_onboarding"') });
    expect(await post('say', { user: 'U0CSM', text: '   ' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('Type a message'),
    });
    expect(received.length).toBe(count);
  });

  it('sends a global shortcut from the composer’s menu with a trigger of its own', async () => {
    expect(await post('global-shortcut', { user: 'U0CSM', callback_id: 'move_onboarding' })).toEqual({ ok: true });
    const payload = received.at(-1)!.body;
    expect(payload).toMatchObject({
      type: 'shortcut',
      callback_id: 'move_onboarding',
      team: { id: 'T0SANDBOX' },
      user: { id: 'U0CSM', name: 'casey' },
    });
    expect(payload).not.toHaveProperty('channel');
    expect(payload).not.toHaveProperty('response_url');
    await api('views.open', { trigger_id: payload.trigger_id, view: form('move') });
    expect((await state('U0CSM')).modal).not.toBeNull();
    await post('close', { user: 'U0CSM', viewId: (await state('U0CSM')).modal!.viewId });
    expect(await post('global-shortcut', { user: 'U0CSM', callback_id: 'start_onboarding' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('no global shortcut "start_onboarding"'),
    });
  });

  it('shows an in_channel ack to everyone, and an unanswered command in Slack’s words', async () => {
    answer = () => ({ body: { response_type: 'in_channel', text: 'Everyone sees this' } });
    await post('command', { user: 'U0CSM', text: 'x' });
    expect(textOf((await state('U0ADMIN')).timeline)).toContain('Everyone sees this');

    answer = () => ({ status: 404 });
    await post('command', { user: 'U0ADMIN', text: 'y' });
    expect(textOf((await state('U0ADMIN')).timeline)).toContain('/pivotal failed with the error "operation_timeout"');
  });

  it('shows response_url replies, and replaces or deletes the original message when asked', async () => {
    await post('command', { user: 'U0CSM', text: 'later' });
    const responseUrl = String(received.at(-1)!.body.response_url);
    await fetch(responseUrl, { method: 'POST', body: JSON.stringify({ text: 'Done later, privately' }) });
    expect(textOf((await state('U0CSM')).timeline)).toContain('Done later, privately');
    expect(textOf((await state('U0ADMIN')).timeline)).not.toContain('Done later');

    const posted = await api('chat.postMessage', {
      channel: 'C0ONBOARD',
      text: 'x',
      blocks: [
        {
          type: 'actions',
          block_id: 'a',
          elements: [{ type: 'button', action_id: 'ack', value: 'v1', text: pt('Acknowledge') }],
        },
      ],
    });
    const ts = String(posted.ts);
    const clicked = await post('action', {
      user: 'U0ADMIN',
      where: { kind: 'message', channel: 'C0ONBOARD', ts },
      action: { block_id: 'a', action_id: 'ack' },
    });
    expect(clicked).toEqual({ ok: true });
    const payload = received.at(-1)!.body;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ADMIN' },
      container: { type: 'message', message_ts: ts, channel_id: 'C0ONBOARD', is_ephemeral: false },
      message: { ts, blocks: [{ block_id: 'a' }] },
      actions: [{ type: 'button', action_id: 'ack', block_id: 'a', value: 'v1', text: { text: 'Acknowledge' } }],
    });
    await fetch(String(payload.response_url), {
      method: 'POST',
      body: JSON.stringify({ replace_original: true, text: 'Acknowledged by Ada' }),
    });
    const shown = byAttr((await state('U0CSM')).timeline, 'data-ts', ts)[0]!;
    expect(textOf(shown)).toContain('Acknowledged by Ada');
    expect(byAttr(shown, 'data-action-id', 'ack')).toHaveLength(0);

    await fetch(String(payload.response_url), { method: 'POST', body: JSON.stringify({ delete_original: true }) });
    expect(byAttr((await state('U0CSM')).timeline, 'data-ts', ts)).toHaveLength(0);
  });

  it('keeps a modal stack per user, and sends the typed values with the submission', async () => {
    const viewId = await openModal('U0CSM', form('first', { private_metadata: '{"onb":"1"}' }));
    const csm = await state('U0CSM');
    expect(csm.modal?.viewId).toBe(viewId);
    expect(csm.modal?.node.attrs?.['data-callback-id']).toBe('first');
    expect((await state('U0ADMIN')).modal).toBeNull();

    answer = () => ({
      body: { response_action: 'errors', errors: { name: 'A customer called Acme already exists.' } },
    });
    await post('submit', { user: 'U0CSM', viewId, inputs: [{ block_id: 'name', action_id: 'v', value: 'Acme' }] });
    expect(received.at(-1)!.body).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0CSM' },
      view: {
        id: viewId,
        callback_id: 'first',
        private_metadata: '{"onb":"1"}',
        root_view_id: viewId,
        state: { values: { name: { v: { type: 'plain_text_input', value: 'Acme' } } } },
      },
    });
    const withError = (await state('U0CSM')).modal!;
    const error = byAttr(withError.node, 'data-error-for', 'name')[0]!;
    expect(textOf(error)).toBe('A customer called Acme already exists.');
    expect(error.attrs?.hidden).toBeUndefined();

    answer = () => ({ body: { response_action: 'update', view: form('second') } });
    await post('submit', { user: 'U0CSM', viewId, inputs: [{ block_id: 'name', action_id: 'v', value: 'Acme 2' }] });
    const updated = (await state('U0CSM')).modal!;
    expect(updated.viewId).toBe(viewId);
    expect(updated.node.attrs?.['data-callback-id']).toBe('second');
    expect(byAttr(updated.node, 'data-error-for', 'name')[0]!.attrs?.hidden).toBe('');

    answer = () => ({ body: { response_action: 'push', view: form('pushed', { notify_on_close: true }) } });
    await post('submit', { user: 'U0CSM', viewId, inputs: [] });
    const pushed = (await state('U0CSM')).modal!;
    expect(pushed.viewId).not.toBe(viewId);
    expect(pushed.node.attrs).toMatchObject({ 'data-callback-id': 'pushed', 'data-depth': '2' });

    await post('close', { user: 'U0CSM', viewId: pushed.viewId });
    expect(received.at(-1)!.body).toMatchObject({
      type: 'view_closed',
      is_cleared: false,
      view: { id: pushed.viewId, callback_id: 'pushed' },
    });
    expect((await state('U0CSM')).modal?.viewId).toBe(viewId);

    answer = () => ({});
    await post('submit', { user: 'U0CSM', viewId, inputs: [] });
    expect((await state('U0CSM')).modal).toBeNull();
  });

  it('clears the whole stack on response_action clear, and refuses a fourth view as Slack does', async () => {
    const root = await openModal('U0ADMIN', form('root'));
    answer = () => ({ body: { response_action: 'push', view: form('more') } });
    await post('submit', { user: 'U0ADMIN', viewId: root, inputs: [] });
    const second = (await state('U0ADMIN')).modal!.viewId;
    await post('submit', { user: 'U0ADMIN', viewId: second, inputs: [] });
    const third = (await state('U0ADMIN')).modal!;
    expect(third.node.attrs?.['data-depth']).toBe('3');
    await post('submit', { user: 'U0ADMIN', viewId: third.viewId, inputs: [] });
    const refused = (await state('U0ADMIN')).modal!;
    expect(refused.viewId).toBe(third.viewId);
    expect(textOf(refused.node)).toContain('push_limit_reached');

    answer = () => ({ body: { response_action: 'clear' } });
    await post('submit', { user: 'U0ADMIN', viewId: third.viewId, inputs: [] });
    expect((await state('U0ADMIN')).modal).toBeNull();
  });

  it('leaves the modal open with Slack’s trouble line when the app does not answer a submission', async () => {
    const viewId = await openModal('U0CSM', form('slow'));
    answer = () => ({ status: 404 });
    await post('submit', { user: 'U0CSM', viewId, inputs: [] });
    const modal = (await state('U0CSM')).modal!;
    expect(modal.viewId).toBe(viewId);
    expect(textOf(modal.node)).toContain(TROUBLE);

    answer = () => ({});
    await post('close', { user: 'U0CSM', viewId });
    // No notify_on_close: Slack tells the app nothing.
    expect(received.at(-1)!.body.type).toBe('view_submission');
    expect((await state('U0CSM')).modal).toBeNull();
  });

  it('replaces an open modal in place on views.update by external_id, and lets a later views.update win over an update ack', async () => {
    const viewId = await openModal('U0CSM', form('loading', { external_id: `ext-${randomBytes(3).toString('hex')}` }));
    const externalId = String(slack.views.get(viewId)!.view.external_id);
    await api('views.update', { external_id: externalId, view: form('loaded') });
    expect((await state('U0CSM')).modal).toMatchObject({ viewId, node: { attrs: { 'data-callback-id': 'loaded' } } });

    answer = async () => {
      // The app replaces the view itself before its ack arrives: Slack keeps the newer view.
      await api('views.update', { view_id: viewId, view: form('result') });
      return { body: { response_action: 'update', view: form('working') } };
    };
    await post('submit', { user: 'U0CSM', viewId, inputs: [] });
    expect((await state('U0CSM')).modal?.node.attrs?.['data-callback-id']).toBe('result');
  });

  it('sends block_actions from a modal with the view and its state, and from an ephemeral reply as ephemeral', async () => {
    const viewId = await openModal('U0CSM', {
      ...form('acts'),
      blocks: [
        { type: 'input', block_id: 'name', label: pt('Name'), element: { type: 'plain_text_input', action_id: 'v' } },
        {
          type: 'actions',
          block_id: 'row',
          elements: [{ type: 'static_select', action_id: 'phase', options: [{ text: pt('Review'), value: 'review' }] }],
        },
      ],
    });
    await post('action', {
      user: 'U0CSM',
      where: { kind: 'view', viewId },
      action: { block_id: 'row', action_id: 'phase', value: 'review' },
      inputs: [{ block_id: 'name', action_id: 'v', value: 'typed so far' }],
    });
    expect(received.at(-1)!.body).toMatchObject({
      type: 'block_actions',
      container: { type: 'view', view_id: viewId },
      view: {
        id: viewId,
        state: {
          values: { name: { v: { value: 'typed so far' } }, row: { phase: { selected_option: { value: 'review' } } } },
        },
      },
      actions: [
        { type: 'static_select', action_id: 'phase', selected_option: { value: 'review', text: { text: 'Review' } } },
      ],
    });
    expect(String(received.at(-1)!.body.trigger_id)).not.toBe('');

    answer = () => ({
      body: {
        text: 'x',
        blocks: [
          { type: 'actions', block_id: 'e', elements: [{ type: 'button', action_id: 'undo', text: pt('Undo') }] },
        ],
      },
    });
    await post('command', { user: 'U0CSM', text: 'eph' });
    answer = () => ({});
    const ephemeral = byAttr((await state('U0CSM')).timeline, 'data-surface', 'ephemeral').at(-1)!;
    await post('action', {
      user: 'U0CSM',
      where: { kind: 'ephemeral', id: ephemeral.attrs!['data-ephemeral-id'] },
      action: { block_id: 'e', action_id: 'undo' },
    });
    expect(received.at(-1)!.body).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', is_ephemeral: true },
      actions: [{ action_id: 'undo' }],
    });
    // Another person cannot use a reply only the first one sees.
    expect(
      await post('action', {
        user: 'U0ADMIN',
        where: { kind: 'ephemeral', id: ephemeral.attrs!['data-ephemeral-id'] },
        action: { block_id: 'e', action_id: 'undo' },
      }),
    ).toMatchObject({ ok: false });
  });

  it('answers typing in an external_select with the options the app acked', async () => {
    const viewId = await openModal('U0CSM', {
      ...form('pick'),
      blocks: [
        {
          type: 'input',
          block_id: 'customer',
          label: pt('Customer'),
          element: { type: 'external_select', action_id: 'find', min_query_length: 1 },
        },
      ],
    });
    answer = (r) => ({
      body: {
        option_groups: [
          { label: pt('Existing'), options: [{ text: pt(`${String(r.body.value)} Corp`), value: 'cus_1' }] },
          { label: pt('New'), options: [{ text: pt('Create a new customer'), value: 'new' }] },
        ],
      },
    });
    const res = await post('suggest', { user: 'U0CSM', viewId, block_id: 'customer', action_id: 'find', value: 'Acm' });
    expect(received.at(-1)!.body).toMatchObject({
      type: 'block_suggestion',
      action_id: 'find',
      block_id: 'customer',
      value: 'Acm',
      view: { id: viewId },
    });
    expect(res).toEqual({
      ok: true,
      options: [
        { text: 'Acm Corp', value: 'cus_1', group: 'Existing' },
        { text: 'Create a new customer', value: 'new', group: 'New' },
      ],
    });
  });

  it('sends app_home_opened when Home is opened, and shows each user their own Home', async () => {
    await post('home', { user: 'U0ADMIN' });
    expect(received.at(-1)).toMatchObject({
      kind: 'event',
      body: {
        type: 'event_callback',
        team_id: 'T0SANDBOX',
        event: { type: 'app_home_opened', user: 'U0ADMIN', tab: 'home' },
      },
    });
    expect(received.at(-1)!.body.event).not.toHaveProperty('view');
    await api('views.publish', {
      user_id: 'U0ADMIN',
      view: { type: 'home', blocks: [{ type: 'header', text: pt('Pipeline for Ada') }] },
    });
    expect(textOf((await state('U0ADMIN')).home)).toBe('Pipeline for Ada');
    expect(textOf((await state('U0CSM')).home)).toContain('has not published a Home tab');
    await post('home', { user: 'U0ADMIN' });
    expect((received.at(-1)!.body.event as Json).view).toMatchObject({
      type: 'home',
      id: expect.any(String),
      hash: expect.any(String),
    });
  });

  it('folds thread replies under their parent, marks edits, and shows the app’s DMs under Messages', async () => {
    const parent = await api('chat.postMessage', {
      channel: 'C0ONBOARD',
      text: 'Acme Rockets onboarding',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Acme Rockets* — Program design' } }],
    });
    await api('chat.postMessage', {
      channel: 'C0ONBOARD',
      thread_ts: String(parent.ts),
      text: 'Moved to Review by <@U0CSM>',
    });
    await api('chat.update', {
      channel: 'C0ONBOARD',
      ts: String(parent.ts),
      text: 'x',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Acme Rockets* — Review' } }],
    });
    await api('chat.postMessage', { channel: 'U0CSM', text: 'A DM for Casey' });

    const s = await state('U0CSM');
    const shown = byAttr(s.timeline, 'data-ts', String(parent.ts))[0]!;
    expect(textOf(shown)).toContain('Acme Rockets — Review');
    expect(textOf(shown)).toContain('(edited)');
    expect(textOf(byAttr(shown, 'data-thread-toggle')[0]!)).toBe('1 reply');
    expect(textOf(byAttr(shown, 'class', 'thread-replies')[0]!)).toContain('Moved to Review by @Casey CSM');
    expect(textOf(s.timeline)).not.toContain('A DM for Casey');
    expect(textOf(s.messages)).toContain('A DM for Casey');
    expect(textOf((await state('U0ADMIN')).messages)).not.toContain('A DM for Casey');
  });

  it('answers a waiting page as soon as something changes, and after the long-poll time otherwise', async () => {
    const { version } = await state('U0CSM');
    const waiting = fetch(`${slack.url}/sandbox/state?user=U0CSM&since=${version}`).then(
      (r) => r.json() as Promise<PageState>,
    );
    await new Promise((r) => setTimeout(r, 50));
    await api('chat.postMessage', { channel: 'C0ONBOARD', text: 'news' });
    const next = await waiting;
    // A newer version can only come from the change: a long poll that ran out returns the same one.
    expect(next.version).toBeGreaterThan(version);

    const idleStart = Date.now();
    const idle = (await (
      await fetch(`${slack.url}/sandbox/state?user=U0CSM&since=${next.version}`)
    ).json()) as PageState;
    expect(idle.version).toBe(next.version);
    expect(Date.now() - idleStart).toBeGreaterThanOrEqual(250);
  });

  it('refuses a malformed request with a message naming the field', async () => {
    const res = await fetch(`${slack.url}/sandbox/submit`, { method: 'POST', body: JSON.stringify({ user: 'U0CSM' }) });
    expect(res.status).toBe(400);
    expect(String(((await res.json()) as Json).error)).toContain('viewId');
    const notJson = await fetch(`${slack.url}/sandbox/command`, { method: 'POST', body: 'text=help' });
    expect(notJson.status).toBe(400);
    expect(await post('submit', { user: 'U0CSM', viewId: 'VNOPE', inputs: [] })).toEqual({
      ok: false,
      error: 'That modal is no longer open.',
    });
  });

  it('acts only for the page itself or a tool such as curl, never for another web site', async () => {
    const before = received.length;
    const forged = await fetch(`${slack.url}/sandbox/command`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: JSON.stringify({ user: 'U0ADMIN', text: 'disconnect' }),
    });
    expect(forged.status).toBe(403);
    const opaque = await fetch(`${slack.url}/sandbox/command`, {
      method: 'POST',
      headers: { origin: 'null' },
      body: JSON.stringify({ text: 'help' }),
    });
    expect(opaque.status).toBe(403);
    expect(received.length).toBe(before);
    const own = await fetch(`${slack.url}/sandbox/command`, {
      method: 'POST',
      headers: { origin: slack.url },
      body: JSON.stringify({ text: 'help' }),
    });
    expect(own.status).toBe(200);
  });
});

describe('sandbox page server, against the real app', () => {
  it('shows `/pivotal help` from the real app as a reply only the typist sees', async () => {
    const h = await startHarness();
    const page = mountSandboxPage({
      slack: h.slack,
      team: TEAM,
      users: [CSM, ADMIN],
      channel: { id: NOTIFY_CHANNEL, name: 'onboarding' },
      sender: () => h.sender,
      longPollMs: 200,
    });
    try {
      const res = await fetch(`${h.slack.url}/sandbox/command`, {
        method: 'POST',
        body: JSON.stringify({ user: CSM.id, text: 'help' }),
      });
      expect(((await res.json()) as Json).status).toBe(200);
      await h.idle();
      const s = (await (await fetch(`${h.slack.url}/sandbox/state?user=${CSM.id}`)).json()) as PageState;
      const reply = byAttr(s.timeline, 'data-surface', 'ephemeral')[0]!;
      expect(textOf(reply)).toContain('Here is what I can do');
      expect(textOf(reply)).toContain('/pivotal help');
      const other = (await (await fetch(`${h.slack.url}/sandbox/state?user=${ADMIN.id}`)).json()) as PageState;
      expect(textOf(other.timeline)).not.toContain('Here is what I can do');
    } finally {
      page.close();
      await h.close();
    }
  });
});

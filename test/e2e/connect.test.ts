import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { echoViewWithState, echoView, latestView, visibleText } from '../harness/view-submission.js';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyDisplayPrefix } from '../../src/pivotal/index.js';
import { recordMetadata } from '../../src/pivotal/record-metadata.js';
import { clearConnection, getWorkspace } from '../../src/store/workspaces.js';
import type { FakeUser } from '../../sandbox/fake-slack/server.js';
import { ADMIN, CSM, TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { connectWorkspace, pasteKey, type ModalAnswer } from '../harness/connect-workspace.js';

/** `/pivotal connect` through signed requests: connect, rotate, switch, status, disconnect. */

const LISTED: FakeUser = { id: 'U0LISTED1', name: 'lee', real_name: 'Lee Listed' };

interface Reply {
  response_type?: string;
  replace_original?: boolean;
  delete_original?: boolean;
  text: string;
  blocks: Array<{ block_id?: string; type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
}

let h: Harness;

beforeAll(async () => {
  // A short client timeout so the "Pivotal did not answer" case takes a fraction of a second.
  h = await startHarness({
    bootstrapKey: false,
    env: { PIVOTAL_ADMIN_SLACK_IDS: LISTED.id },
    pivotalClientOptions: { timeoutMs: 800 },
  });
  h.slack.addUser(LISTED);
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await clearConnection(h.app.ctx.store.db, TEAM.id);
  h.pivotal.faults.clear();
});

const hasTestLabel = (blocks: unknown) => JSON.stringify(blocks).includes('"block_id":"test_key_label"');

/** Whether any 12-character run of the key's secret part (past its public prefix) appears in text. */
function holdsKey(text: string, key: string): boolean {
  const secret = key.slice(keyDisplayPrefix(key).length);
  for (let i = 0; i + 12 <= secret.length; i += 4) if (text.includes(secret.slice(i, i + 12))) return true;
  return text.includes(key);
}

async function replyTo(res: { responseUrlId: string }): Promise<Reply> {
  await h.idle();
  const posts = h.slack.responseUrlPosts.filter((p) => p.id === res.responseUrlId);
  expect(posts).toHaveLength(1);
  return posts[0]!.body as unknown as Reply;
}

async function openConnect(user: FakeUser = ADMIN) {
  const opened = h.slack.callsTo('views.open').length;
  await h.command('connect', { user });
  await h.idle();
  expect(h.slack.callsTo('views.open')).toHaveLength(opened + 1);
  return latestView(h.slack, 'connect_submit');
}

const paste = (pasted: string, opts: { user?: FakeUser } = {}) => pasteKey(h, pasted, opts);

async function connect(key: string) {
  const view = await connectWorkspace(h, key);
  expect(view?.title).toMatchObject({ text: 'Pivotal connected' });
  return view!;
}

const row = () => getWorkspace(h.app.ctx.store.db, TEAM.id);

describe('connecting with a key', () => {
  it('connects a valid live key: checked with /me, shown with org, key name, prefix and mode, stored encrypted', async () => {
    const key = h.newKey('live');
    const modal = await openConnect();
    expect(modal.view.blocks).toBeDefined();
    expect(hasTestLabel(modal.view.blocks)).toBe(false);
    h.pivotal.resetRequests();

    const view = await connect(key);
    expect(h.pivotal.requests.map((r) => `${r.method} ${r.path} ${r.keyPrefix}`)).toEqual([
      `GET /api/v1/me ${keyDisplayPrefix(key)}`,
    ]);
    const text = visibleText(view.blocks);
    expect(text).toContain('Connected to Pivotal');
    // The documented /me names the organization by slug only; no name is invented.
    expect(text).toMatch(/`acme-[0-9a-f]{6}`/);
    expect(text).not.toContain('Acme Onboarding');
    expect(text).toContain('“live-key”');
    expect(text).toContain(`\`${keyDisplayPrefix(key)}…\``);
    expect(text).toContain('*Mode*\nLive');
    expect(hasTestLabel(view.blocks)).toBe(false);
    expect(holdsKey(JSON.stringify(view), key)).toBe(false);

    const saved = await row();
    expect(saved).toMatchObject({
      pivotal_key_prefix: keyDisplayPrefix(key),
      pivotal_key_name: 'live-key',
      pivotal_mode: 'live',
      pivotal_org_id: h.orgId,
      connected_by: ADMIN.id,
    });
    expect(holdsKey(JSON.stringify(saved), key)).toBe(false);
    expect(h.app.ctx.keyRing.decrypt(saved!.pivotal_key_ciphertext!)).toBe(key);
  });

  it('connects a valid test key and labels every surface it shows as test mode', async () => {
    const key = h.newKey('test');
    const view = await connect(key);
    expect(hasTestLabel(view.blocks)).toBe(true);
    expect(visibleText(view.blocks)).toContain('*Mode*\nTest');
    expect((await row())?.pivotal_mode).toBe('test');

    // The connect modal opened again, /pivotal status, the disconnect confirmation and a refusal all carry it.
    expect(hasTestLabel((await openConnect()).view.blocks)).toBe(true);
    const status = await replyTo(await h.command('status', { user: CSM }));
    expect(hasTestLabel(status.blocks)).toBe(true);
    expect(status.text).toMatch(/^\[:test_tube: TEST MODE\] /);
    const confirm = await replyTo(await h.command('disconnect', { user: ADMIN }));
    expect(hasTestLabel(confirm.blocks)).toBe(true);
    const refusal = await replyTo(await h.command('connect', { user: CSM }));
    expect(hasTestLabel(refusal.blocks)).toBe(true);
  });

  it.each([
    ['`Bearer ` in front', (k: string) => `Bearer ${k}`],
    ['`Bearer:` and the header name', (k: string) => `Authorization: Bearer: ${k}`],
    ['quotes and surrounding whitespace', (k: string) => `  "${k}"\n`],
    ['smart quotes around a lower-case bearer', (k: string) => `“bearer ${k}”`],
  ])('cleans a pasted key with %s and connects it', async (_what, wrap) => {
    const key = h.newKey('live');
    await connect(wrap(key));
    expect(h.app.ctx.keyRing.decrypt((await row())!.pivotal_key_ciphertext!)).toBe(key);
  });

  it.each([
    ['a malformed key (space inside)', 'pivotal_abcd efghijklmnopqrstuvwxyz', 'space or a line break in the middle'],
    ['a Slack token', 'xoxb-1234-5678-abcdefghijklmnop', 'That is a Slack token, not a Pivotal API key'],
    [
      'something that is not a key at all',
      'hunter2-password',
      'That is not a Pivotal API key. Pivotal keys start with pivotal_ (live) or pivotal_test_ (test)',
    ],
    ['the shortened key from the key list', 'pivotal_K8s9…', "shortened key from Pivotal's key list"],
    ['a character no HTTP header can carry', 'pivotal_abcdefghijklmnöpqrstuvwx', 'cannot be sent to Pivotal'],
    ['nothing but quotes', ' "" ', 'Paste a Pivotal API key here'],
  ])('refuses %s with a field error, without calling Pivotal or saving anything', async (_what, pasted, message) => {
    h.pivotal.resetRequests();
    const { answer } = await paste(pasted);
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.api_key).toContain(message);
    if (pasted.length > 12) expect(answer.errors?.api_key).not.toContain(pasted);
    expect(h.pivotal.requests).toHaveLength(0);
    expect((await row())?.pivotal_key_ciphertext ?? null).toBeNull();
  });

  it('judges a key by its prefix only: any length and characters go to /me, which refuses the listed prefix with a hint', async () => {
    for (const pasted of ['pivotal_K8s9', 'pivotal_abcdefghijkl$mnopqrstuvwx']) {
      h.pivotal.resetRequests();
      const { answer } = await paste(pasted);
      expect(h.pivotal.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /api/v1/me 401']);
      expect(answer.errors?.api_key).toContain(
        'the prefix shown in the key list (such as pivotal_K8s9) is only its start',
      );
    }
    expect((await row())?.pivotal_key_ciphertext ?? null).toBeNull();
  });

  it('refuses a key Pivotal does not know, and a revoked key, with what is wrong', async () => {
    const unknown = `pivotal_${'Zz9'.repeat(10)}xy`;
    h.secrets.push(unknown);
    const notKnown = await paste(unknown);
    expect(notKnown.answer.errors?.api_key).toContain('Pivotal does not recognise this key');

    const revoked = h.newKey('live');
    h.pivotal.revokeKey(revoked);
    const answer = (await paste(revoked)).answer;
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.api_key).toContain('Pivotal says this key has been revoked');
    expect((await row())?.pivotal_key_ciphertext ?? null).toBeNull();
    // A pasted key is not the workspace's key yet: its rejection flags nothing.
    expect((await row())?.needs_attention ?? null).toBeNull();
  });

  it.each([
    ['does not answer', () => h.pivotal.faults.hangNext(1), 'Pivotal did not answer in time'],
    [
      'fails with a 500',
      () => h.pivotal.faults.failNext(1, 500),
      'Pivotal had an internal error while checking the key',
    ],
    [
      'rate-limits the key',
      () => h.pivotal.faults.failNext(1, 429, { retryAfterSec: 20 }),
      'Pivotal is rate-limiting this key',
    ],
  ])('keeps the modal and the key in it when Pivotal %s, and saves nothing', async (_what, fault, message) => {
    const key = h.newKey('live');
    fault();
    const { answer } = await paste(key);
    expect(answer).toEqual({ response_action: 'errors', errors: { api_key: expect.stringContaining(message) } });
    expect((await row())?.pivotal_key_ciphertext ?? null).toBeNull();
  });

  it('shows a disagreement between the prefix and /me instead of picking one, and DMs the other admins', async () => {
    // A pivotal_test_… key that Pivotal holds as live: its /me says `mode: "live"`.
    const key = h.pivotal.createKey(h.orgId, {
      mode: 'live',
      name: 'mislabelled',
      secret: `pivotal_test_${randomBytes(16).toString('hex')}`,
    });
    h.secrets.push(key);
    const dmsBefore = h.slack.callsTo('chat.postMessage').length;

    const view = await connect(key);
    expect(visibleText(view.blocks)).toContain("The key's prefix says *test* but Pivotal's `/me` says *live*");
    expect(hasTestLabel(view.blocks)).toBe(true);
    const status = await replyTo(await h.command('status', { user: ADMIN }));
    expect(visibleText(status.blocks)).toContain("The key's prefix says *test* but Pivotal's `/me` says *live*");
    expect((await row())?.pivotal_mode).toBe('test');

    await h.idle();
    const dms = h.slack
      .callsTo('chat.postMessage')
      .slice(dmsBefore)
      .map((c) => c.args as { channel: string; text: string; blocks: unknown[] });
    // The admin who connected saw it in the modal; the other admin is told by DM.
    expect(dms.map((dm) => dm.channel)).toEqual([LISTED.id]);
    expect(visibleText(dms[0]!.blocks)).toContain(`reports the key connected in Slack \`${keyDisplayPrefix(key)}…\``);
    expect(visibleText(dms[0]!.blocks)).toContain("The key's prefix says *test* but Pivotal's `/me` says *live*");
    expect(holdsKey(JSON.stringify(dms), key)).toBe(false);
  });

  it('creates records that carry the metadata of the workspace, the person and test mode', async () => {
    await connect(h.newKey('test'));
    const connection = await h.app.ctx.pivotal.forWorkspace({ teamId: TEAM.id });
    const customer = await connection!.client.createCustomer(
      {
        name: 'Metadata Check',
        metadata: recordMetadata({ workspace: { teamId: TEAM.id }, userId: CSM.id, mode: connection!.mode }),
      },
      { idempotencyKey: `connect-test-${Date.now()}` },
    );
    const stored = h.pivotal.state.get(h.orgId, 'customers', customer.id);
    expect(stored?.metadata).toEqual({ source: 'slack', slack_team_id: TEAM.id, slack_user_id: CSM.id, test: true });
  });
});

describe('who may connect', () => {
  it('answers a non-admin with an ephemeral naming who can, and opens nothing', async () => {
    const opened = h.slack.callsTo('views.open').length;
    const reply = await replyTo(await h.command('connect', { user: CSM }));
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain(`Only a workspace admin can connect Pivotal. Ask <@${LISTED.id}> or <@${ADMIN.id}>.`);
    // Operator detail (where the admins come from) is for the log, not for people.
    expect(reply.text).not.toContain('PIVOTAL_ADMIN_SLACK_IDS');
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
  });

  it('lets someone listed in PIVOTAL_ADMIN_SLACK_IDS connect though Slack says they are no admin', async () => {
    const { answer } = await paste(h.newKey('live'), { user: LISTED });
    expect(answer.response_action).toBe('update');
    expect((await row())?.connected_by).toBe(LISTED.id);
  });

  it('refuses a submission from someone who is not an admin (a stale or forged modal)', async () => {
    const modal = await openConnect();
    const res = await h.submit(echoView(modal, { api_key: h.newKey('live') }), {
      user: CSM,
    });
    // The modal stays open with the refusal under the key field (plain text, so no mentions).
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { api_key: 'Only a workspace admin can connect Pivotal.' },
    });
    expect((await row())?.pivotal_key_ciphertext ?? null).toBeNull();
  });

  it('opens the modal from the Connect button of a reply, Home, or an open modal; a non-admin is told who can', async () => {
    const notConnected = await replyTo(await h.command('status', { user: ADMIN }));
    const button = notConnected.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'connect_open');
    expect(button).toBeDefined();
    expect(visibleText(notConnected.blocks)).toContain('not connected to Pivotal yet');

    const opened = h.slack.callsTo('views.open').length;
    const message = {
      kind: 'message' as const,
      channelId: 'C0GENERAL',
      messageTs: '1.000001',
      responseUrl: h.slack.responseUrl('connect-open'),
    };
    await h.action({ action_id: 'connect_open', block_id: 'connect_not_connected' }, message, { user: ADMIN });
    await h.action(
      { action_id: 'connect_open' },
      { kind: 'view', view: { id: 'VHOME1', type: 'home' } },
      { user: ADMIN },
    );
    await h.idle();
    expect(
      h.slack
        .callsTo('views.open')
        .slice(opened)
        .map((c) => (c.args.view as { callback_id: string }).callback_id),
    ).toEqual(['connect_submit', 'connect_submit']);

    const pushed = h.slack.callsTo('views.push').length;
    await h.action(
      { action_id: 'connect_open' },
      { kind: 'view', view: { id: 'VMODAL1', type: 'modal' } },
      { user: ADMIN },
    );
    await h.idle();
    expect(
      h.slack
        .callsTo('views.push')
        .slice(pushed)
        .map((c) => (c.args.view as { callback_id: string }).callback_id),
    ).toEqual(['connect_submit']);

    // Someone who is no admin, clicking a stale button: told, never silence.
    const nonAdminReply = h.slack.responseUrl('connect-open-csm');
    await h.action({ action_id: 'connect_open' }, { ...message, responseUrl: nonAdminReply }, { user: CSM });
    await h.idle();
    const told = h.slack.responseUrlPosts.find((p) => p.id === 'connect-open-csm')?.body as unknown as Reply;
    expect(told.text).toContain(`Ask <@${LISTED.id}> or <@${ADMIN.id}>`);
    const homeOpened = h.slack.callsTo('views.open').length;
    await h.action(
      { action_id: 'connect_open' },
      { kind: 'view', view: { id: 'VHOME2', type: 'home' } },
      { user: CSM },
    );
    await h.idle();
    expect(visibleText(h.slack.callsTo('views.open')[homeOpened]?.args.view)).toContain(
      `Only a workspace admin can connect Pivotal. Ask <@${LISTED.id}> or <@${ADMIN.id}>.`,
    );
  });
});

describe('rotating the key', () => {
  it('replaces the key of the same organization once the new one passes /me, and ignores late failures of the old one', async () => {
    const oldKey = h.newKey('live');
    await connect(oldKey);
    const oldConnection = await h.app.ctx.pivotal.forWorkspace({ teamId: TEAM.id });

    const newKey = h.newKey('live');
    const view = await connect(newKey);
    expect(visibleText(view.blocks)).toContain('Key replaced');
    expect(visibleText(view.blocks)).toContain(`The previous key \`${keyDisplayPrefix(oldKey)}…\` is forgotten here`);
    expect(h.app.ctx.keyRing.decrypt((await row())!.pivotal_key_ciphertext!)).toBe(newKey);

    h.pivotal.resetRequests();
    await replyTo(await h.command('status'));
    expect(h.pivotal.requests.map((r) => r.keyPrefix)).toEqual([keyDisplayPrefix(newKey)]);

    // An old request still in flight when the old key is revoked must not flag the new connection.
    h.pivotal.revokeKey(oldKey);
    await expect(oldConnection!.client.me()).rejects.toThrow();
    await h.idle();
    expect((await row())?.needs_attention).toBeNull();
  });

  it('asks before switching to a key of another organization, and switches only on confirmation', async () => {
    const firstKey = h.newKey('live');
    await connect(firstKey);
    const other = h.pivotal.createOrg({ name: 'Globex <Partners>', slug: `globex-${Date.now()}` });
    const otherKey = h.newKey('test', other.id);

    const { modal, answer } = await paste(otherKey);
    expect(answer.response_action).toBe('update');
    expect(answer.view?.callback_id).toBe('connect_switch_confirm');
    const text = visibleText(answer.view?.blocks);
    expect(text).toContain('This key belongs to another Pivotal organization');
    expect(text).toContain(`\`${h.pivotal.state.org(h.orgId).slug}\``);
    expect(text).toContain(`\`${other.slug}\``);
    expect(hasTestLabel(answer.view?.blocks)).toBe(true);
    expect(holdsKey(JSON.stringify(answer.view), otherKey)).toBe(false);
    // Nothing changed yet: the first key is still the workspace's, and the waiting key is encrypted.
    expect((await row())?.pivotal_org_id).toBe(h.orgId);
    const pending = await h.app.ctx.store.db.selectFrom('pending_key_switches').selectAll().execute();
    expect(pending).toHaveLength(1);
    expect(holdsKey(JSON.stringify(pending), otherKey)).toBe(false);

    const confirmView = echoViewWithState({ id: modal.id, view: answer.view! });
    // Someone who is no admin confirming (a forged or passed-on modal): the confirmation has no input
    // to mark, so the refusal takes its place, and the switch still waits.
    const refused = (await h.submit(confirmView, { user: CSM })).json as ModalAnswer;
    expect(refused.response_action).toBe('update');
    expect(visibleText(refused.view?.blocks)).toContain(
      `Only a workspace admin can switch the Pivotal organization. Ask <@${LISTED.id}> or <@${ADMIN.id}>.`,
    );
    expect((await row())?.pivotal_org_id).toBe(h.orgId);
    const confirmed = (await h.submit(confirmView, { user: ADMIN })).json as ModalAnswer;
    expect(confirmed.response_action).toBe('update');
    expect(visibleText(confirmed.view?.blocks)).toContain(
      `*Switched* from \`${h.pivotal.state.org(h.orgId).slug}\` to \`${other.slug}\``,
    );
    expect(await row()).toMatchObject({
      pivotal_org_id: other.id,
      pivotal_mode: 'test',
      pivotal_org_slug: other.slug,
      pivotal_org_name: null,
    });
    expect(await h.app.ctx.store.db.selectFrom('pending_key_switches').selectAll().execute()).toEqual([]);

    // A second click on the same confirmation changes nothing.
    const again = (await h.submit(confirmView, { user: ADMIN })).json as ModalAnswer;
    expect(visibleText(again.view?.blocks)).toContain('This confirmation is no longer valid');
    expect(hasTestLabel(again.view?.blocks)).toBe(true);
  });

  it('keeps the current organization when the admin closes the confirmation, and forgets the waiting key', async () => {
    await connect(h.newKey('live'));
    const other = h.pivotal.createOrg({ name: 'Initech', slug: `initech-${Date.now()}` });
    const { modal, answer } = await paste(h.newKey('live', other.id));
    expect(answer.view?.callback_id).toBe('connect_switch_confirm');

    await h.closeView(echoViewWithState({ id: modal.id, view: answer.view! }), { user: ADMIN });
    await h.idle();
    expect(await h.app.ctx.store.db.selectFrom('pending_key_switches').selectAll().execute()).toEqual([]);
    expect((await row())?.pivotal_org_id).toBe(h.orgId);
  });

  it('does not let another admin confirm a switch they did not ask for', async () => {
    await connect(h.newKey('live'));
    const other = h.pivotal.createOrg({ name: 'Umbrella', slug: `umbrella-${Date.now()}` });
    const { modal, answer } = await paste(h.newKey('live', other.id));
    const byOther = (await h.submit(echoViewWithState({ id: modal.id, view: answer.view! }), { user: LISTED }))
      .json as ModalAnswer;
    expect(visibleText(byOther.view?.blocks)).toContain('no longer valid');
    expect((await row())?.pivotal_org_id).toBe(h.orgId);
  });
});

describe('status and disconnect', () => {
  it('shows anyone the connection, org, key prefix, mode and last successful call', async () => {
    const key = h.newKey('live');
    await connect(key);
    await replyTo(await h.command('status', { user: CSM }));
    const reply = await replyTo(await h.command('status', { user: CSM }));
    expect(reply.response_type).toBe('ephemeral');
    const text = visibleText(reply.blocks);
    expect(text).toContain(':large_green_circle: working');
    expect(text).toContain(`\`${h.pivotal.state.org(h.orgId).slug}\``);
    expect(text).toContain(`\`${keyDisplayPrefix(key)}…\``);
    expect(text).toContain('*Mode*\nLive');
    expect(text).toContain(`connected by <@${ADMIN.id}>`);
    expect(text).toMatch(/\*Last successful call before this check\*\n<!date\^\d+\^/);
    expect(text).toContain('Pivotal accepted the key');
  });

  it('tells a non-admin who can connect when the workspace is not connected, without a button', async () => {
    const reply = await replyTo(await h.command('status', { user: CSM }));
    expect(visibleText(reply.blocks)).toContain(
      `Ask <@${LISTED.id}> or <@${ADMIN.id}> to connect it with \`/pivotal connect\``,
    );
    expect(JSON.stringify(reply.blocks)).not.toContain('connect_open');
  });

  it('disconnects after a confirmation, and refuses non-admins', async () => {
    const key = h.newKey('live');
    await connect(key);
    const refused = await replyTo(await h.command('disconnect', { user: CSM }));
    expect(refused.text).toContain('can disconnect Pivotal');

    const confirm = await replyTo(await h.command('disconnect', { user: ADMIN }));
    expect(visibleText(confirm.blocks)).toContain(
      `Disconnect this Slack workspace from \`${h.pivotal.state.org(h.orgId).slug}\``,
    );
    const button = confirm.blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'connect_disconnect_confirm')!;
    expect((await row())?.pivotal_key_ciphertext).not.toBeNull();

    const clickedBy = (user: FakeUser, id: string) =>
      h.action(
        { action_id: 'connect_disconnect_confirm', block_id: 'connect_disconnect', value: button.value! },
        { kind: 'message', channelId: 'C0GENERAL', messageTs: '2.000001', responseUrl: h.slack.responseUrl(id) },
        { user },
      );
    await clickedBy(CSM, 'disconnect-csm');
    await h.idle();
    expect((await row())?.pivotal_key_ciphertext).not.toBeNull();

    await clickedBy(ADMIN, 'disconnect-admin');
    await h.idle();
    const done = h.slack.responseUrlPosts.find((p) => p.id === 'disconnect-admin')?.body as unknown as Reply;
    expect(done.replace_original).toBe(true);
    expect(visibleText(done.blocks)).toContain(`The key \`${keyDisplayPrefix(key)}…\` is forgotten here`);
    expect(await row()).toMatchObject({ pivotal_key_ciphertext: null, pivotal_key_prefix: null, pivotal_org_id: null });

    const status = await replyTo(await h.command('status', { user: ADMIN }));
    expect(visibleText(status.blocks)).toContain('not connected to Pivotal yet');
  });

  it('does not disconnect a key connected after the confirmation was shown', async () => {
    await connect(h.newKey('live'));
    const confirm = await replyTo(await h.command('disconnect', { user: ADMIN }));
    const value = confirm.blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'connect_disconnect_confirm')!.value!;
    await new Promise((r) => setTimeout(r, 5));
    await connect(h.newKey('live'));

    await h.action(
      { action_id: 'connect_disconnect_confirm', value },
      {
        kind: 'message',
        channelId: 'C0GENERAL',
        messageTs: '3.000001',
        responseUrl: h.slack.responseUrl('late-click'),
      },
      { user: ADMIN },
    );
    await h.idle();
    const answer = h.slack.responseUrlPosts.find((p) => p.id === 'late-click')?.body as unknown as Reply;
    expect(answer.text).toContain('changed after this confirmation was shown');
    expect((await row())?.pivotal_key_ciphertext).not.toBeNull();
  });

  it('says there is nothing to disconnect when nothing is connected, and removes the prompt on "Keep it"', async () => {
    const nothing = await replyTo(await h.command('disconnect', { user: ADMIN }));
    expect(nothing.text).toContain('nothing to disconnect');
    await h.action(
      { action_id: 'connect_disconnect_cancel' },
      { kind: 'message', channelId: 'C0GENERAL', messageTs: '4.000001', responseUrl: h.slack.responseUrl('keep-it') },
      { user: ADMIN },
    );
    await h.idle();
    expect(h.slack.responseUrlPosts.find((p) => p.id === 'keep-it')?.body).toEqual({ delete_original: true });
  });
});

describe('secrets at rest and in logs', () => {
  it('keeps every connected key out of the database file and the logs', async () => {
    const keys = [h.newKey('live'), h.newKey('test')];
    for (const key of keys) await connect(key);
    const dir = h.app.config.dataDir;
    let onDisk = '';
    for (const file of ['pivotal-slack.sqlite', 'pivotal-slack.sqlite-wal']) {
      onDisk += await readFile(path.join(dir, file)).then(
        (b) => b.toString('latin1'),
        () => '',
      );
    }
    expect(onDisk.length).toBeGreaterThan(0);
    expect(onDisk).toContain(keyDisplayPrefix(keys[1]!));
    for (const key of keys) expect(holdsKey(onDisk, key)).toBe(false);
    expect(h.logs.leaked(h.secrets)).toEqual([]);
    expect(h.logs.text).toContain('Pivotal key connected');
  });
});

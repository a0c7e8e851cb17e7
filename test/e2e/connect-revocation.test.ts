import type { ModalView } from '@slack/types';
import { installThroughOAuth, startOAuthHarness } from '../harness/oauth.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyDisplayPrefix } from '../../src/pivotal/index.js';
import { getWorkspace } from '../../src/store/workspaces.js';
import type { FakeUser } from '../../sandbox/fake-slack/server.js';
import { eventEnvelope, type SlackTeamRef } from '../../sandbox/slack-requests.js';
import { ADMIN, CSM, TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { connectWorkspace } from '../harness/connect-workspace.js';
import { homeBlocks, homeText, openHome } from '../harness/home.js';
import { FILLED, openOnboard, submitView as submitOnboard } from '../harness/onboard-flow.js';
import { openMove, seedOnboarding, select, submitView as submitMove } from '../harness/phase-moves.js';
import { visibleText, currentView, echoView } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/** A key rejected at run time, the bootstrap key, uninstalling. */

const LISTED: FakeUser = { id: 'U0LISTED1', name: 'lee' };
const OWNER: FakeUser = { id: 'U0OWNER01', name: 'olga', is_owner: true };

interface Reply {
  text: string;
  blocks: unknown[];
}

async function statusOf(h: Harness, user: FakeUser, team: SlackTeamRef = TEAM): Promise<Reply> {
  const res = await h.command('status', { user, team });
  await h.idle();
  return h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)!.body as unknown as Reply;
}

function dmsTo(h: Harness): string[] {
  return h.slack
    .callsTo('chat.postMessage')
    .map((c) => String(c.args.channel))
    .sort();
}

describe('a key revoked in Pivotal while in use', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: false, env: { PIVOTAL_ADMIN_SLACK_IDS: LISTED.id } });
    h.slack.addUser(LISTED);
    h.slack.addUser(OWNER);
  });
  afterAll(async () => {
    await h.close();
  });

  it('flags the workspace, DMs each admin exactly once, and tells everyone who tried what happened and who can fix it', async () => {
    const key = h.newKey('test');
    await connectWorkspace(h, key);
    h.pivotal.revokeKey(key);

    // Three people at once, and each request is refused by Pivotal.
    const replies = await Promise.all([CSM, ADMIN, LISTED].map((user) => statusOf(h, user)));
    for (const reply of replies) {
      const text = visibleText(reply.blocks);
      expect(text).toContain(":x: Pivotal refused this workspace's API key: it has been revoked.");
      expect(text).toContain(
        `<@${LISTED.id}>, <@${ADMIN.id}> or <@${OWNER.id}> can connect a new key with \`/pivotal connect\``,
      );
      expect(text).toContain(':red_circle: not working');
    }

    expect(dmsTo(h)).toEqual([ADMIN.id, LISTED.id, OWNER.id].sort());
    const dm = h.slack.callsTo('chat.postMessage')[0]!.args;
    expect(JSON.stringify(dm.blocks)).toContain('"block_id":"test_key_label"');
    expect(String(dm.text)).toMatch(/^\[:test_tube: TEST MODE\] Pivotal stopped accepting/);
    expect(visibleText(dm.blocks)).toContain(
      `\`${keyDisplayPrefix(key)}…\` for \`${h.pivotal.state.org(h.orgId).slug}\``,
    );
    expect(visibleText(dm.blocks)).toContain('the key was revoked in Pivotal');
    expect(JSON.stringify(dm.blocks)).toContain('"action_id":"connect_open"');

    const row = await getWorkspace(h.app.ctx.store.db, TEAM.id);
    expect(row).toMatchObject({ needs_attention: 'api_key_revoked' });
    expect(row?.attention_since).toMatch(/^\d{4}-/);

    // An admin opening Home sees the banner, with the button that opens the connect modal.
    const home = await openHome(h, ADMIN);
    expect(homeText(home)).toContain('The Pivotal connection needs attention');
    expect(JSON.stringify(homeBlocks(home).find((b) => b.block_id === 'connect_attention'))).toContain(
      '"action_id":"connect_open"',
    );

    // More failures: no more DMs, and the status now carries the banner.
    const later = await statusOf(h, CSM);
    expect(visibleText(later.blocks)).toContain('The Pivotal connection needs attention');
    expect(dmsTo(h)).toHaveLength(3);
  });

  it('clears everything once a working key is connected, and tells the admins again if that one is revoked too', async () => {
    const key = h.newKey('live');
    await connectWorkspace(h, key);
    expect((await getWorkspace(h.app.ctx.store.db, TEAM.id))?.needs_attention).toBeNull();
    const home = await openHome(h, ADMIN);
    expect(homeText(home)).not.toContain('needs attention');
    expect(homeBlocks(home).map((b) => b.block_id)).not.toContain('connect_attention');
    const ok = await statusOf(h, CSM);
    expect(visibleText(ok.blocks)).toContain(':large_green_circle: working');
    expect(visibleText(ok.blocks)).not.toContain('needs attention');

    h.pivotal.revokeKey(key);
    await statusOf(h, CSM);
    await statusOf(h, ADMIN);
    expect(dmsTo(h)).toEqual([ADMIN.id, ADMIN.id, LISTED.id, LISTED.id, OWNER.id, OWNER.id]);
    const dm = h.slack.callsTo('chat.postMessage').at(-1)!.args;
    expect(JSON.stringify(dm.blocks)).not.toContain('test_key_label');
  });

  it('names the refusal when Pivotal rejects the key for another reason', async () => {
    const key = h.newKey('live');
    await connectWorkspace(h, key);
    h.pivotal.faults.failNext(1, 401, { type: 'authentication_error', code: 'invalid_api_key' });
    const reply = await statusOf(h, CSM);
    expect(visibleText(reply.blocks)).toContain("Pivotal refused this workspace's API key (invalid_api_key)");
    const dm = h.slack.callsTo('chat.postMessage').at(-1)!.args;
    expect(visibleText(dm.blocks)).toContain('Pivotal refused the key (`invalid_api_key`)');
  });
});

describe('a key revoked while people are in the middle of a move, an onboarding and a new contact', () => {
  let h: Harness;
  /** The modals CSM opened while the key still worked. */
  let move: Awaited<ReturnType<typeof openMove>>;
  let onboardView: string;
  let contactView: string;
  const fixers = `<@${LISTED.id}>, <@${ADMIN.id}> or <@${OWNER.id}> can connect a new key with \`/pivotal connect\``;

  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: false, env: { PIVOTAL_ADMIN_SLACK_IDS: LISTED.id } });
    h.slack.addUser(LISTED);
    h.slack.addUser(OWNER);
    const key = h.newKey('live');
    await connectWorkspace(h, key);
    const { customer } = await seedOnboarding(h);
    move = await openMove(h, customer.name);
    onboardView = await openOnboard(h, 'Halfway Holdings');
    const opened = new Set(h.slack.views.keys());
    await h.command(`contact ${customer.name}`);
    contactView = await waitFor(() => [...h.slack.views.keys()].find((k) => !opened.has(k)), {
      what: 'the contact modal',
    });
    h.pivotal.revokeKey(key);
  });
  afterAll(async () => {
    await h.close();
  });

  it('the move modal comes back saying the key was revoked and naming the admins', async () => {
    const { view } = await submitMove(h, move, { phase: select('program_buildout') });
    const text = visibleText(view.view.blocks);
    expect(text).toContain('Nothing was saved. Pivotal refused this workspace');
    expect(text).toContain(fixers);
  });

  it('the onboard modal says which step stopped, and names the admins', async () => {
    await submitOnboard(h, onboardView, FILLED);
    await h.idle();
    const text = visibleText(currentView(h.slack, onboardView).view.blocks);
    expect(text).toContain('Customer *Halfway Holdings* — not done: Pivotal refused this workspace');
    expect(text).toContain(fixers);
  });

  it('the contact modal comes back with the same explanation above the form', async () => {
    const res = await h.submit(
      echoView(currentView(h.slack, contactView), { contact_name: 'Nina Late', contact_email: 'nina@halfway.example' }),
    );
    // Pivotal answers within the ack's time: the refusal comes back in the ack itself, or by views.update after it.
    const ack = res.json as { response_action?: string; view?: ModalView };
    if (ack.response_action === 'update' && ack.view) h.slack.putView(ack.view, contactView);
    await h.idle();
    const blocks = currentView(h.slack, contactView).view.blocks as Array<{ block_id?: string }>;
    expect(visibleText(blocks.find((b) => b.block_id === 'form_banner'))).toContain(fixers);
  });

  it('flags the workspace and DMs each admin once for all three failures', async () => {
    expect(await getWorkspace(h.app.ctx.store.db, TEAM.id)).toMatchObject({ needs_attention: 'api_key_revoked' });
    expect(dmsTo(h)).toEqual([ADMIN.id, LISTED.id, OWNER.id].sort());
  });
});

describe('single-workspace mode with PIVOTAL_API_KEY', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: 'live' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('uses the bootstrap key until a key is connected, then only the connected one', async () => {
    h.pivotal.resetRequests();
    // Where the server keeps the key is for admins; a CSM reads that the connection works.
    expect(visibleText((await statusOf(h, CSM)).blocks)).not.toContain('PIVOTAL_API_KEY');
    expect(visibleText((await statusOf(h, ADMIN)).blocks)).toContain("the server's `PIVOTAL_API_KEY`");
    expect([...new Set(h.pivotal.requests.map((r) => r.keyPrefix))]).toEqual([keyDisplayPrefix(h.apiKey!)]);

    const key = h.newKey('live');
    await connectWorkspace(h, key);
    h.pivotal.resetRequests();
    await statusOf(h, CSM);
    expect(h.pivotal.requests.map((r) => r.keyPrefix)).toEqual([keyDisplayPrefix(key)]);

    // Disconnecting falls back to the bootstrap key, and says so.
    const confirm = await h.command('disconnect', { user: ADMIN });
    await h.idle();
    const value = JSON.stringify(h.slack.responseUrlPosts.find((p) => p.id === confirm.responseUrlId)!.body).match(
      /"value":"([^"]+)"/,
    )![1]!;
    await h.action(
      { action_id: 'connect_disconnect_confirm', value },
      { kind: 'message', channelId: 'C0GENERAL', messageTs: '1.1', responseUrl: h.slack.responseUrl('fallback') },
      { user: ADMIN },
    );
    await h.idle();
    expect(visibleText(h.slack.responseUrlPosts.find((p) => p.id === 'fallback')!.body.blocks)).toContain(
      `now uses that key; remove the variable to disconnect completely`,
    );
    const bootstrapOnly = await h.command('disconnect', { user: ADMIN });
    await h.idle();
    expect(JSON.stringify(h.slack.responseUrlPosts.find((p) => p.id === bootstrapOnly.responseUrlId)!.body)).toContain(
      'No key was connected in Slack',
    );
  });

  it('flags a revoked bootstrap key once, though the workspace never had a row', async () => {
    h.pivotal.revokeKey(h.apiKey!);
    await Promise.all([statusOf(h, CSM), statusOf(h, ADMIN)]);
    expect(dmsTo(h)).toEqual([ADMIN.id]);
    expect(await getWorkspace(h.app.ctx.store.db, TEAM.id)).toMatchObject({
      needs_attention: 'api_key_revoked',
      pivotal_key_ciphertext: null,
    });
  });
});

describe('uninstalling the Slack app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bootstrapKey: false });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => h.slack.reset());

  const row = () => getWorkspace(h.app.ctx.store.db, TEAM.id);

  it('forgets the key on app_uninstalled', async () => {
    await connectWorkspace(h, h.newKey('live'));
    await h.event({ type: 'app_uninstalled' });
    await h.idle();
    expect(await row()).toMatchObject({ pivotal_key_ciphertext: null, pivotal_key_prefix: null });
    h.pivotal.resetRequests();
    expect(visibleText((await statusOf(h, ADMIN)).blocks)).toContain('not connected to Pivotal yet');
    expect(h.pivotal.requests).toHaveLength(0);
  });

  it('forgets the key when the bot token is revoked, not when only user tokens are', async () => {
    await connectWorkspace(h, h.newKey('live'));
    await h.event({ type: 'tokens_revoked', tokens: { oauth: [ADMIN.id] } });
    await h.idle();
    expect((await row())?.pivotal_key_ciphertext).not.toBeNull();
    await h.event({ type: 'tokens_revoked', tokens: { bot: ['UBOT'] } });
    await h.idle();
    expect((await row())?.pivotal_key_ciphertext).toBeNull();
  });

  it('keeps a key connected after the uninstall event was sent (a late delivery after a reinstall)', async () => {
    const sent = Math.floor(Date.now() / 1000) - 60;
    await connectWorkspace(h, h.newKey('live'));
    await h.sender.sendEvent({ ...eventEnvelope(TEAM, { type: 'app_uninstalled' }), event_time: sent });
    await h.idle();
    expect((await row())?.pivotal_key_ciphertext).not.toBeNull();
  });
});

describe('uninstalling with OAuth distribution', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startOAuthHarness({ bootstrapKey: false });
    await installThroughOAuth(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('DMs the admins with the installation token, and removes installation and key on app_uninstalled', async () => {
    const key = h.newKey('live');
    await connectWorkspace(h, key);
    h.pivotal.revokeKey(key);
    await statusOf(h, CSM);
    expect(h.slack.callsTo('chat.postMessage').map((c) => [c.args.channel, c.tokenKind])).toEqual([
      [ADMIN.id, 'xoxb-'],
    ]);

    await h.event({ type: 'app_uninstalled' });
    await h.idle();
    expect(await h.app.ctx.store.db.selectFrom('slack_installations').selectAll().execute()).toEqual([]);
    expect((await getWorkspace(h.app.ctx.store.db, TEAM.id))?.pivotal_key_ciphertext).toBeNull();
  });
});

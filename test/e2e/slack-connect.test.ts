import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack } from '../../sandbox/fake-slack/server.js';
import { startPivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { eventEnvelope, slashCommandFields, type SlackUserRef } from '../../sandbox/slack-requests.js';
import { setPrimaryContact } from '../../src/store/read-model.js';
import { CSM, NOTIFY_CHANNEL, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { openMove, seedOnboarding, select, WORKSPACE } from '../harness/phase-moves.js';
import { echoViewWithState, visibleText } from '../harness/view-submission.js';
import { homeBlocks, homeText, openHome } from '../harness/home.js';
import { blockKitProblems } from '../harness/block-kit.js';

/**
 * People of another organisation in a Slack Connect channel: every kind of request they can send
 * gets nothing of the host's data and changes nothing. Each case also runs once as a host member,
 * so a refusal is known to come from the guard and not from a request that could never work.
 */

const OTHER_TEAM = { id: 'T0VENDOR1', domain: 'vendor' };
const GUEST: SlackUserRef = { id: 'U0GUEST01', name: 'gus', teamId: OTHER_TEAM.id };
/** The team name the fake Slack's auth.test reports for the host. */
const REFUSAL = 'This app serves *Sandbox* members only';

let h: Harness;
let customer: { id: string; name: string; display_id: number };
let onboarding: { id: string; display_id: number };
const CONTACT = { name: 'Maya Chen', title: 'VP Operations', email: 'maya.chen@aurora.test' };

beforeAll(async () => {
  h = await startHarness();
  ({ customer, onboarding } = await seedOnboarding(h, { customer: { name: 'Aurora Analytics' } }));
  await setPrimaryContact(h.app.ctx.store.db, WORKSPACE, customer.id, { id: 'con_1', ...CONTACT });
});
afterAll(() => h.close());

/** Everything the app sent anywhere in Slack since `from` (Web API calls and response_url posts), as text. */
function sentSince(from: { calls: number; posts: number }): string {
  return JSON.stringify([
    h.slack.calls.slice(from.calls).map((c) => c.args),
    h.slack.responseUrlPosts.slice(from.posts),
  ]);
}
const mark = () => ({
  calls: h.slack.calls.length,
  posts: h.slack.responseUrlPosts.length,
  pivotal: h.pivotal.requests.length,
});

function expectNothingOfTheHost(from: ReturnType<typeof mark>) {
  const sent = sentSince(from);
  for (const secret of [customer.name, CONTACT.name, CONTACT.email, CONTACT.title, `#${onboarding.display_id}`])
    expect(sent).not.toContain(secret);
  expect(h.pivotal.requests.slice(from.pivotal)).toEqual([]);
}

const linkShared = (user: string, extra: Record<string, unknown> = {}) => ({
  type: 'link_shared',
  channel: 'C0SHARED1',
  user,
  message_ts: '1716200000.000100',
  event_ts: '1716200000.000200',
  is_bot_user_member: true,
  links: [{ domain: 'my.pivotal.app', url: `https://my.pivotal.app/customers/${customer.display_id}` }],
  ...extra,
});

describe('Slack Connect: people of another organisation', () => {
  it('get no unfurl in a channel shared with another organisation, nor when they paste the link', async () => {
    const before = mark();
    await h.sender.sendEvent({ ...eventEnvelope(TEAM, linkShared(CSM.id)), is_ext_shared_channel: true });
    await h.sender.sendEvent(eventEnvelope(TEAM, linkShared(GUEST.id, { user_team: OTHER_TEAM.id })));
    await h.idle();
    expect(h.slack.callsTo('chat.unfurl')).toHaveLength(0);
    expectNothingOfTheHost(before);

    // The same link from a member in an internal channel is unfurled, with the contact.
    await h.event(linkShared(CSM.id));
    await h.idle();
    expect(h.slack.callsTo('chat.unfurl')).toHaveLength(1);
    expect(JSON.stringify(h.slack.callsTo('chat.unfurl')[0]!.args)).toContain(CONTACT.email);
  });

  it('are told politely, in the channel only they see, when they press "Move phase" on a post', async () => {
    const container = {
      kind: 'message' as const,
      channelId: NOTIFY_CHANNEL,
      messageTs: '1716200000.000300',
      responseUrl: h.slack.responseUrl('guest-move'),
    };
    const before = mark();
    const res = await h.action({ action_id: 'move_open', value: onboarding.id }, container, { user: GUEST });
    await h.idle();
    expect(res.status).toBe(200);
    expect(h.slack.callsTo('views.open').length + h.slack.callsTo('views.push').length).toBe(0);
    const told = h.slack.responseUrlPosts.filter((p) => p.id === 'guest-move');
    expect(told).toEqual([
      {
        id: 'guest-move',
        body: expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining(REFUSAL) }),
      },
    ]);
    expectNothingOfTheHost(before);

    await h.action({ action_id: 'move_open', value: onboarding.id }, container);
    await h.idle();
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
  });

  it('see the refusal in place of a modal they act in', async () => {
    const form = await openMove(h, customer.name);
    const before = mark();
    await h.action(
      { action_id: 'move_open', value: onboarding.id },
      { kind: 'view', view: echoViewWithState(form) },
      { user: GUEST },
    );
    await h.idle();
    expect(h.slack.callsTo('views.push').length).toBe(0);
    expect(h.slack.calls.slice(before.calls).map((c) => c.method)).toEqual(['views.update']);
    expect(visibleText(h.slack.views.get(form.id)!.view.blocks)).toContain(REFUSAL);
    expectNothingOfTheHost(before);
  });

  it('cannot save a move, even with a form a member opened; the modal tells them why', async () => {
    const form = await openMove(h, customer.name);
    const before = mark();
    const res = await h.submit(echoViewWithState(form, { phase: select('program_buildout') }), { user: GUEST });
    await h.idle();
    const answer = res.json as { response_action?: string; view?: { blocks?: unknown[] } };
    expect(answer.response_action).toBe('update');
    expect(visibleText(answer.view?.blocks)).toContain(REFUSAL);
    expect(JSON.stringify(answer)).not.toContain(customer.name);
    expectNothingOfTheHost(before);
    expect(h.pivotal.state.get(h.orgId, 'onboardings', onboarding.id)!.phase).toBe('review');
    const audit = await h.app.ctx.store.db
      .selectFrom('phase_transitions')
      .select('id')
      .where('onboarding_id', '=', onboarding.id)
      .execute();
    expect(audit).toEqual([]);
  });

  it('are answered by the command with whom the app serves, as they see it alone', async () => {
    for (const send of [
      // The command typed from their own workspace: its team_id is theirs.
      () => h.command(`customer ${customer.name}`, { user: GUEST, team: OTHER_TEAM }),
      // Slack names the host team and the person's own team apart.
      () =>
        h.sender.sendForm({
          ...slashCommandFields({
            text: `customer ${customer.name}`,
            user: GUEST,
            team: TEAM,
            responseUrl: h.slack.responseUrl('guest-cmd'),
          }),
          user_team: OTHER_TEAM.id,
        }),
    ]) {
      const before = mark();
      const res = await send();
      await h.idle();
      expect(res.json).toEqual({ response_type: 'ephemeral', text: expect.stringContaining(REFUSAL) });
      expectNothingOfTheHost(before);
    }

    const member = await h.command(`customer ${customer.name}`);
    await h.idle();
    expect(JSON.stringify([member.json, h.slack.responseUrlPosts])).toContain(customer.name);
  });

  it('see only the refusal on the Home tab, and a member who opens Home again is not looked up again', async () => {
    // Slack's record of the guest names their own team; app_home_opened itself names no team.
    h.slack.addUser({ id: GUEST.id, name: 'gus', team_id: OTHER_TEAM.id });
    const before = mark();
    const home = await openHome(h, GUEST);
    await h.idle();
    expect(home.view).toEqual({
      type: 'home',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':lock: This app serves *Sandbox* members only, so it cannot show or change anything for you here.',
          },
        },
      ],
    });
    expect(blockKitProblems('home', { blocks: homeBlocks(home) })).toEqual([]);
    expectNothingOfTheHost(before);
    // The Home listener never ran for them: it records every opening first.
    const opened = await h.app.ctx.store.db
      .selectFrom('home_views')
      .select('user_id')
      .where('user_id', '=', GUEST.id)
      .execute();
    expect(opened).toEqual([]);

    const member = await openHome(h, CSM);
    expect(homeText(member)).toContain('Connected to');
    expect(homeText(member)).not.toContain('members only');
    const again = mark();
    await openHome(h, CSM);
    expect(h.slack.calls.slice(again.calls).filter((c) => c.method === 'users.info')).toEqual([]);
  });

  it('get no suggestions when typing in a customer picker', async () => {
    const input = { action_id: 'customer_pick', block_id: 'contact_customer', value: customer.name.slice(0, 6) };
    const before = mark();
    const res = await h.suggest(input, { user: GUEST });
    await h.idle();
    expect(res.json).toEqual({ options: [] });
    expectNothingOfTheHost(before);

    const member = await h.suggest(input);
    expect(JSON.stringify(member.json)).toContain(customer.name);
  });
});

describe('Slack Connect in an Enterprise Grid', () => {
  const ENTERPRISE = 'E0ACME01';
  /** Slack's own record of each person's enterprise (users.info), as the guard asks for it. */
  const enterpriseOf: Record<string, string | undefined> = {
    U0SIBLING: ENTERPRISE,
    U0VENDOR1: 'E0VENDOR1',
    U0PLAIN01: undefined,
  };
  /** And each person's home team, which app_home_opened leaves out. */
  const teamOf: Record<string, string> = { U0SIBLING: 'T0SISTER1', U0VENDOR1: 'T0VENDOR1', U0PLAIN01: 'T0PLAIN01' };
  let grid: Harness;

  beforeAll(async () => {
    const slack = await startFakeSlack({ teamId: TEAM.id });
    const answer = (res: ServerResponse, body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    // The host workspace belongs to an enterprise: auth.test says so, and users.info names each person's.
    slack.route('POST', '/api/auth.test', (_req, res) =>
      answer(res, {
        ok: true,
        team: 'Acme East',
        team_id: TEAM.id,
        enterprise_id: ENTERPRISE,
        user_id: 'UBOT',
        bot_id: 'BBOT',
      }),
    );
    slack.route('POST', '/api/users.info', (_req, res, body) => {
      const user = new URLSearchParams(body).get('user') ?? '';
      const enterprise = enterpriseOf[user];
      answer(res, {
        ok: true,
        user: {
          id: user,
          name: user.toLowerCase(),
          team_id: teamOf[user] ?? TEAM.id,
          ...(enterprise ? { enterprise_user: { enterprise_id: enterprise, id: user } } : {}),
        },
      });
    });
    grid = await startHarness({ shared: { pivotal: await startPivotalSimulator(), slack } });
  });
  afterAll(async () => {
    await grid.close();
    await grid.slack.close();
    await grid.pivotal.close();
  });

  it('serves a colleague from a sibling workspace of the enterprise and turns away everyone else', async () => {
    const sibling = await grid.command('help', {
      user: { id: 'U0SIBLING', teamId: 'T0SISTER1' },
      team: { id: 'T0SISTER1', enterpriseId: ENTERPRISE },
    });
    expect(JSON.stringify(sibling.json)).toContain('/pivotal move');
    for (const [user, team] of [
      ['U0VENDOR1', 'T0VENDOR1'],
      ['U0PLAIN01', 'T0PLAIN01'],
    ] as const) {
      const res = await grid.command('help', { user: { id: user, teamId: team }, team: { id: team } });
      expect(res.json).toEqual({
        response_type: 'ephemeral',
        text: expect.stringContaining('This app serves *Acme East* members only'),
      });
    }
    // The host's own people are never looked up.
    await grid.command('help', { user: CSM });
    expect(grid.slack.calls.filter((c) => c.method === 'users.info' && c.args.user === CSM.id)).toEqual([]);
  });

  it("serves the sibling colleague's Home and shows everyone else the refusal as theirs", async () => {
    expect(homeText(await openHome(grid, { id: 'U0SIBLING', name: 'sib' }))).toContain('Connected to');
    for (const id of ['U0VENDOR1', 'U0PLAIN01'])
      expect(homeText(await openHome(grid, { id, name: id }))).toBe(
        ':lock: This app serves *Acme East* members only, so it cannot show or change anything for you here.',
      );
  });
});

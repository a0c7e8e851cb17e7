import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordActivity } from '../../src/notifications/activity.js';
import { OnboardingSchema } from '../../src/pivotal/index.js';
import { applyOnboardings } from '../../src/sync/apply.js';
import { setUserMapping } from '../../src/store/user-mappings.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, type Harness } from '../harness/app-harness.js';
import { visibleText } from '../harness/view-submission.js';
import {
  fastOutbox,
  openMove,
  outboxDrained,
  postsAbout,
  seedOnboarding,
  seenBySync,
  select,
  submitView,
  typed,
  WORKSPACE,
} from '../harness/phase-moves.js';
import { waitFor } from '../harness/wait.js';

/** One living parent post per onboarding, each change a thread reply, in the right channel. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  fastOutbox(h);
});
afterAll(async () => {
  await h.close();
});

/** What the onboard flow does in its transaction: the onboarding is opened, by a Slack user. */
async function opened(onboardingId: string, userId = CSM.id) {
  await recordActivity(
    h.app.ctx.store.db,
    WORKSPACE,
    { kind: 'onboarding.opened', onboardingId, actor: { type: 'slack', userId } },
    'test',
    new Date().toISOString(),
  );
  h.app.outbox.nudge();
}

/** What the sync does when it reads a change made in the Pivotal UI. */
async function syncFromPivotal(onboardingId: string) {
  const record = OnboardingSchema.parse(h.pivotal.state.get(h.orgId, 'onboardings', onboardingId));
  await h.app.ctx.store.db.transaction().execute((trx) =>
    applyOnboardings(trx, [record], {
      workspaceId: WORKSPACE,
      dialect: 'sqlite',
      now: new Date(),
      announce: true,
      announceNew: true,
    }),
  );
  h.app.outbox.nudge();
}

async function move(customerName: string, values: Parameters<typeof submitView>[2], user = CSM) {
  const form = await openMove(h, customerName, user);
  const { answer } = await submitView(h, form, values, user);
  expect(answer?.response_action).toBe('update');
}

const replyTexts = (onboardingId: string) => postsAbout(h, onboardingId).replies.map((m) => visibleText(m.blocks));

describe('channel posts', () => {
  it('posts the parent once, keeps it current, and threads every change with who made it', async () => {
    const { customer, onboarding } = await seedOnboarding(h, {
      customer: { name: 'Aurora <!here> Analytics' },
      onboarding: { csm_id: 'user_csm_007' },
    });
    await opened(onboarding.id);
    await outboxDrained(h);
    let posts = postsAbout(h, onboarding.id);
    expect(posts.tops).toHaveLength(1);
    const parent = posts.tops[0]!;
    expect(parent.channel).toBe(NOTIFY_CHANNEL);
    expect(visibleText(parent.blocks)).toContain('Aurora &lt;!here&gt; Analytics');
    expect(visibleText(parent.blocks)).toContain('3/7 Review  ▰▰▰▱▱▱▱');
    expect(JSON.stringify(parent.blocks)).toContain(
      `"action_id":"move_open","text":{"type":"plain_text","text":"Move phase","emoji":true},"value":"${onboarding.id}"`,
    );
    expect(parent.text).not.toContain('<!here>');
    expect(replyTexts(onboarding.id)).toEqual([`:new: <@${CSM.id}> opened this onboarding.`]);

    await move(customer.name, { phase: select('program_buildout'), note: typed('Kick-off went well') });
    await outboxDrained(h);
    await move(customer.name, { state: select('at_risk') }, ADMIN);
    await outboxDrained(h);
    h.pivotal.state.updateOnboarding(h.orgId, onboarding.id, { phase: 'internal_qa' });
    await syncFromPivotal(onboarding.id);
    await outboxDrained(h);

    posts = postsAbout(h, onboarding.id);
    expect(posts.tops).toHaveLength(1);
    expect(posts.tops[0]!.updates).toBe(3);
    expect(visibleText(posts.tops[0]!.blocks)).toContain('5/7 Internal QA');
    expect(visibleText(posts.tops[0]!.blocks)).toContain('At risk');
    expect(replyTexts(onboarding.id)).toEqual([
      `:new: <@${CSM.id}> opened this onboarding.`,
      `:arrow_forward: <@${CSM.id}> advanced the phase: *Review* → *Program buildout*\n>*Note:* Kick-off went well`,
      `:traffic_light: <@${ADMIN.id}> changed the state: *Active* → *At risk*`,
      ':arrow_forward: Phase moved in Pivotal: *Program buildout* → *Internal QA*',
    ]);
    expect(posts.replies.every((r) => r.channel === NOTIFY_CHANNEL)).toBe(true);
    const done = await h.app.ctx.store.db
      .selectFrom('outbox')
      .select(['status', 'attempts'])
      .where('onboarding_id', '=', onboarding.id)
      .execute();
    expect(done).toEqual(Array(4).fill({ status: 'done', attempts: 1 }));
  });

  it('creates the parent with the first change when the opening was never announced', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    await move(customer.name, { phase: select('program_design'), note: typed('Scope changed: <@U0BOSS> asked') });
    await outboxDrained(h);
    const posts = postsAbout(h, onboarding.id);
    expect(posts.tops).toHaveLength(1);
    expect(posts.tops[0]!.updates).toBe(0);
    expect(replyTexts(onboarding.id)).toEqual([
      `:leftwards_arrow_with_hook: <@${CSM.id}> sent it back: *Review* → *Program design*\n>*Reason:* Scope changed: &lt;@U0BOSS&gt; asked`,
    ]);
  });

  it("posts to the customer's own Slack channel when Pivotal links one", async () => {
    h.slack.addChannel({ id: 'C0CUSTOM1', name: 'acme-onboarding', is_member: true });
    const { customer, onboarding } = await seedOnboarding(h, { customer: { slack_channel_id: 'C0CUSTOM1' } });
    await opened(onboarding.id);
    await move(customer.name, { phase: select('program_buildout') });
    await outboxDrained(h);
    const posts = postsAbout(h, onboarding.id);
    expect(posts.tops.map((m) => m.channel)).toEqual(['C0CUSTOM1']);
    expect(posts.replies.map((m) => m.channel)).toEqual(['C0CUSTOM1', 'C0CUSTOM1']);
    expect(
      h.slack.messages.filter((m) => m.channel === NOTIFY_CHANNEL && JSON.stringify(m.blocks).includes(onboarding.id)),
    ).toEqual([]);
  });

  it('posts every change as its own message in a channel with threading off', async () => {
    h.slack.addChannel({ id: 'C0FLAT001', name: 'onboarding-flat', is_member: true });
    const { customer, onboarding } = await seedOnboarding(h, { customer: { slack_channel_id: 'C0FLAT001' } });
    const off = await h.command('channel threads off <#C0FLAT001|onboarding-flat>', { user: ADMIN });
    await h.idle();
    expect(h.slack.responseUrlPosts.find((p) => p.id === off.responseUrlId)?.body.text).toContain(
      '<#C0FLAT001> now has threads *off*',
    );

    await opened(onboarding.id);
    await move(customer.name, { phase: select('program_buildout') });
    await outboxDrained(h);
    const posts = postsAbout(h, onboarding.id);
    expect(posts.replies).toEqual([]);
    expect(posts.tops).toHaveLength(2);
    expect(posts.tops.every((m) => m.channel === 'C0FLAT001' && m.updates === 0)).toBe(true);
    expect(visibleText(posts.tops[0]!.blocks)).toContain('opened this onboarding');
    expect(visibleText(posts.tops[1]!.blocks)).toContain('advanced the phase: *Review* → *Program buildout*');
    expect(visibleText(posts.tops[1]!.blocks)).toContain('4/7 Program buildout');
  });

  it('names the owner: the Slack user mapped to the CSM, or kept in the metadata, else the Pivotal user id', async () => {
    await setUserMapping(h.app.ctx.store.db, WORKSPACE, ADMIN.id, 'user_csm_mapped', new Date().toISOString());
    const mapped = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_mapped' } });
    const inMetadata = await seedOnboarding(h, {
      onboarding: { metadata: { source: 'slack', slack_csm_user_id: CSM.id } },
    });
    const unmapped = await seedOnboarding(h, { onboarding: { csm_id: 'user_csm_999' } });
    for (const { onboarding } of [mapped, inMetadata, unmapped]) await opened(onboarding.id);
    await outboxDrained(h);
    const owner = (id: string) => visibleText(postsAbout(h, id).tops[0]!.blocks).split('*Owner*\n')[1]!.split('\n')[0];
    expect(owner(mapped.onboarding.id)).toBe(`<@${ADMIN.id}>`);
    expect(owner(inMetadata.onboarding.id)).toBe(`<@${CSM.id}>`);
    expect(owner(unmapped.onboarding.id)).toBe(
      'Not linked _(user_csm_999: an admin can link it in Home › Settings › People)_',
    );
  });

  it('renders an onboarding in a phase string the app does not know', async () => {
    h.pivotal.state.org(h.orgId).extraPhases.push('kickoff');
    const { onboarding } = await seedOnboarding(h, { onboarding: { phase: 'kickoff' } });
    await opened(onboarding.id);
    await outboxDrained(h);
    const [parent] = postsAbout(h, onboarding.id).tops;
    expect(visibleText(parent!.blocks)).toContain("Kickoff _(not in this workspace's phase list)_");
    expect(parent!.text).toContain('Kickoff');
  });
});

describe('/pivotal channel', () => {
  it('shows the setting to anyone and lets only admins change it', async () => {
    const shown = await h.command('channel');
    await h.idle();
    expect(h.slack.responseUrlPosts.find((p) => p.id === shown.responseUrlId)?.body.text).toContain(
      `Onboarding updates go to <#${NOTIFY_CHANNEL}> (threads *on*`,
    );

    const refused = await h.command('channel <#C0OTHER01|other>', { user: CSM });
    await h.idle();
    expect(h.slack.responseUrlPosts.find((p) => p.id === refused.responseUrlId)?.body.text).toContain(
      `Only a workspace admin can change where onboarding updates go. Ask <@${ADMIN.id}>.`,
    );
  });

  it('refuses what it cannot use, with the way out', async () => {
    h.slack.addChannel({ id: 'C0SECRET1', name: 'secret', is_private: true, is_member: false });
    h.slack.addChannel({ id: 'C0OLD0001', name: 'old', is_archived: true });
    const cases: Array<[string, string]> = [
      ['channel <#C0SECRET1|secret>', 'is private and I am not in it. Invite me first by typing `/invite @pivotal`'],
      ['channel <#C0OLD0001|old>', 'is archived'],
      ['channel #onboarding-team', "I don't recognise `#onboarding-team` as a channel. Type `#` and pick the channel"],
      ['channel threads maybe', "Nothing changed: I don't know `maybe` here: threads go `on` or `off`"],
    ];
    for (const [command, expected] of cases) {
      const res = await h.command(command, { user: ADMIN });
      await h.idle();
      expect(h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)?.body.text).toContain(expected);
    }
    const row = await h.app.ctx.store.db
      .selectFrom('workspaces')
      .select('notify_channel')
      .where('id', '=', WORKSPACE)
      .executeTakeFirst();
    expect(row?.notify_channel ?? null).toBeNull();
  });

  it('moves the posts of the workspace to the channel an admin picks', async () => {
    h.slack.addChannel({ id: 'C0NEWCHAN', name: 'new-onboarding', is_member: true });
    const res = await h.command('channel <#C0NEWCHAN|new-onboarding>', { user: ADMIN });
    await h.idle();
    expect(h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)?.body.text).toContain(
      'Onboarding updates now go to <#C0NEWCHAN>',
    );
    try {
      const { onboarding } = await seedOnboarding(h);
      await opened(onboarding.id);
      await outboxDrained(h);
      await waitFor(() => postsAbout(h, onboarding.id).tops.length === 1);
      expect(postsAbout(h, onboarding.id).tops[0]!.channel).toBe('C0NEWCHAN');
    } finally {
      await h.app.ctx.store.db
        .updateTable('workspaces')
        .set({ notify_channel: null })
        .where('id', '=', WORKSPACE)
        .execute();
    }
  });
});

describe('a workspace on a test key', () => {
  it('labels channel posts and replies', async () => {
    const t = await startHarness({ bootstrapKey: 'test' });
    try {
      fastOutbox(t);
      const customer = t.pivotal.state.createCustomer(t.orgId, { name: 'Rehearsal Co' });
      const onboarding = t.pivotal.state.createOnboarding(t.orgId, { customer_id: customer.id });
      await seenBySync(t, { customer, onboarding });
      await recordActivity(
        t.app.ctx.store.db,
        WORKSPACE,
        { kind: 'onboarding.opened', onboardingId: onboarding.id, actor: { type: 'pivotal' } },
        'x',
        new Date().toISOString(),
      );
      t.app.outbox.nudge();
      await outboxDrained(t);
      const { tops, replies } = postsAbout(t, onboarding.id);
      expect(tops).toHaveLength(1);
      expect(replies).toHaveLength(1);
      for (const m of [...tops, ...replies]) expect(m.text).toMatch(/^\[:test_tube: TEST MODE\] /);
      // The full sentence once, on the parent; the reply under it carries only the short marker.
      expect(JSON.stringify(tops[0]!.blocks)).toContain('"block_id":"test_key_label"');
      expect(JSON.stringify(replies[0]!.blocks)).not.toContain('test_key_label');
      expect(visibleText(replies[0]!.blocks!.slice(-1))).toBe(':test_tube: TEST MODE');
      expect(visibleText(replies[0]!.blocks)).toContain('This onboarding was opened in Pivotal.');
    } finally {
      await t.close();
    }
  });
});

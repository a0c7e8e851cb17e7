import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordActivity } from '../../src/notifications/activity.js';
import { ADMIN, type Harness } from '../harness/app-harness.js';
import { fastOutbox, postsAbout } from '../harness/phase-moves.js';
import {
  ACME_CHANNEL,
  changeBurst,
  GLOBEX_CHANNEL,
  openedInPivotal,
  pickChannel,
  queueChanges,
  seedOnboardings,
  startTwoTenants,
  type Tenant,
} from '../harness/two-tenants.js';
import { waitFor } from '../harness/wait.js';
import { describeEachAppDialect, withStableSchemas, type AppDatabase } from '../helpers/databases.js';

/**
 * One app serving two workspaces through OAuth: what one workspace has queued (posts held because it
 * picked no channel, or a burst of changes in its channel) must not hold back the other's posts.
 */

const outboxOf = (h: Harness, tenant: Tenant) =>
  h.app.ctx.store.db
    .selectFrom('outbox')
    .select(['id', 'status', 'last_error', 'created_at', 'done_at'])
    .where('workspace_id', '=', tenant.team.id)
    .execute();

describeEachAppDialect('a workspace without a notification channel', (dialect) => {
  let database: AppDatabase;
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  beforeAll(async () => {
    database = await dialect.open();
    ({ h, acme, globex } = await withStableSchemas(() => startTwoTenants({ env: database.env })));
    expect(h.app.ctx.store.dialect).toBe(dialect.name);
    fastOutbox(h);
  });
  afterAll(async () => {
    await h?.close();
    await database?.destroy();
  });

  // Holding 500 posts one by one takes seconds, longer on a busy machine: the waits are on events.
  it("holds its own posts without delaying another workspace's post beyond one dispatcher pass", {
    timeout: 90_000,
  }, async () => {
    await pickChannel(h, globex.team, GLOBEX_CHANNEL);
    // Acme is connected but its admin never picked a channel: 500 changes made in Pivotal are held.
    const acmeOnboardings = await seedOnboardings(h, acme, 500);
    await queueChanges(h, acme, acmeOnboardings.map(openedInPivotal), new Date(Date.now() - 60_000));
    await waitFor(async () => (await outboxOf(h, acme)).every((r) => r.status === 'held'), {
      what: "Acme's 500 posts to be held",
      timeoutMs: 50_000,
    });
    expect(new Set((await outboxOf(h, acme)).map((r) => r.last_error))).toEqual(new Set(['no notification channel']));
    const alerts = h.slack.messages.filter(
      (m) => m.channel === ADMIN.id && (m.text ?? '').includes('/pivotal channel'),
    );
    expect(alerts).toHaveLength(1);

    // Globex's change, then exactly one pass: the channel's pacing is long, so the pass that posts
    // the parent cannot be followed by another one before the check.
    const dispatcher = h.app.outbox;
    await dispatcher.stop();
    const [globexOnboarding] = await seedOnboardings(h, globex, 1);
    await recordActivity(
      h.app.ctx.store.db,
      globex.team.id,
      openedInPivotal(globexOnboarding!),
      'only',
      new Date().toISOString(),
    );
    dispatcher.configure({ pollMs: 60_000, minPostIntervalMs: 60_000 });
    await dispatcher.start();
    await h.idle();
    const afterOnePass = postsAbout(h, globexOnboarding!);
    expect(afterOnePass.tops.map((m) => m.channel)).toEqual([GLOBEX_CHANNEL]);
    expect((await outboxOf(h, acme)).filter((r) => r.status !== 'held')).toEqual([]);

    fastOutbox(h);
    h.app.outbox.nudge();
    await waitFor(() => postsAbout(h, globexOnboarding!).replies.length === 1, {
      what: "the thread reply of Globex's post",
    });
    await waitFor(async () => (await outboxOf(h, globex))[0]?.status === 'done', {
      what: "Globex's post marked delivered",
    });
    expect(postsAbout(h, globexOnboarding!).tops).toHaveLength(1);
    // Nothing of Acme's reached any channel while it has none.
    for (const id of acmeOnboardings.slice(0, 5)) expect(postsAbout(h, id).tops).toEqual([]);
  });

  it('sends the held posts once its admin picks a channel', async () => {
    const reply = await pickChannel(h, acme.team, ACME_CHANNEL);
    expect(reply).toContain('500 waiting updates are on the way');
    const [first] = (await outboxOf(h, acme)).sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
    await waitFor(async () => (await outboxOf(h, acme)).find((r) => r.id === first!.id)?.status === 'done', {
      what: "Acme's oldest held post",
    });
    expect(h.slack.messages.filter((m) => m.channel === ACME_CHANNEL).length).toBeGreaterThan(0);
  });
});

describeEachAppDialect("a burst of changes in one workspace's channel", (dialect) => {
  let database: AppDatabase;
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  beforeAll(async () => {
    database = await dialect.open();
    ({ h, acme, globex } = await withStableSchemas(() => startTwoTenants({ env: database.env })));
    expect(h.app.ctx.store.dialect).toBe(dialect.name);
  });
  afterAll(async () => {
    await h?.close();
    await database?.destroy();
  });

  it("does not hold back another workspace's post, and keeps the busy channel to one message a second", {
    timeout: 90_000,
  }, async () => {
    // The dispatcher runs with its default timings: 1.1 s between two messages in one channel.
    await pickChannel(h, acme.team, ACME_CHANNEL);
    await pickChannel(h, globex.team, GLOBEX_CHANNEL);
    const acmeOnboardings = await seedOnboardings(h, acme, 100);
    const burst = changeBurst(acmeOnboardings);
    expect(burst).toHaveLength(1_000);
    await queueChanges(h, acme, burst, new Date(Date.now() - 60_000));
    const inAcmeChannel = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ACME_CHANNEL);
    await waitFor(() => inAcmeChannel().length >= 3, { what: "Acme's burst to be under way" });

    const [globexOnboarding] = await seedOnboardings(h, globex, 1);
    const changedAt = Date.now();
    await queueChanges(h, globex, [openedInPivotal(globexOnboarding!)], new Date());
    await waitFor(() => postsAbout(h, globexOnboarding!).tops.length === 1, { what: "Globex's post" });
    const posted = h.slack.callsTo('chat.postMessage').find((c) => c.args.channel === GLOBEX_CHANNEL)!;
    expect(posted.at - changedAt).toBeLessThan(2_000);
    await waitFor(() => postsAbout(h, globexOnboarding!).replies.length === 1, {
      what: "the thread reply of Globex's post",
    });

    // Meanwhile Acme's channel kept its pace and its order: one message at least 1.1 s after the last.
    await waitFor(() => inAcmeChannel().length >= 6, { what: "more of Acme's burst", timeoutMs: 30_000 });
    const acmeCalls = inAcmeChannel();
    for (const [i, call] of acmeCalls.slice(1).entries())
      expect(call.at - acmeCalls[i]!.at).toBeGreaterThanOrEqual(1_050);
    const delivered = (await outboxOf(h, acme))
      .filter((r) => r.status === 'done')
      .sort((a, b) => (a.done_at! < b.done_at! ? -1 : 1));
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.map((r) => r.created_at)).toEqual([...delivered.map((r) => r.created_at)].sort());
  });
});

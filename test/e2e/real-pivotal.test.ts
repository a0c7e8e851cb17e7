import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyDisplayPrefix } from '../../src/pivotal/index.js';
import { getWorkspace } from '../../src/store/workspaces.js';
import { ADMIN, CSM, TEAM, startHarness, type Harness } from '../harness/app-harness.js';
import { waitForFullSync } from '../harness/home.js';
import { FILLED, openOnboard, submitView as submitOnboard } from '../harness/onboard-flow.js';
import { openMove, seedOnboarding, select, submitView, typed } from '../harness/phase-moves.js';
import { parsePrometheus, sampleValue } from '../harness/prometheus.js';
import { visibleText, currentView } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/**
 * The app against a Pivotal as strict as its documents, through signed Slack requests: rows that do
 * not fit, a proxy's HTML 401, a 403, a revoked key, and a key whose mode disagrees with its prefix.
 */

const PROXY_401 = {
  rawBody: {
    contentType: 'text/html',
    text: '<html><head><title>401 Authorization Required</title></head><body>nginx</body></html>',
  },
};

async function statusReply(h: Harness, user = CSM): Promise<{ text: string; blocks: unknown[] }> {
  const res = await h.command('status', { user });
  await h.idle();
  const post = h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId);
  if (!post) throw new Error('/pivotal status posted no reply');
  return post.body as unknown as { text: string; blocks: unknown[] };
}

/** /metrics is served only to a bearer of METRICS_TOKEN; the harnesses that read it set one. */
const METRICS_TOKEN = randomBytes(24).toString('hex');

async function metric(h: Harness, name: string, labels: Record<string, string>): Promise<number> {
  const res = await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return sampleValue(parsePrometheus(await res.text()), name, labels) ?? 0;
}

const workspaceRow = (h: Harness) => getWorkspace(h.app.ctx.store.db, TEAM.id);

describe('records that do not fit the documented shape', () => {
  let h: Harness;
  let victim: string;
  afterAll(async () => {
    await h.close();
  });

  it('skips the row, keeps the rest of the page and the sync, counts it, and logs only its kind and id', async () => {
    h = await startHarness({
      env: { METRICS_TOKEN },
      sync: { tickMs: 20, intervalMs: 200, homeRefreshMs: 0, firstSightDelayMs: 0 },
      seed: (pivotal, orgId) => {
        pivotal.seedDemo(orgId, { customers: 4 });
        victim = pivotal.state.list(orgId, 'onboardings')[1]!.id;
        pivotal.faults.misshape((r) => r.id === victim, {
          display_id: 'garbled',
          notes: 'Confidential: CFO is Dana Q.',
          phase: null,
        });
      },
    });

    await waitForFullSync(h);
    await h.idle();

    const rows = await h.app.ctx.store.db
      .selectFrom('rm_onboardings')
      .select(['id', 'deleted'])
      .where('workspace_id', '=', TEAM.id)
      .execute();
    const expected = h.pivotal.state
      .list(h.orgId, 'onboardings')
      .map((o) => o.id)
      .filter((id) => id !== victim);
    expect(rows.map((r) => r.id).sort()).toEqual(expected.sort());
    expect(rows.every((r) => r.deleted === 0)).toBe(true);
    expect(
      await metric(h, 'pivotal_api_unfit_records_total', {
        workspace: TEAM.id,
        kind: 'onboarding',
        handling: 'skipped',
      }),
    ).toBeGreaterThanOrEqual(1);

    const logged = h.logs.lines
      .filter((line) => line.includes('does not fit the documented shape'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged[0]).toMatchObject({ kind: 'onboarding', id: victim });
    expect(h.logs.text).not.toContain('Dana Q.');
    expect(h.logs.text).not.toContain('garbled');
  });
});

describe('a create whose answer does not fit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('still records the onboarding it created, once, from its id and display id', async () => {
    h.pivotal.faults.misshape((r) => r.object === 'onboarding', { phase: 42, created_at: false });
    const viewId = await openOnboard(h, 'Misfit Corp');
    await submitOnboard(h, viewId, FILLED);
    await h.idle();

    const [created] = h.pivotal.state.list(h.orgId, 'onboardings');
    expect(h.pivotal.state.list(h.orgId, 'onboardings')).toHaveLength(1);
    const result = currentView(h.slack, viewId).view;
    expect((result.title as { text: string }).text).toBe('Onboarding opened');
    expect(visibleText(result.blocks)).toContain(`#${created!.display_id}`);
    const row = await h.app.ctx.store.db
      .selectFrom('rm_onboardings')
      .selectAll()
      .where('workspace_id', '=', TEAM.id)
      .where('id', '=', created!.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ display_id: created!.display_id, phase: 'program_design', slack_owner_id: CSM.id });
    expect(
      await metric(h, 'pivotal_api_unfit_records_total', { workspace: TEAM.id, kind: 'onboarding', handling: 'kept' }),
    ).toBe(1);
  });

  it('sends only documented fields, customer_id as the display id string, and the strict Pivotal accepts every write', async () => {
    h.pivotal.faults.clear();
    h.pivotal.resetRequests();
    const viewId = await openOnboard(h, 'Documented Fields Inc');
    await submitOnboard(h, viewId, { ...FILLED, contact_email: 'ops@documented-fields.example' });
    await h.idle();

    const writes = h.pivotal.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH');
    expect(writes.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201', 'POST 201', 'POST 201']);
    const customer = h.pivotal.state.list(h.orgId, 'customers').find((c) => c.name === 'Documented Fields Inc')!;
    const onboardingBody = writes[2]!.body as Record<string, unknown>;
    expect(onboardingBody.customer_id).toBe(String(customer.display_id));
    expect(Object.keys(onboardingBody).sort()).toEqual(['customer_id', 'metadata', 'phase', 'state']);
    expect(Object.keys(writes[0]!.body as object).sort()).toEqual(['domain', 'metadata', 'name', 'slug', 'status']);
    expect(Object.keys(writes[1]!.body as object).sort()).toEqual(['email', 'is_primary', 'metadata', 'name', 'title']);
  });
});

describe('refusals a person sees', () => {
  let h: Harness;
  const LISTED = { id: 'U0LISTED2', name: 'lou', real_name: 'Lou Listed' };
  beforeAll(async () => {
    h = await startHarness({ env: { PIVOTAL_ADMIN_SLACK_IDS: LISTED.id } });
    h.slack.addUser(LISTED);
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    h.pivotal.faults.clear();
    await h.app.ctx.store.db
      .updateTable('workspaces')
      .set({ needs_attention: null, attention_since: null })
      .where('id', '=', TEAM.id)
      .execute();
    h.slack.reset();
  });

  it('retries a 401 that is not Pivotal’s (an HTML page from a proxy) and keeps the key', async () => {
    h.pivotal.faults.failNext(1, 401, PROXY_401);
    h.pivotal.resetRequests();

    const reply = await statusReply(h);

    expect(h.pivotal.requests.map((r) => r.status)).toEqual([401, 200]);
    expect(visibleText(reply.blocks)).toContain('Pivotal accepted the key');
    expect((await workspaceRow(h))?.needs_attention ?? null).toBeNull();
  });

  it('reports a 401 from a proxy that persists as an upstream fault: no key flagged, no admin paged', async () => {
    h.pivotal.faults.failNext(5, 401, PROXY_401);

    const reply = await statusReply(h);

    expect(visibleText(reply.blocks)).toContain(
      'Something between this app and Pivotal (a proxy or gateway) refused the request with HTTP 401',
    );
    expect(visibleText(reply.blocks)).toContain("the workspace's key is kept");
    await h.idle();
    expect((await workspaceRow(h))?.needs_attention ?? null).toBeNull();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    // The key still works once the proxy lets requests through.
    h.pivotal.faults.clear();
    expect(visibleText((await statusReply(h)).blocks)).toContain('Pivotal accepted the key');
  });

  it('flags the key only for the documented key errors, not for another authentication_error code', async () => {
    h.pivotal.faults.failNext(1, 401, { type: 'authentication_error', code: 'session_expired', message: 'x' });

    const reply = await statusReply(h);

    expect(visibleText(reply.blocks)).toContain("Pivotal refused this workspace's API key (session_expired)");
    await h.idle();
    expect((await workspaceRow(h))?.needs_attention ?? null).toBeNull();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);

    h.pivotal.faults.failNext(1, 401, {
      type: 'authentication_error',
      code: 'api_key_revoked',
      message: 'This API key has been revoked.',
    });
    const revoked = await statusReply(h);
    expect(visibleText(revoked.blocks)).toContain("Pivotal refused this workspace's API key: it has been revoked.");
    await h.idle();
    expect((await workspaceRow(h))?.needs_attention).toBe('api_key_revoked');
    expect(
      h.slack
        .callsTo('chat.postMessage')
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual([ADMIN.id, LISTED.id].sort());
  });

  it('tells the person what a 403 refused and whom to ask, and keeps what they entered', async () => {
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    h.pivotal.faults.failNext(1, 403, {
      type: 'permission_error',
      code: 'forbidden',
      message: 'Forbidden',
      method: 'PATCH',
    });

    const { view } = await submitView(h, form, { phase: select('program_buildout'), note: typed('Design signed off') });

    const text = visibleText(view.view.blocks);
    expect(text).toContain(
      "Nothing was saved. Pivotal did not allow this workspace's API key to update an onboarding (permission_error/forbidden)",
    );
    expect(text).toContain(
      `ask <@${LISTED.id}> or <@${ADMIN.id}> to check the key under *Admin › API Keys* in Pivotal`,
    );
    expect(JSON.stringify(view.view.blocks)).toContain('"initial_value":"Design signed off"');
    expect(h.pivotal.state.get(h.orgId, 'onboardings', onboarding.id)!.phase).toBe('review');
    expect((await workspaceRow(h))?.needs_attention ?? null).toBeNull();
  });
});

describe("checking PIVOTAL_API_KEY's mode with /me at start-up", () => {
  const started: Harness[] = [];
  afterAll(async () => {
    await Promise.all(started.map((h) => h.close()));
  });

  /** Starts the app with PIVOTAL_API_KEY set to a key the seed makes in the harness's own simulator. */
  async function startWith(
    makeKey: (pivotal: Harness['pivotal'], orgId: string) => string,
  ): Promise<{ h: Harness; key: string }> {
    const env: Record<string, string> = {};
    const h = await startHarness({
      bootstrapKey: false,
      env,
      seed: (pivotal, orgId) => {
        env.PIVOTAL_API_KEY = makeKey(pivotal, orgId);
      },
    });
    started.push(h);
    h.secrets.push(env.PIVOTAL_API_KEY!);
    await h.idle();
    return { h, key: env.PIVOTAL_API_KEY! };
  }

  it('tells the admins when /me reports another mode than the key prefix', async () => {
    const { h, key } = await startWith((pivotal, orgId) =>
      pivotal.createKey(orgId, {
        mode: 'live',
        name: 'prod-server',
        secret: `pivotal_test_${randomBytes(16).toString('hex')}`,
      }),
    );

    expect(h.pivotal.requests.filter((r) => r.path.endsWith('/me')).map((r) => r.status)).toEqual([200]);
    const dms = await waitFor(
      () => {
        const calls = h.slack.callsTo('chat.postMessage');
        return calls.length > 0 ? calls : undefined;
      },
      { what: 'a DM about the key mode' },
    );
    expect(dms.map((c) => c.args.channel)).toEqual([ADMIN.id]);
    const text = visibleText(dms[0]!.args.blocks);
    expect(text).toContain(`Pivotal's \`/me\` reports the server's \`PIVOTAL_API_KEY\` \`${keyDisplayPrefix(key)}…\``);
    expect(text).toContain('as a *live* key');
    expect(text).toContain("The key's prefix says *test* but Pivotal's `/me` says *live*");
    const logged = h.logs.lines.find((line) => line.includes("reports another mode than the key's prefix"));
    expect(JSON.parse(logged!)).toMatchObject({
      keyPrefix: keyDisplayPrefix(key),
      prefixMode: 'test',
      reportedMode: 'live',
      source: 'bootstrap',
    });
  });

  it('says nothing to anyone when the mode agrees, and logs the check', async () => {
    const { h, key } = await startWith((pivotal, orgId) => pivotal.createKey(orgId, { mode: 'test', name: 'ci' }));

    expect(h.pivotal.requests.filter((r) => r.path.endsWith('/me')).map((r) => r.status)).toEqual([200]);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const logged = h.logs.lines.find((line) => line.includes('PIVOTAL_API_KEY checked with /me'));
    expect(JSON.parse(logged!)).toMatchObject({
      keyPrefix: keyDisplayPrefix(key),
      prefixMode: 'test',
      reportedMode: 'test',
    });
  });
});

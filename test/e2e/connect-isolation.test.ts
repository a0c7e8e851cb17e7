import { installThroughOAuth, startOAuthHarness } from '../harness/oauth.js';
import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyDisplayPrefix } from '../../src/pivotal/index.js';
import { createInstallationStore } from '../../src/store/installation-store.js';
import { getWorkspace } from '../../src/store/workspaces.js';
import { eventEnvelope, type SlackTeamRef } from '../../sandbox/slack-requests.js';
import { ADMIN, CSM, TEAM, type Harness } from '../harness/app-harness.js';
import { connectWorkspace } from '../harness/connect-workspace.js';
import { visibleText } from '../harness/view-submission.js';

/**
 * With OAuth distribution one app serves many workspaces, and a key stored for one
 * is only ever used for requests from that one, Enterprise Grid workspaces keyed by enterprise and team.
 */

const SECOND: SlackTeamRef = { id: 'T0TEAM02', domain: 'globex' };
const GRID = 'E0GRID001';
// The same team id inside an Enterprise Grid org is another workspace.
const IN_GRID: SlackTeamRef = { id: TEAM.id, domain: 'grid-acme', enterpriseId: GRID };
const OTHER_IN_GRID: SlackTeamRef = { id: 'T0TEAM03', domain: 'grid-other', enterpriseId: GRID };

describe('two workspaces, two keys', () => {
  let h: Harness;
  const workspaces: Array<{ team: SlackTeamRef; id: string; org: string; key: string }> = [];

  beforeAll(async () => {
    h = await startOAuthHarness({ bootstrapKey: false });
    // TEAM installs through the real OAuth flow; the fake Slack answers for one team only, so the
    // other installations are written through the same installation store Bolt uses.
    await installThroughOAuth(h);
    const store = createInstallationStore(h.app.ctx.store.db, h.app.ctx.keyRing);
    for (const team of [SECOND, IN_GRID, OTHER_IN_GRID]) {
      const token = `xoxb-9999-${randomBytes(10).toString('hex')}`;
      h.secrets.push(token);
      const installation: Installation = {
        team: { id: team.id, name: team.domain },
        enterprise: team.enterpriseId ? { id: team.enterpriseId, name: 'Grid' } : undefined,
        isEnterpriseInstall: false,
        bot: { token, id: 'BBOT', userId: 'UBOT', scopes: ['commands'] },
        user: { id: ADMIN.id, token: undefined, scopes: undefined },
        appId: 'A0PIVOTAL',
        authVersion: 'v2',
        tokenType: 'bot',
      };
      await store.storeInstallation(installation);
    }

    const names = ['Acme Onboarding', 'Globex', 'Grid Acme', 'Grid Other'];
    for (const [i, team] of [TEAM, SECOND, IN_GRID, OTHER_IN_GRID].entries()) {
      const org =
        i === 0
          ? h.orgId
          : h.pivotal.createOrg({
              name: names[i]!,
              slug: `${names[i]!.toLowerCase().replace(' ', '-')}-${randomBytes(2).toString('hex')}`,
            }).id;
      const key = h.newKey(i === 1 ? 'test' : 'live', org);
      await connectWorkspace(h, key, { team });
      workspaces.push({ team, id: team.enterpriseId ? `${team.enterpriseId}:${team.id}` : team.id, org, key });
    }
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores one row per workspace, each with its own key', async () => {
    const rows = await h.app.ctx.store.db
      .selectFrom('workspaces')
      .select(['id', 'pivotal_key_prefix', 'pivotal_org_id'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual(
      workspaces
        .map((w) => ({ id: w.id, pivotal_key_prefix: keyDisplayPrefix(w.key), pivotal_org_id: w.org }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('sends every request from a workspace with that workspace key, also when they interleave', async () => {
    h.pivotal.resetRequests();
    const rounds = 3;
    const runs = workspaces.flatMap((w) =>
      Array.from({ length: rounds }, async () => {
        const res = await h.command('status', { team: w.team, user: CSM });
        await h.idle();
        const reply = h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)!.body;
        return { w, text: visibleText(reply.blocks) };
      }),
    );
    for (const { w, text } of await Promise.all(runs)) {
      // /me answers with the org of the key that was sent: the reply names that workspace's org.
      const org = h.pivotal.state.org(w.org);
      expect(text).toContain(`\`${org.slug}\``);
      expect(text).toContain(`\`${keyDisplayPrefix(w.key)}…\``);
    }
    const byKey = new Map<string, Set<string>>();
    for (const r of h.pivotal.requests) byKey.set(r.keyPrefix!, (byKey.get(r.keyPrefix!) ?? new Set()).add(r.orgId!));
    expect(h.pivotal.requests).toHaveLength(workspaces.length * rounds);
    for (const w of workspaces) {
      expect(h.pivotal.requests.filter((r) => r.keyPrefix === keyDisplayPrefix(w.key))).toHaveLength(rounds);
      expect([...byKey.get(keyDisplayPrefix(w.key))!]).toEqual([w.org]);
    }
  });

  it('flags only the workspace whose key was revoked', async () => {
    const second = workspaces[1]!;
    h.pivotal.revokeKey(second.key);
    await h.command('status', { team: SECOND, user: CSM });
    await h.idle();
    const flagged = await Promise.all(
      workspaces.map(async (w) => (await getWorkspace(h.app.ctx.store.db, w.id))?.needs_attention ?? null),
    );
    expect(flagged).toEqual([null, 'api_key_revoked', null, null]);
  });

  it('forgets the keys of every workspace of an Enterprise Grid org when its org-wide install is removed, and only those', async () => {
    const envelope = eventEnvelope(IN_GRID, { type: 'app_uninstalled' });
    await h.sender.sendEvent({
      ...envelope,
      authorizations: [
        { enterprise_id: GRID, team_id: null, user_id: 'UBOT', is_bot: true, is_enterprise_install: true },
      ],
    });
    await h.idle();
    const keys = await Promise.all(
      workspaces.map(async (w) => (await getWorkspace(h.app.ctx.store.db, w.id))?.pivotal_key_prefix ?? null),
    );
    expect(keys).toEqual([keyDisplayPrefix(workspaces[0]!.key), keyDisplayPrefix(workspaces[1]!.key), null, null]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM, type Harness } from '../harness/app-harness.js';
import { startOAuthHarness } from '../harness/oauth.js';

/** OAuth distribution: install through /slack/install, then requests from that team use its stored token. */
describe('OAuth install and redirect', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startOAuthHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('redirects to Slack with a state cookie, stores the installation encrypted, and serves that team', async () => {
    const install = await fetch(`${h.baseUrl}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get('location')!);
    expect(location.pathname).toBe('/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe('111.222');
    expect(location.searchParams.get('scope')).toContain('commands');
    const state = location.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    const redirect = await fetch(`${h.baseUrl}/slack/oauth_redirect?code=abc123&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
    });
    expect(redirect.status).toBe(200);
    expect(h.slack.callsTo('oauth.v2.access')).toHaveLength(1);

    const rows = await h.app.ctx.store.db.selectFrom('slack_installations').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.team_id).toBe(TEAM.id);
    expect(rows[0]!.installation_ciphertext).not.toContain('xoxb-');

    const res = await h.command('help');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('/pivotal help');
  });

  it('refuses a redirect whose state was not issued by us', async () => {
    const before = h.slack.callsTo('oauth.v2.access').length;
    const res = await fetch(`${h.baseUrl}/slack/oauth_redirect?code=abc&state=forged`);
    expect(res.status).not.toBe(200);
    expect(h.slack.callsTo('oauth.v2.access')).toHaveLength(before);
  });

  it('answers 401 for a team that never installed the app', async () => {
    const res = await h.command('help', { team: { id: 'T0STRANGER' } });
    expect(res.status).toBe(401);
  });
});

import { startHarness, type Harness, type HarnessOptions } from './app-harness.js';

const CLIENT_SECRET = 'client-secret-value-123';
const STATE_SECRET = 'state-secret-value-456';

/** The app in OAuth distribution mode (no bot token: each workspace gets its own when it installs). */
export async function startOAuthHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({
    ...opts,
    env: {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      ...opts.env,
    },
  });
  h.secrets.push(CLIENT_SECRET, STATE_SECRET);
  return h;
}

/** Installs the harness's team through the real flow: /slack/install, Slack's redirect back with the state cookie. */
export async function installThroughOAuth(
  h: Harness,
  code = 'abc123',
): Promise<{ install: Response; redirect: Response }> {
  const install = await fetch(`${h.baseUrl}/slack/install`, { redirect: 'manual' });
  const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
  const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
  const redirect = await fetch(`${h.baseUrl}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
    headers: { cookie },
  });
  return { install, redirect };
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const http = { SLACK_SIGNING_SECRET: 'abcdef0123456789', SLACK_BOT_TOKEN: 'xoxb-1-2-abc' };
const PLAIN_HTTP_REFUSED =
  'PIVOTAL_API_URL must be an https:// URL, because the Pivotal API key travels in every request as a Bearer secret (http:// is allowed only for a loopback address: localhost, 127.0.0.0/8 or ::1).';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('runs the sandbox with an empty environment and documented defaults', () => {
    const c = loadConfig({});
    expect(c.slack.kind).toBe('sandbox');
    expect(c.port).toBe(3000);
    expect(c.slackApiUrl).toBe('https://slack.com/api/');
    expect(c.pivotalApiUrl).toBe('https://my.pivotal.app/api/v1');
    expect(c.pivotalWebUrl).toBe('https://my.pivotal.app');
    expect(c.dataDir).toBe('./data');
    expect(c.logLevel).toBe('info');
  });

  it('picks single-workspace HTTP mode from a signing secret and a bot token', () => {
    const c = loadConfig({
      ...http,
      PORT: '4000',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      PIVOTAL_API_URL: 'http://127.0.0.1:8/api/v1/',
      PIVOTAL_WEB_URL: 'https://eu.pivotal.example/',
      PIVOTAL_API_KEY: 'pivotal_test_abcdef',
    });
    expect(c.slack).toEqual({ kind: 'http', signingSecret: http.SLACK_SIGNING_SECRET, botToken: http.SLACK_BOT_TOKEN });
    expect(c.port).toBe(4000);
    expect(c.slackApiUrl).toBe('http://127.0.0.1:9/api/');
    expect(c.pivotalApiUrl).toBe('http://127.0.0.1:8/api/v1');
    expect(c.pivotalWebUrl).toBe('https://eu.pivotal.example');
  });

  it('picks Socket Mode and OAuth distribution', () => {
    expect(loadConfig({ SLACK_APP_TOKEN: 'xapp-1-abc', SLACK_BOT_TOKEN: 'xoxb-1' }).slack.kind).toBe('socket');
    const oauth = loadConfig({
      SLACK_SIGNING_SECRET: 'abcdef0123456789',
      SLACK_CLIENT_ID: '123.456',
      SLACK_CLIENT_SECRET: 'secretsecret',
      SLACK_STATE_SECRET: 'statestatestate',
      PIVOTAL_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(oauth.slack.kind).toBe('oauth');
  });

  it.each([
    [{ ...http, PORT: 'eighty' }, 'PORT must be a whole number.'],
    [{ ...http, PORT: '70000' }, 'PORT must be between 0 and 65535.'],
    [{ ...http, SLACK_BOT_TOKEN: 'xoxp-user' }, 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-.'],
    [{ ...http, PIVOTAL_API_URL: 'my.pivotal.app' }, 'PIVOTAL_API_URL must be an http(s) URL of the Pivotal API.'],
    [{ ...http, PIVOTAL_API_URL: 'http://pivotal.internal.example/api/v1' }, PLAIN_HTTP_REFUSED],
    [{ ...http, PIVOTAL_API_URL: 'http://10.0.0.5:4010/api/v1' }, PLAIN_HTTP_REFUSED],
    [{ ...http, PIVOTAL_API_URL: 'http://127.evil.example/api/v1' }, PLAIN_HTTP_REFUSED],
    [
      { ...http, PIVOTAL_API_KEY: 'sk_live_123' },
      'PIVOTAL_API_KEY must be a Pivotal API key starting with pivotal_ (or pivotal_test_).',
    ],
    [
      { ...http, PIVOTAL_NOTIFY_CHANNEL: '#onboarding' },
      'PIVOTAL_NOTIFY_CHANNEL must be a Slack channel id such as C0123456789 (not a #name).',
    ],
    [
      { ...http, PIVOTAL_KEY_ENCRYPTION_KEY: 'short' },
      'PIVOTAL_KEY_ENCRYPTION_KEY must be 32 random bytes in base64 (generate one with: openssl rand -base64 32).',
    ],
    [
      { ...http, DATABASE_URL: 'mysql://x' },
      'DATABASE_URL must be a postgres:// URL (leave it unset to use the embedded SQLite file).',
    ],
    [{ ...http, LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.'],
  ])('names the variable and what to set: %j', (env, message) => {
    expect(problemsOf(env)).toContain(message);
  });

  it.each([
    'https://my.pivotal.app/api/v1',
    'http://127.0.0.1:4010/api/v1',
    'http://127.8.9.10/api/v1',
    'http://localhost:4010/api/v1',
    'http://[::1]:4010/api/v1',
  ])('accepts %s for PIVOTAL_API_URL (https, or plain http on a loopback address)', (url) => {
    expect(loadConfig({ ...http, PIVOTAL_API_URL: url }).pivotalApiUrl).toBe(url);
  });

  it('says what is missing for a half-configured mode', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })[0]).toMatch(/^SLACK_SIGNING_SECRET is missing/);
    expect(problemsOf({ SLACK_SIGNING_SECRET: 'abcdef0123456789' })[0]).toMatch(/^SLACK_BOT_TOKEN is missing/);
    expect(problemsOf({ SLACK_APP_TOKEN: 'xapp-1' })[0]).toMatch(/SLACK_BOT_TOKEN must be set too/);
    expect(problemsOf({ SLACK_SIGNING_SECRET: 'abcdef0123456789', SLACK_CLIENT_ID: '1.2' })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SLACK_CLIENT_SECRET is missing/),
        expect.stringMatching(/^SLACK_STATE_SECRET is missing/),
      ]),
    );
  });

  it('requires an encryption key when many workspaces store their keys', () => {
    const env = {
      SLACK_SIGNING_SECRET: 'abcdef0123456789',
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'secretsecret',
      SLACK_STATE_SECRET: 'statestatestate',
    };
    expect(problemsOf(env)[0]).toMatch(/^PIVOTAL_KEY_ENCRYPTION_KEY is missing/);
  });

  it.each(['', '  '])('treats a blank variable as unset, so its default applies: %j', (blank) => {
    const c = loadConfig({
      ...http,
      PORT: blank,
      SLACK_API_URL: blank,
      PIVOTAL_API_URL: blank,
      LOG_LEVEL: blank,
      DATA_DIR: blank,
      PIVOTAL_API_KEY: blank,
    });
    expect(c.port).toBe(3000);
    expect(c.slackApiUrl).toBe('https://slack.com/api/');
    expect(c.pivotalApiUrl).toBe('https://my.pivotal.app/api/v1');
    expect(c.logLevel).toBe('info');
    expect(c.dataDir).toBe('./data');
    expect(c.pivotalApiKey).toBeUndefined();
  });

  it('treats blank Slack variables as unset when choosing the mode', () => {
    expect(loadConfig({ SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: ' ', SLACK_APP_TOKEN: '' }).slack.kind).toBe(
      'sandbox',
    );
    expect(loadConfig({ ...http, SLACK_APP_TOKEN: '  ', SLACK_CLIENT_ID: '' }).slack.kind).toBe('http');
  });

  it('reads the admin list', () => {
    expect(loadConfig({ ...http, PIVOTAL_ADMIN_SLACK_IDS: 'U1, U2 U3' }).adminSlackIds).toEqual(['U1', 'U2', 'U3']);
  });

  it('keeps Slack event ids 8 days and delivered posts 30 days unless told otherwise, in whole days', () => {
    expect(loadConfig(http).retention).toEqual({ processedEventsDays: 8, deliveredPostsDays: 30 });
    expect(
      loadConfig({ ...http, PROCESSED_EVENTS_RETENTION_DAYS: '2', OUTBOX_RETENTION_DAYS: '90' }).retention,
    ).toEqual({ processedEventsDays: 2, deliveredPostsDays: 90 });
    expect(problemsOf({ ...http, PROCESSED_EVENTS_RETENTION_DAYS: '0', OUTBOX_RETENTION_DAYS: '1.5' })).toEqual([
      'PROCESSED_EVENTS_RETENTION_DAYS must be at least 1 (day).',
      'OUTBOX_RETENTION_DAYS must be a whole number of days.',
    ]);
    expect(problemsOf({ ...http, OUTBOX_RETENTION_DAYS: 'a month' })).toEqual([
      'OUTBOX_RETENTION_DAYS must be a whole number of days.',
    ]);
  });
});

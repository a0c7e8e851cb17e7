import { z } from 'zod';

/**
 * The environment is the operator's contract: these names are relied on by tests, the
 * sandbox and deployments. Everything is validated once, at start-up, and a bad value stops the
 * process with one message naming the variable and what to set.
 */

const optionalText = z.string().trim().optional();

const url = (what: string) =>
  z
    .string()
    .trim()
    .refine((s) => /^https?:\/\/[^\s]+$/.test(s), { message: `must be an http(s) URL of ${what}` });

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The Pivotal key is a Bearer secret sent with every request: it must not cross a network in clear. */
const pivotalUrl = url('the Pivotal API').refine(
  (s) => {
    try {
      const parsed = new URL(s);
      return parsed.protocol === 'https:' || isLoopback(parsed.hostname);
    } catch {
      return true; // the url() check above already names the problem
    }
  },
  {
    message:
      'must be an https:// URL, because the Pivotal API key travels in every request as a Bearer secret (http:// is allowed only for a loopback address: localhost, 127.0.0.0/8 or ::1)',
  },
);

const secret = (what: string) =>
  optionalText.refine((s) => s === undefined || s.length >= 8, { message: `looks too short to be ${what}` });

const days = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 (day)')
    .default(fallback);

const envSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  SLACK_SIGNING_SECRET: secret('a Slack signing secret'),
  SLACK_BOT_TOKEN: optionalText.refine((s) => s === undefined || /^(xoxe\.)?xoxb-/.test(s), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_APP_TOKEN: optionalText.refine((s) => s === undefined || s.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp-',
  }),
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: secret('a Slack client secret'),
  SLACK_STATE_SECRET: secret('a state secret'),
  SLACK_API_URL: url('the Slack Web API').default('https://slack.com/api/'),
  PIVOTAL_API_URL: pivotalUrl.default('https://my.pivotal.app/api/v1'),
  PIVOTAL_WEB_URL: url('the Pivotal web app').default('https://my.pivotal.app'),
  PIVOTAL_API_KEY: optionalText.refine((s) => s === undefined || /^pivotal_/.test(s), {
    message: 'must be a Pivotal API key starting with pivotal_ (or pivotal_test_)',
  }),
  PIVOTAL_NOTIFY_CHANNEL: optionalText.refine((s) => s === undefined || /^[CGD][A-Z0-9]{2,}$/.test(s), {
    message: 'must be a Slack channel id such as C0123456789 (not a #name)',
  }),
  PIVOTAL_KEY_ENCRYPTION_KEY: optionalText.refine((s) => s === undefined || Buffer.from(s, 'base64').length === 32, {
    message: 'must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)',
  }),
  PIVOTAL_ADMIN_SLACK_IDS: optionalText.transform((s) => (s ? s.split(/[\s,]+/).filter(Boolean) : [])),
  METRICS_TOKEN: optionalText.refine((s) => s === undefined || s.length >= 16, {
    message: 'must be at least 16 characters (generate one with: openssl rand -hex 24)',
  }),
  DATABASE_URL: optionalText.refine((s) => s === undefined || /^postgres(ql)?:\/\//.test(s), {
    message: 'must be a postgres:// URL (leave it unset to use the embedded SQLite file)',
  }),
  DATA_DIR: optionalText.transform((s) => s ?? './data'),
  // Slack retries an event three times within minutes; eight days, as long as webhook event ids are kept, leaves ample room.
  PROCESSED_EVENTS_RETENTION_DAYS: days(8),
  OUTBOX_RETENTION_DAYS: days(30),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

type Env = z.infer<typeof envSchema>;

export type SlackMode =
  | { kind: 'http'; signingSecret: string; botToken: string }
  | { kind: 'oauth'; signingSecret: string; clientId: string; clientSecret: string; stateSecret: string }
  | { kind: 'socket'; appToken: string; botToken: string }
  | { kind: 'sandbox' };

export interface Config {
  port: number;
  slack: SlackMode;
  slackApiUrl: string;
  pivotalApiUrl: string;
  /** Base of every link to a Pivotal page (`/customers/{display_id}`). */
  pivotalWebUrl: string;
  pivotalApiKey: string | undefined;
  notifyChannel: string | undefined;
  keyEncryptionKey: string | undefined;
  adminSlackIds: string[];
  /** GET /metrics is served only to `Authorization: Bearer <this>`, and not at all without it. */
  metricsToken: string | undefined;
  /** The interface the HTTP server binds: every one unless set (the sandbox binds loopback only). */
  listenHost: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Days before Slack event ids seen and delivered channel posts are pruned. */
  retention: { processedEventsDays: number; deliveredPostsDays: number };
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SLACK_VARS = [
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
] as const;

function slackMode(env: Env): SlackMode {
  const { SLACK_SIGNING_SECRET: signing, SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app } = env;
  const { SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: stateSecret } = env;
  if (SLACK_VARS.every((name) => env[name] === undefined)) return { kind: 'sandbox' };
  if (app) {
    if (!bot)
      throw new ConfigError(['SLACK_APP_TOKEN is set for Socket Mode, so SLACK_BOT_TOKEN must be set too (xoxb-…).']);
    return { kind: 'socket', appToken: app, botToken: bot };
  }
  if (clientId || clientSecret || stateSecret) {
    const missing = (
      [
        ['SLACK_SIGNING_SECRET', signing],
        ['SLACK_CLIENT_ID', clientId],
        ['SLACK_CLIENT_SECRET', clientSecret],
        ['SLACK_STATE_SECRET', stateSecret],
      ] as const
    ).filter(([, v]) => !v);
    if (missing.length) {
      throw new ConfigError(
        missing.map(
          ([name]) =>
            `${name} is missing: OAuth distribution needs SLACK_SIGNING_SECRET, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET.`,
        ),
      );
    }
    if (bot)
      throw new ConfigError([
        'SLACK_BOT_TOKEN must not be set with OAuth distribution: each workspace gets its token when it installs the app.',
      ]);
    return {
      kind: 'oauth',
      signingSecret: signing!,
      clientId: clientId!,
      clientSecret: clientSecret!,
      stateSecret: stateSecret!,
    };
  }
  if (!signing)
    throw new ConfigError([
      'SLACK_SIGNING_SECRET is missing: single-workspace HTTP mode needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (or unset every SLACK_* variable to run the sandbox).',
    ]);
  if (!bot)
    throw new ConfigError([
      'SLACK_BOT_TOKEN is missing: single-workspace HTTP mode needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (or unset every SLACK_* variable to run the sandbox).',
    ]);
  return { kind: 'http', signingSecret: signing, botToken: bot };
}

/**
 * Deployment tools often write `NAME=` for a variable they mean to leave out; treating that as unset
 * for every variable means its default applies (an empty PORT is not port 0, an empty URL is not an error).
 */
function withoutBlanks(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''));
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutBlanks(source));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        return `${name} ${issue.message}.`;
      }),
    );
  }
  const env = parsed.data;
  const slack = slackMode(env);
  if (slack.kind === 'oauth' && !env.PIVOTAL_KEY_ENCRYPTION_KEY) {
    throw new ConfigError([
      'PIVOTAL_KEY_ENCRYPTION_KEY is missing: with many workspaces their Pivotal keys and Slack tokens are encrypted at rest; set it to 32 random bytes in base64 (openssl rand -base64 32).',
    ]);
  }
  return {
    port: env.PORT,
    slack,
    slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
    pivotalApiUrl: env.PIVOTAL_API_URL.replace(/\/+$/, ''),
    pivotalWebUrl: env.PIVOTAL_WEB_URL.replace(/\/+$/, ''),
    pivotalApiKey: env.PIVOTAL_API_KEY,
    notifyChannel: env.PIVOTAL_NOTIFY_CHANNEL,
    keyEncryptionKey: env.PIVOTAL_KEY_ENCRYPTION_KEY,
    adminSlackIds: env.PIVOTAL_ADMIN_SLACK_IDS,
    metricsToken: env.METRICS_TOKEN,
    listenHost: undefined,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    retention: {
      processedEventsDays: env.PROCESSED_EVENTS_RETENTION_DAYS,
      deliveredPostsDays: env.OUTBOX_RETENTION_DAYS,
    },
    logLevel: env.LOG_LEVEL,
  };
}

/** Values that must never reach a log line. */
export function configSecrets(config: Config): string[] {
  const s = config.slack;
  const fromSlack =
    s.kind === 'http'
      ? [s.signingSecret, s.botToken]
      : s.kind === 'oauth'
        ? [s.signingSecret, s.clientSecret, s.stateSecret]
        : s.kind === 'socket'
          ? [s.appToken, s.botToken]
          : [];
  return [...fromSlack, config.pivotalApiKey, config.keyEncryptionKey, config.metricsToken].filter((v): v is string =>
    Boolean(v),
  );
}

import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Secrets are scrubbed twice: by shape (anything that looks like a Pivotal key or a Slack token is cut
 * down to its safe prefix) and by value (the signing secret and client secret have no recognisable
 * shape, so the logger is told them at start-up).
 */
const SECRET_SHAPES: RegExp[] = [
  // Pivotal keys: keep the documented safe prefix (e.g. `pivotal_K8s9`), drop the rest.
  /\b(pivotal_(?:test_)?[A-Za-z0-9]{4})[A-Za-z0-9_-]{8,}/g,
  // Slack tokens: xoxb-, xoxp-, xoxe.xoxb-, xoxe-, xapp-.
  /\b((?:xoxe\.)?xox[abposre]-|xapp-)[A-Za-z0-9-]+/g,
];

const SECRET_KEYS =
  /^(authorization|api_?key|apikey|token|bot_?token|access_?token|refresh_?token|signing_?secret|client_?secret|state_?secret|app_?token|secret|password|encrypted_?key|key_?ciphertext)$/i;

export class SecretScrubber {
  private readonly values = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  add(secret: string | undefined): void {
    // Very short values would scrub ordinary words; config validation keeps real secrets long.
    if (secret && secret.length >= 8) this.values.add(secret);
  }

  scrubString(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join('[redacted]');
    for (const shape of SECRET_SHAPES) out = out.replace(shape, '$1…[redacted]');
    return out;
  }

  scrub(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.scrubString(value);
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (value instanceof Error) {
      return {
        type: value.name,
        message: this.scrubString(value.message),
        stack: value.stack ? this.scrubString(value.stack) : undefined,
      };
    }
    if (Array.isArray(value)) return value.map((v) => this.scrub(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.test(k) && v ? '[redacted]' : this.scrub(v, depth + 1);
    }
    return out;
  }
}

export interface LoggerOptions {
  level?: string;
  secrets?: Iterable<string | undefined>;
  destination?: DestinationStream;
  name?: string;
}

export interface AppLogger {
  logger: Logger;
  scrubber: SecretScrubber;
}

export function createLogger(options: LoggerOptions = {}): AppLogger {
  const scrubber = new SecretScrubber(options.secrets);
  const logger = pino(
    {
      name: options.name ?? 'pivotal-slack',
      level: options.level ?? 'info',
      formatters: {
        log: (obj) => scrubber.scrub(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((a) => scrubber.scrub(a)) as Parameters<typeof method>;
          return method.apply(this, cleaned);
        },
      },
    },
    options.destination,
  );
  return { logger, scrubber };
}

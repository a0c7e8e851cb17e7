import { createHash } from 'node:crypto';
import { visibleKeyPrefix } from './documented.js';
import { ApiError } from './api-error.js';
import { newCuid, newSecretKey } from './ids.js';

export interface ApiKeyRecord {
  id: string;
  orgId: string;
  name: string;
  mode: 'live' | 'test';
  /** The documented safe-to-log prefix. */
  prefix: string;
  revoked: boolean;
  createdAt: string;
  /** When a request last authenticated with it: which key the app is using. */
  lastUsedAt: string | null;
}

/** What is kept of a key across restarts: its hash and its record, never the secret. */
export type ApiKeyDump = Array<{ hash: string; key: ApiKeyRecord }>;

function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const BEARER = /^bearer +(\S+) *$/i;

function unauthenticated(code: string, message: string): ApiError {
  return new ApiError(401, 'authentication_error', code, message);
}

/** Keys are kept by hash, as Pivotal does: the simulator cannot leak what it does not hold. */
export class ApiKeyRegistry {
  private readonly byHash = new Map<string, ApiKeyRecord>();

  constructor(private readonly changed: () => void = () => {}) {}

  /**
   * `secret` chooses the key's text, e.g. a `pivotal_test_…` key that Pivotal holds as live: a
   * misconfigured key, which a client is expected to notice through /me's `mode`.
   */
  create(orgId: string, o: { mode?: 'live' | 'test'; name?: string; secret?: string } = {}): string {
    const mode = o.mode ?? 'live';
    const secret = o.secret ?? newSecretKey(mode);
    this.byHash.set(hashKey(secret), {
      id: newCuid(),
      orgId,
      name: o.name ?? `${mode} key`,
      mode,
      prefix: visibleKeyPrefix(secret),
      revoked: false,
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
    });
    this.changed();
    return secret;
  }

  revoke(secret: string): void {
    const key = this.byHash.get(hashKey(secret));
    if (!key) throw new Error('simulator: unknown key');
    this.revokeById(key.id);
  }

  /** The admin screen's way: it lists keys by id and prefix and never holds their secrets. */
  revokeById(id: string): ApiKeyRecord {
    const key = [...this.byHash.values()].find((k) => k.id === id);
    if (!key) throw new Error(`simulator: no key ${id}`);
    key.revoked = true;
    this.changed();
    return key;
  }

  list(orgId: string): ApiKeyRecord[] {
    return [...this.byHash.values()].filter((k) => k.orgId === orgId).map((k) => ({ ...k }));
  }

  dump(): ApiKeyDump {
    return [...this.byHash].map(([hash, key]) => ({ hash, key: { ...key } }));
  }

  load(dump: ApiKeyDump): void {
    for (const { hash, key } of dump) this.byHash.set(hash, { ...key });
  }

  /** `Authorization: Bearer <key>` only; `bearer` is fine, `Bearer:` or a bare key are not. */
  authenticate(header: string | undefined): ApiKeyRecord {
    if (!header) throw unauthenticated('missing_api_key', 'No API key provided. Send Authorization: Bearer <key>.');
    const match = BEARER.exec(header);
    if (!match)
      throw unauthenticated('invalid_authorization_header', 'Malformed Authorization header. Use: Bearer <key>.');
    const key = this.byHash.get(hashKey(match[1]!));
    if (!key) throw unauthenticated('invalid_api_key', 'Invalid API key.');
    if (key.revoked) throw unauthenticated('api_key_revoked', 'This API key has been revoked.');
    key.lastUsedAt = new Date().toISOString();
    return key;
  }
}

import type { Logger } from 'pino';
import {
  PivotalClient,
  keyDisplayPrefix,
  type PivotalAuthError,
  type PivotalClientOptions,
  type ResponseInfo,
  type UnfitRecord,
} from '../pivotal/index.js';
import type { KeyRing } from '../security/key-encryption.js';
import type { Store } from '../store/database.js';
import { getWorkspace, touchLastSuccess } from '../store/workspaces.js';
import { workspaceId, type WorkspaceRef } from '../domain/workspace-ref.js';
import { keyMode } from '../domain/key-mode.js';
import { BoundedMap } from '../shared/bounded-map.js';

export interface PivotalConnection {
  client: PivotalClient;
  workspaceId: string;
  mode: 'live' | 'test';
  keyPrefix: string;
  /** `stored`: connected with /pivotal connect; `bootstrap`: PIVOTAL_API_KEY of single-workspace mode. */
  source: 'stored' | 'bootstrap';
}

/** Which key failed: a late 401 of a key that was replaced meanwhile must not flag the new one. */
export interface AuthFailureInfo {
  ref: WorkspaceRef;
  source: PivotalConnection['source'];
  /** The stored key's ciphertext as it was when the client was made; null for the bootstrap key. */
  keyCiphertext: string | null;
  keyPrefix: string;
  mode: PivotalConnection['mode'];
}

export type AuthFailureListener = (workspace: string, error: PivotalAuthError, info: AuthFailureInfo) => void;

/** Every response a workspace's client receives (metrics count calls and the remaining rate budget). */
export type ResponseListener = (workspace: string, info: ResponseInfo) => void;

/** Every record of a workspace's that did not fit the documented shape (metrics count them). */
export type UnfitRecordListener = (workspace: string, record: UnfitRecord) => void;

/** Limits that only ever tighten the configured client options (a check that must fit in Slack's 3 s). */
export interface ClientLimits {
  timeoutMs?: number;
  maxAttempts?: number;
  maxRetryAfterMs?: number;
}

/**
 * Clients kept at most, the least recently used going first. A client is cheap to make again (its key
 * decrypted, a logger child); its rate pacing lives with the key (pacer.ts), so a client made again
 * shares it. Past this many workspaces in use at once, requests only cost a decryption more.
 */
export const PIVOTAL_CLIENT_CACHE_SIZE = 1_000;

/**
 * The one place that turns "a request from workspace X" into a Pivotal client holding X's key.
 * A key is only ever used for the workspace it was stored for (isolation); the clients are
 * cached per workspace and key, within PIVOTAL_CLIENT_CACHE_SIZE.
 */
export class PivotalGateway {
  private readonly clients: BoundedMap<string, PivotalClient>;
  private readonly authListeners: AuthFailureListener[] = [];
  private readonly responseListeners: ResponseListener[] = [];
  private readonly unfitListeners: UnfitRecordListener[] = [];

  constructor(
    private readonly deps: {
      store: Store;
      keyRing: KeyRing;
      logger: Logger;
      baseUrl: string;
      /** Only in single-workspace modes: the key used while no key has been connected. */
      bootstrapKey?: string | undefined;
      clientOptions?: Partial<PivotalClientOptions>;
      now?: () => Date;
      /** Default PIVOTAL_CLIENT_CACHE_SIZE. */
      maxClients?: number;
    },
  ) {
    this.clients = new BoundedMap({ capacity: deps.maxClients ?? PIVOTAL_CLIENT_CACHE_SIZE });
  }

  onAuthFailure(listener: AuthFailureListener): void {
    this.authListeners.push(listener);
  }

  onResponse(listener: ResponseListener): void {
    this.responseListeners.push(listener);
  }

  onUnfitRecord(listener: UnfitRecordListener): void {
    this.unfitListeners.push(listener);
  }

  async forWorkspace(ref: WorkspaceRef): Promise<PivotalConnection | null> {
    const id = workspaceId(ref);
    const row = await getWorkspace(this.deps.store.db, id);
    if (row?.pivotal_key_ciphertext) {
      const ciphertext = row.pivotal_key_ciphertext;
      return this.connection(ref, ciphertext, 'stored', () => this.deps.keyRing.decrypt(ciphertext));
    }
    if (this.deps.bootstrapKey) {
      const key = this.deps.bootstrapKey;
      return this.connection(ref, null, 'bootstrap', () => key);
    }
    return null;
  }

  /** A client for a key that is not stored yet (checking a pasted key with /me before saving it). */
  clientForKey(apiKey: string, limits: ClientLimits = {}): PivotalClient {
    return this.newClient(apiKey, undefined, limits);
  }

  /** Forget cached clients of a workspace, after its key was rotated or removed. */
  forget(ref: WorkspaceRef | string): void {
    const id = typeof ref === 'string' ? ref : workspaceId(ref);
    this.clients.deleteWhere((cacheKey) => cacheKey.startsWith(`${id}\u0000`));
  }

  private connection(
    ref: WorkspaceRef,
    keyCiphertext: string | null,
    source: PivotalConnection['source'],
    key: () => string,
  ): PivotalConnection {
    const id = workspaceId(ref);
    const cacheKey = `${id}\u0000${keyCiphertext ?? 'bootstrap'}`;
    let client = this.clients.get(cacheKey);
    if (!client) {
      client = this.newClient(key(), { id, ref, source, keyCiphertext });
      this.clients.set(cacheKey, client);
    }
    return { client, workspaceId: id, mode: client.mode, keyPrefix: client.keyPrefix, source };
  }

  private newClient(
    apiKey: string,
    owner:
      | { id: string; ref: WorkspaceRef; source: PivotalConnection['source']; keyCiphertext: string | null }
      | undefined,
    limits: ClientLimits = {},
  ): PivotalClient {
    const now = this.deps.now ?? (() => new Date());
    const configured = this.deps.clientOptions ?? {};
    return new PivotalClient({
      baseUrl: this.deps.baseUrl,
      apiKey,
      logger: this.deps.logger,
      ...configured,
      ...tightened(configured, limits),
      ...(owner
        ? {
            onAuthError: (err: PivotalAuthError) => {
              const info: AuthFailureInfo = {
                ref: owner.ref,
                source: owner.source,
                keyCiphertext: owner.keyCiphertext,
                keyPrefix: keyDisplayPrefix(apiKey),
                mode: keyMode(apiKey),
              };
              for (const listener of this.authListeners) listener(owner.id, err, info);
            },
            onUnfitRecord: (record: UnfitRecord) => {
              for (const listener of this.unfitListeners) listener(owner.id, record);
            },
            onResponse: (info: ResponseInfo) => {
              for (const listener of this.responseListeners) listener(owner.id, info);
              if (info.status < 400) {
                touchLastSuccess(this.deps.store.db, owner.id, now()).catch((err: unknown) =>
                  this.deps.logger.warn(
                    { err, workspace: owner.id },
                    'could not record the last successful Pivotal call',
                  ),
                );
              }
            },
          }
        : {}),
    });
  }
}

function tightened(configured: Partial<PivotalClientOptions>, limits: ClientLimits): Partial<PivotalClientOptions> {
  const out: Partial<PivotalClientOptions> = {};
  if (limits.timeoutMs !== undefined) out.timeoutMs = Math.min(limits.timeoutMs, configured.timeoutMs ?? Infinity);
  if (limits.maxAttempts !== undefined)
    out.maxAttempts = Math.min(limits.maxAttempts, configured.maxAttempts ?? Infinity);
  if (limits.maxRetryAfterMs !== undefined)
    out.maxRetryAfterMs = Math.min(limits.maxRetryAfterMs, configured.maxRetryAfterMs ?? Infinity);
  return out;
}

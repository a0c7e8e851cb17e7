import { PivotalProtocolError } from './errors.js';
import type { KeyMode } from './keys.js';

/** What `/me` says about the calling key, whichever of the two documented shapes came back. */
export interface Identity {
  keyName: string | null;
  keyPrefix: string | null;
  keyId: string | null;
  organization: { id: string | null; slug: string | null; name: string | null } | null;
  /** Only when the response states it; the field is undocumented (gap 7), so callers fall back to the key prefix. */
  mode: KeyMode | null;
  scopes: string[];
  raw: unknown;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function firstString(sources: (Json | undefined)[], keys: string[]): string | null {
  for (const source of sources) {
    for (const key of keys) {
      const value = source?.[key];
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number') return String(value);
    }
  }
  return null;
}

/** The docs promise a mode indicator without naming it; these are the names such a field plausibly has. */
function statedMode(source: Json | undefined): KeyMode | null {
  if (!source) return null;
  if (typeof source.livemode === 'boolean') return source.livemode ? 'live' : 'test';
  for (const key of ['test_mode', 'testmode', 'is_test', 'test']) {
    if (typeof source[key] === 'boolean') return source[key] ? 'test' : 'live';
  }
  const named = firstString([source], ['mode', 'environment', 'env']);
  if (named && /test|sandbox/i.test(named)) return 'test';
  if (named && /live|prod/i.test(named)) return 'live';
  return null;
}

/**
 * Accepts the spec's `{object:"me", api_key:{…}, organization:{…}}` and the test-mode guide's
 * `{object:"api_key_identity", key_name, key_prefix, …}` (gap 7), with organisation fields either nested
 * or flat (`org_id`, `organization_slug`, …).
 */
export function normalizeIdentity(raw: unknown): Identity {
  const body = asObject(raw);
  if (!body) throw new PivotalProtocolError(200, '/me did not return a JSON object');
  const apiKey = asObject(body.api_key);
  const isFlatIdentity = body.object === 'api_key_identity';

  const nestedOrg = asObject(body.organization) ?? asObject(body.org) ?? asObject(body.workspace);
  const orgId = firstString([nestedOrg], ['id']) ?? firstString([body], ['organization_id', 'org_id', 'workspace_id']);
  const orgSlug = firstString([nestedOrg], ['slug']) ?? firstString([body], ['organization_slug', 'org_slug', 'workspace_slug']);
  const orgName = firstString([nestedOrg], ['name']) ?? firstString([body], ['organization_name', 'org_name', 'workspace_name']);

  const scopes = apiKey?.scopes ?? body.scopes;
  return {
    keyName: firstString([apiKey], ['name']) ?? firstString([body], ['key_name']),
    keyPrefix: firstString([apiKey], ['prefix']) ?? firstString([body], ['key_prefix']),
    keyId: firstString([apiKey], ['id']) ?? firstString([body], isFlatIdentity ? ['key_id', 'id'] : ['key_id']),
    organization: orgId || orgSlug || orgName ? { id: orgId, slug: orgSlug, name: orgName } : null,
    mode: statedMode(body) ?? statedMode(apiKey),
    scopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [],
    raw,
  };
}

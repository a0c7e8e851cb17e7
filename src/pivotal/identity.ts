import { PivotalProtocolError } from './errors.js';
import type { KeyMode } from '../domain/key-mode.js';

/** What `/me` says about the calling key. */
export interface Identity {
  keyName: string | null;
  keyPrefix: string | null;
  /** The documented shape gives no organization name; `name` is only filled from the spec's nested shape. */
  organization: { id: string | null; slug: string | null; name: string | null } | null;
  /** From `mode`; null when the answer did not state `live` or `test`. */
  mode: KeyMode | null;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(source: Json | undefined, key: string): string | null {
  const value = source?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The quickstart and the test-mode guide show `/me` whole: `{object: "api_key_identity", key_name,
 * key_prefix, org_id, org_slug, mode}`, and that is what is read. The published OpenAPI spec describes
 * another shape (`api_key: {name, prefix}`, `organization: {id, slug, name}`, no mode); its fields are
 * read only where the documented ones are absent, so either server is understood and nothing else is
 * guessed at.
 */
export function normalizeIdentity(raw: unknown): Identity {
  const body = asObject(raw);
  if (!body) throw new PivotalProtocolError(200, '/me did not return a JSON object');
  const apiKey = asObject(body.api_key);
  const org = asObject(body.organization);

  const orgId = text(body, 'org_id') ?? text(org, 'id');
  const orgSlug = text(body, 'org_slug') ?? text(org, 'slug');
  const orgName = text(org, 'name');
  const mode = body.mode === 'live' || body.mode === 'test' ? body.mode : null;
  return {
    keyName: text(body, 'key_name') ?? text(apiKey, 'name'),
    keyPrefix: text(body, 'key_prefix') ?? text(apiKey, 'prefix'),
    organization: orgId || orgSlug || orgName ? { id: orgId, slug: orgSlug, name: orgName } : null,
    mode,
  };
}

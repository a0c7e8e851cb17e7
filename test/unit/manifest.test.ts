import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES, SLACK_EVENTS_PATH } from '../../src/app.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// A git worktree sits one level deeper than the main checkout: SLACK_MANIFEST_SCHEMA_DIR points at the schema there.
const schemaDir = process.env.SLACK_MANIFEST_SCHEMA_DIR ?? join(root, '..', 'shared', 'slack-manifest-schema');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as Record<string, any>;

describe('manifest.yml', () => {
  it.skipIf(!existsSync(schemaDir))("validates against Slack's published manifest schema (v1)", () => {
    const schema = JSON.parse(readFileSync(join(schemaDir, 'manifest.schema.1.0.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('asks for exactly the scopes the app requests at install', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('sends every kind of Slack request to the one events path', () => {
    const urls = [
      manifest.features.slash_commands[0].url,
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      manifest.settings.interactivity.message_menu_options_url,
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
  });

  it('subscribes to the events the app listens for', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_home_opened', 'app_uninstalled', 'tokens_revoked']),
    );
  });

  it('declares the message and global shortcuts, each with the callback id the app listens for', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(
      manifest.features.shortcuts.map((s: { type: string; callback_id: string }) => [s.type, s.callback_id]),
    ).toEqual([
      ['message', 'start_onboarding'],
      ['message', 'add_to_onboarding'],
      ['global', 'new_onboarding'],
      ['global', 'move_onboarding'],
    ]);
  });
});

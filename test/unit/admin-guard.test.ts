import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AdminRefusal, refuseUnlessAdmin } from '../../src/security/admin-guard.js';
import { Permissions } from '../../src/security/permissions.js';
import { LogCapture } from '../harness/log-capture.js';

/** A workspace's client as the admin check uses it: users.info for one person, users.list for the admins. */
function workspaceClient(admins: readonly string[]) {
  return {
    users: {
      info: async ({ user }: { user: string }) => ({ ok: true, user: { id: user, is_admin: admins.includes(user) } }),
      list: async () => ({ ok: true, members: admins.map((id) => ({ id, is_admin: true })) }),
    },
  } as unknown as WebClient;
}

describe('the admin guard', () => {
  it('lets an admin through and refuses anyone else, naming the admins as mentions', async () => {
    const logger = pino({ level: 'silent' });
    const permissions = new Permissions([], logger);
    const slack = workspaceClient(['U0ADMIN', 'U0OWNER']);
    const workspace = { workspaceId: 'T0ONE', mode: null };
    expect(
      await refuseUnlessAdmin({ permissions, logger }, workspace, { userId: 'U0ADMIN', slack }, 'do it'),
    ).toBeNull();
    const refusal = await refuseUnlessAdmin(
      { permissions, logger },
      workspace,
      { userId: 'U0CSM', slack },
      'edit the phase list',
    );
    expect(refusal?.text).toBe(':lock: Only a workspace admin can edit the phase list. Ask <@U0ADMIN> or <@U0OWNER>.');
  });

  it('keeps where admins come from for the log, never for people', async () => {
    const logs = new LogCapture();
    const logger = pino({ level: 'info' }, logs);
    const permissions = new Permissions(['U0LISTED'], logger);
    const refusal = await refuseUnlessAdmin(
      { permissions, logger },
      { workspaceId: 'T0ONE', mode: 'test' },
      { userId: 'U0CSM', slack: workspaceClient([]) },
      'connect Pivotal',
    );
    const shown = JSON.stringify([refusal?.message(), refusal?.modal(), refusal?.onSubmission({})]);
    expect(shown).toContain('<@U0LISTED>');
    expect(shown).not.toContain('PIVOTAL_ADMIN_SLACK_IDS');
    expect(logs.text).toContain('PIVOTAL_ADMIN_SLACK_IDS');
  });

  it('answers each surface in its own way', () => {
    const refusal = new AdminRefusal('set up Pivotal webhooks', [], 'test');
    expect(refusal.message()).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringContaining('Only a workspace admin can set up Pivotal webhooks. Ask a Slack workspace admin.'),
    });
    expect(refusal.modal()).toMatchObject({ type: 'modal', close: { text: 'Close' } });
    const inputs = {
      blocks: [{ type: 'section' }, { type: 'input', block_id: 'first' }, { type: 'input', block_id: 'b' }],
    };
    const fieldError = {
      response_action: 'errors',
      errors: { first: 'Only a workspace admin can set up Pivotal webhooks.' },
    };
    expect(refusal.onSubmission(inputs)).toEqual(fieldError);
    expect(refusal.onSubmission(inputs, 'b')).toEqual({
      response_action: 'errors',
      errors: { b: fieldError.errors.first },
    });
    expect(refusal.onSubmission({ blocks: [{ type: 'section' }] })).toEqual({
      response_action: 'update',
      view: refusal.modal(),
    });
  });
});

import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Permissions } from '../../src/security/permissions.js';

/** A workspace's client as far as the admin check uses it: users.info answers for that workspace. */
function workspaceClient(admins: readonly string[]) {
  const asked: string[] = [];
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        asked.push(user);
        return { ok: true, user: { id: user, is_admin: admins.includes(user) } };
      },
    },
  } as unknown as WebClient;
  return { client, asked };
}

describe('admin rights', () => {
  const logger = pino({ level: 'silent' });

  it('are judged per workspace: an admin of one Grid workspace is not one in another', async () => {
    const permissions = new Permissions([], logger);
    const inGrid = workspaceClient(['U0SHARED']);
    const otherInGrid = workspaceClient([]);
    expect(await permissions.isAdmin(inGrid.client, 'E0GRID:T0ONE', 'U0SHARED')).toBe(true);
    expect(await permissions.isAdmin(otherInGrid.client, 'E0GRID:T0TWO', 'U0SHARED')).toBe(false);
    expect(await permissions.isAdmin(inGrid.client, 'E0GRID:T0ONE', 'U0SHARED')).toBe(true);
    expect(otherInGrid.asked).toEqual(['U0SHARED']);
  });

  it('are asked of Slack once per workspace and user for a while, then again', async () => {
    let now = 0;
    const permissions = new Permissions([], logger, () => now);
    const slack = workspaceClient(['U0ADMIN']);
    for (let i = 0; i < 5; i++) await permissions.isAdmin(slack.client, 'T0ONE', 'U0ADMIN');
    expect(slack.asked).toHaveLength(1);
    now += 6 * 60_000;
    await permissions.isAdmin(slack.client, 'T0ONE', 'U0ADMIN');
    expect(slack.asked).toHaveLength(2);
  });

  it('keep at most their capacity of answers, the least recently asked going first', async () => {
    const permissions = new Permissions([], logger, Date.now, 3);
    const slack = workspaceClient(['U0ADMIN']);
    for (const user of ['U1', 'U2', 'U3', 'U1', 'U4']) await permissions.isAdmin(slack.client, 'T0ONE', user);
    expect(slack.asked).toEqual(['U1', 'U2', 'U3', 'U4']);
    // U2 was the least recently asked when U4 came: it is asked of Slack again, U1, U3 and U4 are not.
    for (const user of ['U1', 'U3', 'U4', 'U2']) await permissions.isAdmin(slack.client, 'T0ONE', user);
    expect(slack.asked).toEqual(['U1', 'U2', 'U3', 'U4', 'U2']);
  });

  it('include the configured admins everywhere, without asking Slack', async () => {
    const permissions = new Permissions(['U0LISTED'], logger);
    const slack = workspaceClient([]);
    expect(await permissions.isAdmin(slack.client, 'T0ONE', 'U0LISTED')).toBe(true);
    expect(slack.asked).toEqual([]);
  });
});

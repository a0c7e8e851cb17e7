import { randomBytes } from 'node:crypto';
import type { Installation, InstallationQuery } from '@slack/bolt';
import { expect, it } from 'vitest';
import { KeyRing } from '../../src/security/key-encryption.js';
import { createInstallationStore } from '../../src/store/installation-store.js';
import { describeEachDialect } from '../helpers/databases.js';

const keyRing = KeyRing.fromBase64(randomBytes(32).toString('base64'));

function workspaceInstall(teamId: string, botToken: string, enterpriseId?: string): Installation<'v2', false> {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: enterpriseId ? { id: enterpriseId, name: `Org ${enterpriseId}` } : undefined,
    user: { id: 'U_INSTALLER', token: undefined, scopes: undefined },
    bot: { token: botToken, id: 'B_BOT', userId: 'U_BOT', scopes: ['commands', 'chat:write'] },
    appId: 'A_APP',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

function orgInstall(enterpriseId: string, botToken: string): Installation<'v2', true> {
  return {
    team: undefined,
    enterprise: { id: enterpriseId, name: `Org ${enterpriseId}` },
    user: { id: 'U_ADMIN', token: undefined, scopes: undefined },
    bot: { token: botToken, id: 'B_ORGBOT', userId: 'U_ORGBOT', scopes: ['commands'] },
    appId: 'A_APP',
    enterpriseUrl: `https://${enterpriseId.toLowerCase()}.enterprise.slack.com/`,
    tokenType: 'bot',
    isEnterpriseInstall: true,
    authVersion: 'v2',
  };
}

const teamQuery = (teamId: string, enterpriseId?: string): InstallationQuery<false> => ({
  teamId,
  enterpriseId,
  isEnterpriseInstall: false,
});
const orgQuery = (enterpriseId: string): InstallationQuery<true> => ({
  teamId: undefined,
  enterpriseId,
  isEnterpriseInstall: true,
});

describeEachDialect('Slack installation store', (suite) => {
  const installations = () => createInstallationStore(suite.store().db, keyRing);

  it('returns a workspace installation as it was stored', async () => {
    const installation = workspaceInstall('T1', 'xoxb-1-workspace');
    await installations().storeInstallation(installation);
    expect(await installations().fetchInstallation(teamQuery('T1'))).toEqual(JSON.parse(JSON.stringify(installation)));
  });

  it('keys a workspace inside an Enterprise Grid by enterprise and team', async () => {
    await installations().storeInstallation(workspaceInstall('T1', 'xoxb-grid', 'E1'));
    await installations().storeInstallation(workspaceInstall('T1', 'xoxb-plain'));

    expect((await installations().fetchInstallation(teamQuery('T1', 'E1'))).bot?.token).toBe('xoxb-grid');
    expect((await installations().fetchInstallation(teamQuery('T1'))).bot?.token).toBe('xoxb-plain');
    const row = await suite
      .store()
      .db.selectFrom('slack_installations')
      .selectAll()
      .where('id', '=', 'E1:T1')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      team_id: 'T1',
      enterprise_id: 'E1',
      is_enterprise_install: 0,
      bot_id: 'B_BOT',
      bot_user_id: 'U_BOT',
    });
  });

  it('keys an org-wide installation by the enterprise alone, for any of its workspaces', async () => {
    const installation = orgInstall('E9', 'xoxb-org');
    await installations().storeInstallation(installation);

    const fetched = await installations().fetchInstallation(orgQuery('E9'));
    expect(fetched).toEqual(JSON.parse(JSON.stringify(installation)));
    expect(fetched.team).toBeUndefined();
    const row = await suite.store().db.selectFrom('slack_installations').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ id: 'E9', team_id: null, enterprise_id: 'E9', is_enterprise_install: 1 });
  });

  it('replaces the installation when it is stored again (reinstall, token rotation)', async () => {
    await installations().storeInstallation(workspaceInstall('T1', 'xoxb-old'));
    const createdAt = (
      await suite.store().db.selectFrom('slack_installations').select('created_at').executeTakeFirstOrThrow()
    ).created_at;
    await installations().storeInstallation({
      ...workspaceInstall('T1', 'xoxb-new'),
      bot: { token: 'xoxb-new', id: 'B2', userId: 'U2', scopes: ['commands'] },
    });

    expect((await installations().fetchInstallation(teamQuery('T1'))).bot).toEqual({
      token: 'xoxb-new',
      id: 'B2',
      userId: 'U2',
      scopes: ['commands'],
    });
    const rows = await suite.store().db.selectFrom('slack_installations').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bot_id: 'B2', bot_user_id: 'U2', created_at: createdAt });
  });

  it('never writes a token in clear', async () => {
    await installations().storeInstallation({
      ...workspaceInstall('T1', 'xoxb-secret-bot-token'),
      user: {
        id: 'U1',
        token: 'xoxp-secret-user-token',
        scopes: ['search:read'],
        refreshToken: 'xoxe-1-secret-refresh',
      },
    });
    const row = await suite.store().db.selectFrom('slack_installations').selectAll().executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    for (const secret of ['xoxb-secret-bot-token', 'xoxp-secret-user-token', 'xoxe-1-secret-refresh'])
      expect(stored).not.toContain(secret);
    expect(row.installation_ciphertext).toMatch(new RegExp(`^v1\\.${keyRing.currentKeyId}\\.`));
  });

  it('hands Bolt undefined where the stored installation held null', async () => {
    const withNulls = {
      ...workspaceInstall('T1', 'xoxb-1'),
      incomingWebhook: null,
      metadata: null,
      user: { id: 'U1', token: null, scopes: null },
    };
    await installations().storeInstallation(withNulls as unknown as Installation);

    const fetched = await installations().fetchInstallation(teamQuery('T1'));
    expect(fetched).not.toHaveProperty('incomingWebhook');
    expect(fetched).not.toHaveProperty('metadata');
    expect(fetched.user).toEqual({ id: 'U1' });
  });

  it('deletes an installation', async () => {
    await installations().storeInstallation(workspaceInstall('T1', 'xoxb-1', 'E1'));
    await installations().storeInstallation(orgInstall('E9', 'xoxb-org'));

    await installations().deleteInstallation!(teamQuery('T1', 'E1'));
    await installations().deleteInstallation!(orgQuery('E9'));

    await expect(installations().fetchInstallation(teamQuery('T1', 'E1'))).rejects.toThrow(
      'No Slack installation found for team T1 in enterprise E1',
    );
    await expect(installations().fetchInstallation(orgQuery('E9'))).rejects.toThrow(
      'No Slack installation found for the org-wide install of enterprise E9',
    );
  });

  it('throws a clear error for an unknown workspace, as Bolt expects', async () => {
    await installations().storeInstallation(workspaceInstall('T1', 'xoxb-1', 'E1'));
    await expect(installations().fetchInstallation(teamQuery('T2'))).rejects.toThrow(
      'No Slack installation found for team T2',
    );
    // A grid workspace is not found under its bare team id, nor an org install under a team query.
    await expect(installations().fetchInstallation(teamQuery('T1'))).rejects.toThrow(
      'No Slack installation found for team T1',
    );
  });

  it('refuses an installation without a team or enterprise id', async () => {
    const teamless = { ...workspaceInstall('T1', 'xoxb-1'), team: undefined } as unknown as Installation;
    await expect(installations().storeInstallation(teamless)).rejects.toThrow(
      'A Slack workspace installation has no team id',
    );
  });
});

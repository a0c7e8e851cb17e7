import { randomBytes } from 'node:crypto';
import { keyMode } from '../../src/domain/key-mode.js';
import { keyDisplayPrefix } from '../../src/pivotal/index.js';
import type { KeyRing } from '../../src/security/key-encryption.js';
import type { Db } from '../../src/store/database.js';
import { createInstallationStore } from '../../src/store/installation-store.js';
import { ensureWorkspace, saveConnection } from '../../src/store/workspaces.js';
import { benchTeamId } from './protocol.js';

/**
 * What installing the app in many workspaces leaves behind: an installation row and a connected
 * workspace row each (the i-th workspace connected with keys[i]), written through the same
 * repositories the OAuth callback and /pivotal connect use.
 */
export async function seedInstalledWorkspaces(db: Db, keyRing: KeyRing, keys: readonly string[]): Promise<void> {
  const installations = createInstallationStore(db, keyRing);
  for (const [i, key] of keys.entries()) {
    const teamId = benchTeamId(i);
    await installations.storeInstallation({
      team: { id: teamId, name: `Bench team ${i}` },
      enterprise: undefined,
      isEnterpriseInstall: false,
      appId: 'A0PIVOTAL',
      authVersion: 'v2',
      tokenType: 'bot',
      user: { id: `U${teamId}`, token: undefined, scopes: undefined },
      bot: {
        token: `xoxb-${i}-${randomBytes(12).toString('hex')}`,
        id: 'BBOT',
        userId: 'UBOT',
        scopes: ['commands', 'chat:write'],
      },
    });
    await ensureWorkspace(db, { teamId }, `Bench team ${i}`);
    await saveConnection(db, teamId, {
      keyCiphertext: keyRing.encrypt(key),
      keyPrefix: keyDisplayPrefix(key),
      keyName: 'bench',
      mode: keyMode(key),
      orgId: 'org_bench',
      orgSlug: 'bench',
      orgName: 'Bench',
      connectedBy: `U${teamId}`,
    });
  }
}

import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { expect, it } from 'vitest';
import { keyDisplayPrefix } from '../../src/pivotal/index.js';
import { KeyRing } from '../../src/security/key-encryption.js';
import { ensureWorkspace, saveConnection } from '../../src/store/workspaces.js';
import { PivotalGateway } from '../../src/workspace/pivotal-gateway.js';
import { describeEachDialect } from '../helpers/databases.js';

/** The per-workspace Pivotal clients are a cache with a ceiling: the least recently used client goes first. */
describeEachDialect('Pivotal clients per workspace', (suite) => {
  it('are kept for at most maxClients workspaces, and made again for one that was dropped', async () => {
    const store = suite.store();
    const keyRing = KeyRing.fromBase64(randomBytes(32).toString('base64'));
    const gateway = new PivotalGateway({
      store,
      keyRing,
      logger: pino({ level: 'silent' }),
      baseUrl: 'http://127.0.0.1:9/api/v1',
      maxClients: 2,
    });
    const teams = ['T1', 'T2', 'T3'];
    for (const teamId of teams) {
      const key = `pivotal_${randomBytes(16).toString('hex')}`;
      await ensureWorkspace(store.db, { teamId });
      await saveConnection(store.db, teamId, {
        keyCiphertext: keyRing.encrypt(key),
        keyPrefix: keyDisplayPrefix(key),
        keyName: 'test',
        mode: 'live',
        orgId: 'org_1',
        orgSlug: 'acme',
        orgName: 'Acme',
        connectedBy: 'U1',
      });
    }
    const clientOf = async (teamId: string) => (await gateway.forWorkspace({ teamId }))!.client;
    const first = await clientOf('T1');
    expect(await clientOf('T1')).toBe(first);
    await clientOf('T2');
    const third = await clientOf('T3');
    // Two clients at most: T1, the least recently used, was dropped and is made anew; T3 is still kept.
    expect(await clientOf('T1')).not.toBe(first);
    expect(await clientOf('T3')).toBe(third);
  });
});

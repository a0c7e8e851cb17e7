import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { confirmSwitch, submitKey, type ConnectDeps } from '../../src/features/connect/service.js';
import { keyDisplayPrefix } from '../../src/pivotal/index.js';
import { KeyRing } from '../../src/security/key-encryption.js';
import { getWorkspace, markNeedsAttention } from '../../src/store/workspaces.js';
import { PivotalGateway } from '../../src/workspace/pivotal-gateway.js';
import { startPivotalSimulator, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';
import { describeEachDialect } from '../helpers/databases.js';

/**
 * What the database holds after connecting, on SQLite and on Postgres: the key only encrypted, in the
 * workspaces row and in a switch waiting for confirmation alike.
 */

let pivotal: PivotalSimulator;
beforeAll(async () => {
  pivotal = await startPivotalSimulator();
});
afterAll(async () => {
  await pivotal.close();
});

const WORKSPACE = { teamId: 'T1', enterpriseId: 'E1' };

/** Every row of a table as the driver returns it, past kysely's typed layer. */
async function rawRows(deps: ConnectDeps, table: string): Promise<string> {
  const { rows } = await sql`select * from ${sql.table(table)}`.execute(deps.store.db);
  return JSON.stringify(rows);
}

function holdsKey(text: string, key: string): boolean {
  const secret = key.slice(keyDisplayPrefix(key).length);
  for (let i = 0; i + 12 <= secret.length; i += 4) if (text.includes(secret.slice(i, i + 12))) return true;
  return false;
}

describeEachDialect('connect storage', (suite) => {
  function deps(): ConnectDeps {
    const store = suite.store();
    const keyRing = KeyRing.fromBase64(randomBytes(32).toString('base64'));
    const logger = pino({ level: 'silent' });
    return {
      store,
      keyRing,
      logger,
      now: () => new Date(),
      pivotal: new PivotalGateway({ store, keyRing, logger, baseUrl: pivotal.url }),
    };
  }

  it('stores a connected key encrypted with a fresh IV and a key id, and nothing of it in clear', async () => {
    const d = deps();
    const org = pivotal.createOrg({ name: 'Acme', slug: `acme-${randomBytes(3).toString('hex')}` });
    const key = pivotal.createKey(org.id, { mode: 'test', name: 'slack' });

    const first = await submitKey(d, { workspace: WORKSPACE, userId: 'U1', pasted: `Bearer ${key}` });
    expect(first.kind).toBe('connected');
    const raw = await rawRows(d, 'workspaces');
    expect(holdsKey(raw, key)).toBe(false);
    const row = await getWorkspace(d.store.db, 'E1:T1');
    expect(row).toMatchObject({
      team_id: 'T1',
      enterprise_id: 'E1',
      pivotal_key_prefix: keyDisplayPrefix(key),
      pivotal_mode: 'test',
      pivotal_org_id: org.id,
      connected_by: 'U1',
    });
    expect(row!.pivotal_key_ciphertext).toMatch(new RegExp(`^v1\\.${d.keyRing.currentKeyId}\\.`));
    expect(d.keyRing.decrypt(row!.pivotal_key_ciphertext!)).toBe(key);
    expect(row!.last_success_at).not.toBeNull();

    // Connecting the same key again writes it afresh: same key, new IV, different ciphertext.
    await submitKey(d, { workspace: WORKSPACE, userId: 'U1', pasted: key });
    const again = await getWorkspace(d.store.db, 'E1:T1');
    expect(again!.pivotal_key_ciphertext).not.toBe(row!.pivotal_key_ciphertext);
    expect(d.keyRing.decrypt(again!.pivotal_key_ciphertext!)).toBe(key);
  });

  it('keeps a key waiting for a switch of organization encrypted too, and removes it once used', async () => {
    const d = deps();
    const orgA = pivotal.createOrg({ name: 'A', slug: `a-${randomBytes(3).toString('hex')}` });
    const orgB = pivotal.createOrg({ name: 'B', slug: `b-${randomBytes(3).toString('hex')}` });
    await submitKey(d, { workspace: WORKSPACE, userId: 'U1', pasted: pivotal.createKey(orgA.id) });
    const otherKey = pivotal.createKey(orgB.id);

    const asked = await submitKey(d, { workspace: WORKSPACE, userId: 'U1', pasted: otherKey });
    expect(asked.kind).toBe('confirm-switch');
    expect(holdsKey(await rawRows(d, 'pending_key_switches'), otherKey)).toBe(false);
    expect((await getWorkspace(d.store.db, 'E1:T1'))?.pivotal_org_id).toBe(orgA.id);

    const switchId = (asked as { switchId: string }).switchId;
    expect((await confirmSwitch(d, { workspace: WORKSPACE, userId: 'U2', switchId })).kind).toBe('expired');
    const done = await confirmSwitch(d, { workspace: WORKSPACE, userId: 'U1', switchId });
    // The documented /me names the organization by slug only.
    expect(done).toMatchObject({
      kind: 'connected',
      outcome: { kind: 'switched', previousOrgName: null, previousOrgSlug: orgA.slug },
    });
    expect(await rawRows(d, 'pending_key_switches')).toBe('[]');
    const row = await getWorkspace(d.store.db, 'E1:T1');
    expect(row?.pivotal_org_id).toBe(orgB.id);
    expect(holdsKey(await rawRows(d, 'workspaces'), otherKey)).toBe(false);
    expect((await confirmSwitch(d, { workspace: WORKSPACE, userId: 'U1', switchId })).kind).toBe('expired');
  });

  it('marks a workspace for attention only while the failing key is still its key', async () => {
    const d = deps();
    const org = pivotal.createOrg({ name: 'C', slug: `c-${randomBytes(3).toString('hex')}` });
    await submitKey(d, { workspace: WORKSPACE, userId: 'U1', pasted: pivotal.createKey(org.id) });
    const current = (await getWorkspace(d.store.db, 'E1:T1'))!.pivotal_key_ciphertext!;

    expect(await markNeedsAttention(d.store.db, 'E1:T1', 'api_key_revoked', new Date(), 'v1.replaced.key')).toBe(false);
    expect(await markNeedsAttention(d.store.db, 'E1:T1', 'api_key_revoked', new Date(), null)).toBe(false);
    expect(await markNeedsAttention(d.store.db, 'E1:T1', 'api_key_revoked', new Date(), current)).toBe(true);
    expect(await markNeedsAttention(d.store.db, 'E1:T1', 'api_key_revoked', new Date(), current)).toBe(false);
  });
});

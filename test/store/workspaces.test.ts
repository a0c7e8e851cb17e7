import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { KeyRing } from '../../src/security/key-encryption.js';
import {
  clearConnection,
  ensureWorkspace,
  getWorkspace,
  listConnectedWorkspaces,
  markNeedsAttention,
  saveConnection,
  setNotifyChannel,
  touchLastSuccess,
  type PivotalConnection,
} from '../../src/store/workspaces.js';
import { describeEachDialect } from '../helpers/databases.js';

const keyRing = KeyRing.fromBase64(randomBytes(32).toString('base64'));

const connection = (overrides: Partial<PivotalConnection> = {}): PivotalConnection => ({
  keyCiphertext: keyRing.encrypt('pivotal_test_K8s9abcdefghijkl'),
  keyPrefix: 'pivotal_test_K8s9',
  keyName: 'Slack app',
  mode: 'test',
  orgId: 'org_1',
  orgSlug: 'acme',
  orgName: 'Acme',
  connectedBy: 'U_ADMIN',
  ...overrides,
});

describeEachDialect('workspaces', (suite) => {
  const db = () => suite.store().db;

  it('creates a workspace on first sight, keyed by enterprise and team', async () => {
    const row = await ensureWorkspace(db(), { teamId: 'T1', enterpriseId: 'E1' }, 'Acme HQ');
    expect(row).toMatchObject({
      id: 'E1:T1',
      team_id: 'T1',
      enterprise_id: 'E1',
      team_name: 'Acme HQ',
      pivotal_key_ciphertext: null,
      needs_attention: null,
    });
    expect(row.created_at).toBe(row.updated_at);
    expect(await getWorkspace(db(), 'E1:T1')).toEqual(row);
    expect(await getWorkspace(db(), 'T1')).toBeUndefined();
  });

  it('keeps an existing workspace as it is, changing only a new team name', async () => {
    const created = await ensureWorkspace(db(), { teamId: 'T1' }, 'Old name');
    await setNotifyChannel(db(), 'T1', 'C_ONBOARDING');

    const unnamed = await ensureWorkspace(db(), { teamId: 'T1' });
    expect(unnamed).toMatchObject({
      team_name: 'Old name',
      notify_channel: 'C_ONBOARDING',
      created_at: created.created_at,
    });

    const renamed = await ensureWorkspace(db(), { teamId: 'T1' }, 'New name');
    expect(renamed).toMatchObject({
      team_name: 'New name',
      notify_channel: 'C_ONBOARDING',
      created_at: created.created_at,
    });
    expect(renamed.updated_at >= created.updated_at).toBe(true);
  });

  it('saves a connection, which also settles an earlier "needs attention"', async () => {
    await ensureWorkspace(db(), { teamId: 'T1' });
    await markNeedsAttention(db(), 'T1', 'key revoked');
    const saved = connection();

    await saveConnection(db(), 'T1', saved);

    const row = await getWorkspace(db(), 'T1');
    expect(row).toMatchObject({
      pivotal_key_ciphertext: saved.keyCiphertext,
      pivotal_key_prefix: 'pivotal_test_K8s9',
      pivotal_key_name: 'Slack app',
      pivotal_mode: 'test',
      pivotal_org_id: 'org_1',
      pivotal_org_slug: 'acme',
      pivotal_org_name: 'Acme',
      connected_by: 'U_ADMIN',
      needs_attention: null,
      attention_since: null,
    });
    expect(row?.connected_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(keyRing.decrypt(row!.pivotal_key_ciphertext!)).toBe('pivotal_test_K8s9abcdefghijkl');
  });

  it('refuses to save a connection for a workspace that does not exist', async () => {
    await expect(saveConnection(db(), 'T_MISSING', connection())).rejects.toThrow('workspace T_MISSING does not exist');
  });

  it('clears a connection but keeps the workspace settings', async () => {
    await ensureWorkspace(db(), { teamId: 'T1' }, 'Acme');
    await saveConnection(db(), 'T1', connection());
    await setNotifyChannel(db(), 'T1', 'C1');
    await touchLastSuccess(db(), 'T1', new Date());
    await markNeedsAttention(db(), 'T1', 'key revoked');

    await clearConnection(db(), 'T1');

    const row = await getWorkspace(db(), 'T1');
    expect(row).toMatchObject({ team_name: 'Acme', notify_channel: 'C1' });
    for (const column of [
      'pivotal_key_ciphertext',
      'pivotal_key_prefix',
      'pivotal_key_name',
      'pivotal_mode',
      'pivotal_org_id',
      'pivotal_org_slug',
      'pivotal_org_name',
      'connected_by',
      'connected_at',
      'needs_attention',
      'attention_since',
      'last_success_at',
    ] as const) {
      expect(row?.[column], column).toBeNull();
    }
  });

  it('flags "needs attention" once: only the call that flipped it returns true', async () => {
    await ensureWorkspace(db(), { teamId: 'T1' });
    const at = new Date('2026-03-01T10:00:00.000Z');

    expect(await markNeedsAttention(db(), 'T1', 'key revoked', at)).toBe(true);
    expect(await markNeedsAttention(db(), 'T1', 'still revoked')).toBe(false);
    expect(await getWorkspace(db(), 'T1')).toMatchObject({
      needs_attention: 'key revoked',
      attention_since: at.toISOString(),
    });
    expect(await markNeedsAttention(db(), 'T_MISSING', 'key revoked')).toBe(false);
  });

  it('flags "needs attention" once under 20 concurrent calls', async () => {
    await ensureWorkspace(db(), { teamId: 'T1' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => markNeedsAttention(db(), 'T1', `failure ${i}`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('records the last successful sync', async () => {
    await ensureWorkspace(db(), { teamId: 'T1' });
    await touchLastSuccess(db(), 'T1', new Date('2026-03-01T10:00:00.000Z'));
    expect(await getWorkspace(db(), 'T1')).toMatchObject({ last_success_at: '2026-03-01T10:00:00.000Z' });
  });

  it('sets and clears the notification channel', async () => {
    await ensureWorkspace(db(), { teamId: 'T1' });
    await setNotifyChannel(db(), 'T1', 'C1');
    expect((await getWorkspace(db(), 'T1'))?.notify_channel).toBe('C1');
    await setNotifyChannel(db(), 'T1', null);
    expect((await getWorkspace(db(), 'T1'))?.notify_channel).toBeNull();
  });

  it('lists only connected workspaces, in id order', async () => {
    for (const teamId of ['T3', 'T1', 'T2']) await ensureWorkspace(db(), { teamId });
    await saveConnection(db(), 'T3', connection());
    await saveConnection(db(), 'T1', connection({ mode: 'live', keyPrefix: 'pivotal_K8s9' }));

    expect((await listConnectedWorkspaces(db())).map((row) => row.id)).toEqual(['T1', 'T3']);
  });

  it('takes a transaction, so callers can compose writes', async () => {
    await ensureWorkspace(db(), { teamId: 'T1' });
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await setNotifyChannel(trx, 'T1', 'C1');
          throw new Error('later step failed');
        }),
    ).rejects.toThrow('later step failed');
    expect((await getWorkspace(db(), 'T1'))?.notify_channel).toBeNull();
  });
});

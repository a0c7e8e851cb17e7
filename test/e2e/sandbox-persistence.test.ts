import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxDataPath } from '../../sandbox/sandbox-data.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/start-sandbox.js';
import { visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/**
 * `npm start` twice in a row: the sandbox's Pivotal (records, keys), its channel and the app's store
 * in DATA_DIR come back together; `--reset` (SANDBOX_RESET=1) starts both afresh.
 */

const ADMIN = 'U0ADMIN';
const encryptionKey = randomBytes(32).toString('base64');
const dirs: string[] = [];
const running: RunningSandbox[] = [];

async function start(dataDir: string, extra: Record<string, string> = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox(
    { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', PIVOTAL_KEY_ENCRYPTION_KEY: encryptionKey, ...extra },
    { sync: { tickMs: 100, intervalMs: 500, homeRefreshMs: 0 } },
  );
  running.push(sandbox);
  return sandbox;
}

async function stop(sandbox: RunningSandbox): Promise<void> {
  running.splice(running.indexOf(sandbox), 1);
  await sandbox.started.stop();
  await sandbox.close();
}

/** The customer names the app's read model holds. */
async function readModelCustomers(sandbox: RunningSandbox): Promise<string[]> {
  const rows = await sandbox.started.ctx.store.db.selectFrom('rm_customers').select('name').execute();
  return rows.map((r) => r.name).sort();
}

/** The admin's Home as the app publishes it when the tab is opened. */
async function homeOf(sandbox: RunningSandbox): Promise<string> {
  const { slack, page } = sandbox.services;
  const before = slack.homeViews.get(ADMIN)?.hash;
  await page.model.homeOpened(ADMIN);
  await waitFor(() => slack.homeViews.get(ADMIN)?.hash !== before, { what: 'Home published' });
  // The sync's timings (how far behind, how long ago, how long it took) change by the second; nothing else may.
  return visibleText(slack.homeViews.get(ADMIN)!.view.blocks)
    .replace(/<!date\^\d+\^/g, '<!date^…^')
    .replace(/\b\d+ (second|minute)s?\b/g, 'some time');
}

function pivotalCustomers(sandbox: RunningSandbox): string[] {
  const { simulator, orgId } = sandbox.services;
  return simulator.state
    .list(orgId, 'customers')
    .map((c) => c.name)
    .sort();
}

afterAll(async () => {
  for (const sandbox of [...running]) await stop(sandbox);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the sandbox across restarts', () => {
  it('keeps the key, the records, the channel and Home; --reset clears the sandbox and the app store together', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-sandbox-restart-'));
    dirs.push(dataDir);

    const first = await start(dataDir);
    expect(first.services.restored).toBe(false);
    const { orgId } = first.services;
    await first.services.simulator.webUi.addOnboarding(orgId, { customerName: 'Persisto Ltd', phase: 'review' });
    const second = first.services.simulator.createKey(orgId, { mode: 'test', name: 'rotation' });
    await waitFor(async () => (await readModelCustomers(first)).includes('Persisto Ltd'), {
      what: 'the sync reads the new customer',
      timeoutMs: 20_000,
    });
    const homeBefore = await homeOf(first);
    // Ada owns demo onboardings, so her Home opens on hers; the new customer is in the read model behind it.
    expect(homeBefore).toMatch(/\d+ of \d+ onboardings/);
    const keyBefore = first.services.testKey;
    const recordsBefore = pivotalCustomers(first);
    const keysBefore = first.services.simulator.listKeys(orgId).map((k) => k.id);
    first.services.page.model.say('U0CSM', 'closed-won: Persisto, kickoff next week');
    const channelBefore = first.services.slack.messages.map((m) => `${m.ts} ${m.text}`);
    await stop(first);
    // Written on shutdown, readable by its owner only: it holds the app's key.
    expect((await stat(sandboxDataPath(dataDir))).mode & 0o077).toBe(0);

    const again = await start(dataDir);
    expect(again.services.restored).toBe(true);
    expect(again.banner).toContain('Restored from');
    expect(again.services.orgId).toBe(orgId);
    expect(again.services.testKey).toBe(keyBefore);
    expect(pivotalCustomers(again)).toEqual(recordsBefore);
    expect(again.services.simulator.listKeys(orgId).map((k) => k.id)).toEqual(keysBefore);
    expect(again.services.slack.messages.map((m) => `${m.ts} ${m.text}`)).toEqual(channelBefore);
    // The key made before the restart still works against the restarted simulator.
    const me = await fetch(`${again.services.simulator.url}/me`, { headers: { authorization: `Bearer ${second}` } });
    expect(me.status).toBe(200);
    // The app's store came back with the records it had read: Home is the same before any sync.
    expect(await readModelCustomers(again)).toContain('Persisto Ltd');
    expect(await homeOf(again)).toBe(homeBefore);
    await stop(again);

    const fresh = await start(dataDir, { SANDBOX_RESET: '1' });
    expect(fresh.services.restored).toBe(false);
    expect(fresh.services.testKey).not.toBe(keyBefore);
    expect(pivotalCustomers(fresh)).not.toContain('Persisto Ltd');
    expect(await readModelCustomers(fresh)).not.toContain('Persisto Ltd');
    expect(fresh.services.simulator.listKeys(fresh.services.orgId)).toHaveLength(1);
    await stop(fresh);
  }, 90_000);

  it('starts the app store afresh when the sandbox state is missing, and names an unreadable one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pivotal-sandbox-orphan-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    await first.services.simulator.webUi.addOnboarding(first.services.orgId, { customerName: 'Orphan Co' });
    await waitFor(async () => (await readModelCustomers(first)).includes('Orphan Co'), {
      what: 'the sync reads the new customer',
      timeoutMs: 20_000,
    });
    await stop(first);

    // Without the sandbox's state, the store's records would name a Pivotal that no longer exists.
    await rm(sandboxDataPath(dataDir));
    const next = await start(dataDir);
    expect(next.services.restored).toBe(false);
    expect(await readModelCustomers(next)).not.toContain('Orphan Co');
    await stop(next);

    await writeFile(sandboxDataPath(dataDir), '{"version":0}');
    await expect(start(dataDir)).rejects.toThrow(/npm start -- --reset/);
  }, 60_000);
});

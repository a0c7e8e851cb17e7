import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPivotalSimulator, type Org, type PivotalSimulator } from '../../sandbox/pivotal-simulator/index.js';

/** `npm run smoke` as a team runs it against its workspace: here the simulator, over real HTTP. */

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function smoke(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'smoke'],
      { env: { ...process.env, GITHUB_SHA: '', CI_RUN_ID: '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run smoke', () => {
  let sim: PivotalSimulator;
  let org: Org;
  let testKey: string;
  let liveKey: string;
  beforeAll(async () => {
    sim = await startPivotalSimulator();
    org = sim.createOrg({ name: 'Acme Onboarding', slug: 'acme' });
    testKey = sim.createKey(org.id, { mode: 'test', name: 'ci-smoke' });
    liveKey = sim.createKey(org.id, { mode: 'live', name: 'prod-server' });
  });
  afterAll(() => sim.close());

  it("runs the test-mode guide's CI pattern green, one line per step, and leaves nothing behind", async () => {
    const run = await smoke({ PIVOTAL_API_URL: sim.url, PIVOTAL_API_KEY: testKey, CI_RUN_ID: 'abc1234' });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('ok '))).toHaveLength(12);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(lines.at(-1)).toBe('smoke test passed');
    expect(run.stdout).not.toContain(testKey);

    // What it wrote, as the simulator saw it: tagged, moved one phase, then soft-deleted.
    const writes = sim.requests
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.replace('/api/v1', '')} ${r.status}`);
    expect(writes).toEqual([
      'POST /customers 201',
      'POST /customers/1/contacts 201',
      'POST /onboardings 201',
      'PATCH /onboardings/1 200',
      'DELETE /onboardings/1 200',
      'DELETE /contacts/1 200',
      'DELETE /customers/1 200',
    ]);
    expect(sim.state.count(org.id, 'customers')).toBe(0);
    expect(sim.state.get(org.id, 'customers', '1')).toBeUndefined();
  });

  it('refuses a live key with a clear message, before any request', async () => {
    sim.resetRequests();
    const run = await smoke({ PIVOTAL_API_URL: sim.url, PIVOTAL_API_KEY: liveKey });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('is a live key');
    expect(run.stderr).toContain('run it with a test key (pivotal_test_…)');
    expect(run.stderr).not.toContain(liveKey);
    expect(sim.requests).toEqual([]);
  });

  it('fails on a step that goes wrong, and still deletes what it created', async () => {
    // Someone already has the smoke contact's address: attaching it answers 409 email_taken.
    const holder = sim.state.createCustomer(org.id, { name: 'Holder', slug: 'holder' });
    sim.state.createContact(org.id, holder.id, { name: 'Taken', email: 'ci+clash99@example.com' });
    sim.resetRequests();

    const run = await smoke({ PIVOTAL_API_URL: sim.url, PIVOTAL_API_KEY: testKey, CI_RUN_ID: 'clash99' });

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}attach a primary contact: Pivotal answered 409 conflict\/email_taken/m);
    expect(run.stdout).toMatch(/^ok {4}soft-delete customer #\d+$/m);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('smoke test FAILED');
    expect(sim.state.list(org.id, 'customers').map((c) => c.slug)).toEqual(['holder']);
  });
});

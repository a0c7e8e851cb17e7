/**
 * `npm run smoke`: the CI smoke test of Pivotal's test-mode guide, against your own workspace.
 *
 *   PIVOTAL_API_URL=https://my.pivotal.app/api/v1 PIVOTAL_API_KEY=pivotal_test_… npm run smoke
 *   npm run smoke -- --simulator      # against a local Pivotal simulator started for the run (CI)
 *
 * With a test key (a live key is refused before any request) it checks `/me` reports test mode,
 * creates a customer tagged `metadata: { test: true, ci_run_id }`, attaches a primary contact, opens an
 * onboarding, moves it one phase, reads each back and checks it, then soft-deletes all it created, also
 * when a step failed. One line per step; the exit status is 0 only if every step passed (1 when a step
 * failed, 2 when the run was refused). The run id is CI_RUN_ID, else the commit (GITHUB_SHA), else a
 * local stamp. Every call goes through the app's own Pivotal client.
 */
import { keyMode } from '../src/domain/key-mode.js';
import {
  keyDisplayPrefix,
  PivotalClient,
  PivotalError,
  PivotalNotFoundError,
  type Contact,
  type Customer,
  type Onboarding,
} from '../src/pivotal/index.js';
import { startPivotalSimulator, type PivotalSimulator } from '../sandbox/pivotal-simulator/index.js';

const DEFAULT_API_URL = 'https://my.pivotal.app/api/v1';

class Mismatch extends Error {}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function refuse(reason: string): never {
  process.stderr.write(`smoke: refused: ${reason}\n`);
  process.exit(2);
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Mismatch(`${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function reason(err: unknown): string {
  if (err instanceof Mismatch) return err.message;
  if (err instanceof PivotalError) return `Pivotal answered ${err.status} ${err.type}/${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<void> {
  let simulator: PivotalSimulator | undefined;
  let baseUrl = process.env.PIVOTAL_API_URL || DEFAULT_API_URL;
  let apiKey = process.env.PIVOTAL_API_KEY ?? '';
  if (process.argv.includes('--simulator')) {
    simulator = await startPivotalSimulator();
    const org = simulator.createOrg({ name: 'Smoke Test Org', slug: 'smoke' });
    apiKey = simulator.createKey(org.id, { mode: 'test', name: 'ci-smoke' });
    baseUrl = simulator.url;
    say(`simulator started at ${baseUrl}`);
  }
  try {
    process.exitCode = (await smoke(baseUrl, apiKey)) ? 0 : 1;
  } finally {
    await simulator?.close();
  }
}

async function smoke(baseUrl: string, apiKey: string): Promise<boolean> {
  if (!apiKey) refuse('PIVOTAL_API_KEY is not set. Create a test key (pivotal_test_…) in Admin > API Keys and set it.');
  if (keyMode(apiKey) !== 'test') {
    refuse(
      `PIVOTAL_API_KEY (${keyDisplayPrefix(apiKey)}…) is a live key. The smoke test writes records to the workspace: run it with a test key (pivotal_test_…), which suppresses Slack, email and Stripe side effects.`,
    );
  }
  const tag = process.env.CI_RUN_ID || process.env.GITHUB_SHA?.slice(0, 7) || `local-${Date.now()}`;
  const client = new PivotalClient({ baseUrl, apiKey, maxAttempts: 3 });
  say(`smoke test of ${baseUrl} with ${keyDisplayPrefix(apiKey)}…, ci_run_id ${tag}`);

  let ok = true;
  const step = async <T>(
    name: string,
    run: () => Promise<T>,
    detail: (value: T) => string = () => '',
  ): Promise<T | undefined> => {
    try {
      const value = await run();
      const text = detail(value);
      say(`ok    ${name}${text ? `: ${text}` : ''}`);
      return value;
    } catch (err) {
      ok = false;
      say(`FAIL  ${name}: ${reason(err)}`);
      return undefined;
    }
  };

  const created: { customer?: Customer; contact?: Contact; onboarding?: Onboarding } = {};
  const steps = async (): Promise<void> => {
    const me = await step(
      'GET /me reports test mode',
      async () => {
        const identity = await client.me();
        expectEqual('mode', identity.mode, 'test');
        return identity;
      },
      (identity) =>
        `key ${identity.keyName ?? '?'} of ${identity.organization?.slug ?? identity.organization?.id ?? 'its workspace'}`,
    );
    if (!me) return;

    const metadata = { test: true, ci_run_id: tag };
    created.customer = await step(
      'create a customer tagged metadata.test',
      async () => {
        const customer = await client.createCustomer(
          { name: `CI ${tag}`, slug: `ci-${tag}`, status: 'onboarding', metadata },
          { idempotencyKey: `smoke-${tag}-customer` },
        );
        expectEqual('customer metadata', customer.metadata, metadata);
        return customer;
      },
      (c) => `#${c.display_id} ${c.slug ?? ''}`,
    );
    const customer = created.customer;
    if (!customer) return;

    created.contact = await step(
      'attach a primary contact',
      async () => {
        const contact = await client.createContact(
          customer.display_id,
          { name: 'CI Bot', email: `ci+${tag}@example.com`, is_primary: true },
          { idempotencyKey: `smoke-${tag}-contact` },
        );
        expectEqual('contact is_primary', contact.is_primary, true);
        return contact;
      },
      (c) => `#${c.display_id} ${c.email ?? ''}`,
    );

    created.onboarding = await step(
      'open an onboarding',
      async () => {
        const onboarding = await client.createOnboarding(
          { customer_id: String(customer.display_id), phase: 'before_getting_started', state: 'active' },
          { idempotencyKey: `smoke-${tag}-onboarding` },
        );
        expectEqual('onboarding phase', onboarding.phase, 'before_getting_started');
        return onboarding;
      },
      (o) => `#${o.display_id}`,
    );
    const onboarding = created.onboarding;
    if (onboarding) {
      await step(
        'move it one phase',
        async () => {
          const moved = await client.updateOnboarding(onboarding.display_id, { phase: 'program_design' });
          expectEqual('phase after the move', moved.phase, 'program_design');
        },
        () => 'before_getting_started → program_design',
      );
    }

    await step('read the customer back', async () => {
      const read = await client.getCustomer(customer.display_id);
      expectEqual('customer id', read.id, customer.id);
      expectEqual('customer name', read.name, `CI ${tag}`);
      expectEqual('customer metadata', read.metadata, metadata);
    });
    const contact = created.contact;
    if (contact) {
      await step('read the contact back', async () => {
        const read = await client.getContact(contact.display_id);
        expectEqual('contact customer_id', read.customer_id, customer.id);
        expectEqual('contact email', read.email, `ci+${tag}@example.com`);
        expectEqual('contact is_primary', read.is_primary, true);
      });
    }
    if (onboarding) {
      await step('read the onboarding back', async () => {
        const read = await client.getOnboarding(onboarding.display_id);
        expectEqual('onboarding customer_id', read.customer_id, customer.id);
        expectEqual('onboarding phase', read.phase, 'program_design');
        expectEqual('onboarding state', read.state, 'active');
      });
    }
  };

  try {
    await steps();
  } finally {
    // Teardown runs whatever happened above: a smoke run must not leave a stale customer behind.
    const { customer, contact, onboarding } = created;
    if (onboarding)
      await step(`soft-delete onboarding #${onboarding.display_id}`, () =>
        client.deleteOnboarding(onboarding.display_id),
      );
    if (contact)
      await step(`soft-delete contact #${contact.display_id}`, () => client.deleteContact(contact.display_id));
    if (customer) {
      await step(`soft-delete customer #${customer.display_id}`, () => client.deleteCustomer(customer.display_id));
      await step('the customer is gone (GET answers 404)', async () => {
        const still = await client.getCustomer(customer.display_id).catch((err: unknown) => {
          if (err instanceof PivotalNotFoundError) return null;
          throw err;
        });
        if (still) throw new Mismatch(`customer #${customer.display_id} still answers after its delete`);
      });
    }
  }
  say(ok ? 'smoke test passed' : 'smoke test FAILED');
  return ok;
}

await main();

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSM, startHarness, type Harness } from '../harness/app-harness.js';
import {
  fastOutbox,
  openMove,
  outboxDrained,
  postsAbout,
  seedOnboarding,
  select,
  submitView,
} from '../harness/phase-moves.js';
import { visibleText } from '../harness/view-submission.js';
import { waitFor } from '../harness/wait.js';

/**
 * The app on Postgres loses its connections (a failover, a restart, an idle timeout on the server
 * side): it must recover by itself. Every backend of the app's database is terminated with
 * pg_terminate_backend, once while idle and once in the middle of a burst of requests. While the
 * database refuses connections altogether, /readyz must say so (a load balancer stops sending work)
 * and /healthz must not (a supervisor must not restart an app that is waiting for its database).
 * Runs when TEST_DATABASE_URL is set; under CI=true a missing URL fails instead of skipping.
 */

const serverUrl = process.env.TEST_DATABASE_URL;
const HOW_TO = 'set TEST_DATABASE_URL=postgres://user@host:5432/database';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Kills every session of the app's database; returns how many there were. */
function terminateBackends(database: string): Promise<number> {
  return admin(
    async (c) =>
      (
        await c.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [database],
        )
      ).rowCount ?? 0,
  );
}

describe.runIf(serverUrl)('Postgres connections dropped mid-run', () => {
  const database = `pivotal_reliability_${process.pid}_${randomBytes(3).toString('hex')}`;
  let h: Harness;

  beforeAll(async () => {
    await admin((c) => c.query(`create database "${database}"`));
    const url = new URL(serverUrl!);
    url.pathname = `/${database}`;
    h = await startHarness({ env: { DATABASE_URL: url.toString() }, simulator: { rateLimit: { live: 100_000 } } });
    fastOutbox(h);
    expect(h.app.ctx.store.dialect).toBe('postgres');
  });
  afterAll(async () => {
    await h?.close();
    await admin((c) => c.query(`drop database if exists "${database}" with (force)`));
  });

  const ready = async () => (await fetch(`${h.baseUrl}/readyz`)).status;

  it('recovers after every connection was killed while idle: the next requests are served', async () => {
    const { customer } = await seedOnboarding(h);
    await openMove(h, customer.name);
    expect(await terminateBackends(database)).toBeGreaterThan(0);

    await waitFor(async () => (await ready()) === 200, { what: '/readyz after the connections were killed' });
    const { customer: other, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, other.name);
    const { view } = await submitView(h, form, { phase: select('program_buildout') });
    expect(visibleText(view.view.blocks)).toContain('Saved in Pivotal');
    await outboxDrained(h);
    expect(postsAbout(h, onboarding.id).replies).toHaveLength(1);
  });

  it('recovers after the connections were killed in the middle of a burst: every request answered, the app serves on', async () => {
    const seeded = await Promise.all(Array.from({ length: 6 }, () => seedOnboarding(h)));
    const texts = seeded.flatMap(({ customer }) => [`move ${customer.name}`, 'status']);
    const burst = Promise.all(texts.map((text) => h.command(text, { user: CSM })));
    await terminateBackends(database);
    const answers = await burst;
    // Slack must see every one acked (a command acks before any store work); what a killed query broke is told through the error path.
    expect(answers.map((a, i) => `${texts[i]!.split(' ')[0]}: ${a.status}`)).toEqual(
      texts.map((t) => `${t.split(' ')[0]}: 200`),
    );
    await h.idle();

    await waitFor(async () => (await ready()) === 200, { what: '/readyz after the burst' });
    const { customer, onboarding } = await seedOnboarding(h);
    const form = await openMove(h, customer.name);
    const { view } = await submitView(h, form, { phase: select('program_buildout') });
    expect(visibleText(view.view.blocks)).toContain('Saved in Pivotal');
    await outboxDrained(h);
    expect(postsAbout(h, onboarding.id).replies).toHaveLength(1);
    expect(h.logs.lines.some((l) => l.includes('Postgres connection dropped'))).toBe(true);
  });

  it('is not ready while the database refuses connections, stays alive, and is ready again once it is back', async () => {
    const sessions = () =>
      admin(async (c) =>
        Number((await c.query('select count(*) as n from pg_stat_activity where datname = $1', [database])).rows[0].n),
      );
    await admin((c) => c.query(`alter database "${database}" with allow_connections false`));
    try {
      await terminateBackends(database);
      // Terminating only signals the backends: wait until they are gone, so no pooled one can answer.
      await waitFor(async () => (await sessions()) === 0, { what: 'the app’s sessions to end' });
      const res = await fetch(`${h.baseUrl}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', store: 'postgres' });
      expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await admin((c) => c.query(`alter database "${database}" with allow_connections true`));
    }
    await waitFor(async () => (await ready()) === 200, { what: '/readyz once the database accepts connections again' });
  });
});

describe.skipIf(serverUrl)('Postgres connections dropped mid-run [no TEST_DATABASE_URL]', () => {
  if (process.env.CI === 'true') {
    it('runs against Postgres in CI', () => {
      throw new Error(`CI must run the reliability suite against Postgres too: ${HOW_TO}`);
    });
  } else {
    it('runs against Postgres', (context) => {
      const message = `Postgres store tests skipped: ${HOW_TO}`;
      console.warn(message);
      context.skip(message);
    });
  }
});

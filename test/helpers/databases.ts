import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, it } from 'vitest';
import { createDatabase, type DatabaseOptions, type Store } from '../../src/store/database.js';
import type { DialectName } from '../../src/store/dialect.js';

/**
 * Store tests run once per dialect: SQLite always, Postgres when TEST_DATABASE_URL is set. CI must
 * prove the Postgres path, so there a missing URL is a failing test rather than a quiet skip.
 */

export interface TestDialect {
  name: DialectName;
  /** A fresh, migrated database that no other test sees; destroy() also throws its data away. */
  open(options?: Pick<DatabaseOptions, 'logger'>): Promise<Store>;
}

const postgresUrl = process.env.TEST_DATABASE_URL;
const POSTGRES_HOW_TO = 'set TEST_DATABASE_URL=postgres://user@host:5432/database';

const sqlite: TestDialect = {
  name: 'sqlite',
  async open(options) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pivotal-store-test-'));
    const store = await createDatabase({ ...options, dataDir });
    return {
      ...store,
      async destroy() {
        await store.destroy();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function postgres(databaseUrl: string): TestDialect {
  return {
    name: 'postgres',
    async open(options) {
      // Each database is a schema of its own, so test files running in parallel never meet.
      const schema = `store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const dropSchema = () =>
        withSchemaLifecycleLock(databaseUrl, 'exclusive', (client) =>
          client.query(`drop schema if exists "${schema}" cascade`),
        );
      const store = await withSchemaLifecycleLock(databaseUrl, 'shared', () =>
        createDatabase({ ...options, databaseUrl, dataDir: os.tmpdir(), schema }),
      ).catch(async (error: unknown) => {
        // A migration that failed half-way leaves the schema behind; the original error is the news.
        await dropSchema().catch(() => {});
        throw error;
      });
      return {
        ...store,
        async destroy() {
          await store.destroy();
          await dropSchema();
        },
      };
    },
  };
}

// kysely's migrator lists the tables of every schema and then looks each schema up by name, so a
// schema dropped at that moment by a parallel test (or another person's test run) fails the
// migration. Migrating holds this advisory lock shared and dropping holds it alone.
const SCHEMA_LIFECYCLE_LOCK_ID = 730_121_400;

/**
 * For Postgres work outside open() that runs migrations or kysely introspection (createDatabase,
 * migrateToLatest, db.introspection): shields it from schemas being dropped by parallel tests.
 */
export async function withStableSchemas<T>(work: () => Promise<T>): Promise<T> {
  return postgresUrl ? withSchemaLifecycleLock(postgresUrl, 'shared', work) : work();
}

async function withSchemaLifecycleLock<T>(
  databaseUrl: string,
  mode: 'shared' | 'exclusive',
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // Errors surface through the awaited calls; without a listener a dropped socket would crash the run.
  client.on('error', () => {});
  await client.connect().catch((error: unknown) => {
    throw new Error(
      `Cannot reach the Postgres server of TEST_DATABASE_URL: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  });
  try {
    await client.query(mode === 'shared' ? 'select pg_advisory_lock_shared($1)' : 'select pg_advisory_lock($1)', [
      SCHEMA_LIFECYCLE_LOCK_ID,
    ]);
    return await work(client);
  } finally {
    // Ending the session releases its advisory locks.
    await client.end();
  }
}

export const dialects: TestDialect[] = postgresUrl ? [sqlite, postgres(postgresUrl)] : [sqlite];

export interface DialectSuite {
  dialect: TestDialect;
  /** The database opened for the running test (fresh for every test). */
  store(): Store;
}

/**
 * Declares `title [sqlite]` and `title [postgres]` suites with the same tests, each test getting a
 * fresh database from `suite.store()`.
 */
export function describeEachDialect(title: string, defineTests: (suite: DialectSuite) => void): void {
  for (const dialect of dialects) {
    describe(`${title} [${dialect.name}]`, () => {
      let current: Store | undefined;
      beforeEach(async () => {
        current = await dialect.open();
      });
      afterEach(async () => {
        await current?.destroy();
        current = undefined;
      });
      defineTests({
        dialect,
        store: () => {
          if (!current) throw new Error('suite.store() is only available inside a test');
          return current;
        },
      });
    });
  }
  if (!postgresUrl) describeMissingPostgres(title);
}

/** The database an app under test (the harness) runs on: what its environment needs, and the clean-up. */
export interface AppDatabase {
  env: Record<string, string>;
  destroy(): Promise<void>;
}

/**
 * For end-to-end tests: SQLite in the harness's data directory (nothing to set), or a fresh Postgres
 * schema the app reaches through `search_path`. Start the harness inside `withStableSchemas`, since
 * it migrates the schema again.
 */
async function openAppDatabase(dialect: TestDialect): Promise<AppDatabase> {
  if (dialect.name === 'sqlite' || !postgresUrl) return { env: {}, destroy: async () => {} };
  const store = await dialect.open();
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${rows[0]!.schema}`);
  return { env: { DATABASE_URL: url.toString() }, destroy: () => store.destroy() };
}

/**
 * Declares `title [sqlite]` and `title [postgres]` suites of end-to-end tests, each given the
 * dialect's name and `open()` for the app's database; Postgres is skipped (or fails in CI) as for
 * the store tests when TEST_DATABASE_URL is absent.
 */
export function describeEachAppDialect(
  title: string,
  defineTests: (dialect: { name: DialectName; open(): Promise<AppDatabase> }) => void,
): void {
  for (const dialect of dialects)
    describe(`${title} [${dialect.name}]`, () =>
      defineTests({ name: dialect.name, open: () => openAppDatabase(dialect) }));
  if (!postgresUrl) describeMissingPostgres(title);
}

function describeMissingPostgres(title: string): void {
  describe(`${title} [postgres]`, () => {
    if (process.env.CI === 'true') {
      it('runs against Postgres in CI', () => {
        throw new Error(`CI must run the store tests against Postgres too: ${POSTGRES_HOW_TO}`);
      });
    } else {
      it('runs against Postgres', (context) => {
        const message = `Postgres store tests skipped: ${POSTGRES_HOW_TO}`;
        // The default reporter hides skip notes; the warning is what a person actually sees.
        console.warn(message);
        context.skip(message);
      });
    }
  });
}

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { describeEachDialect, dialects, withStableSchemas } from '../helpers/databases.js';

const FOUNDATION_TABLES = ['leases', 'processed_events', 'slack_installations', 'workspaces'] as const;

describeEachDialect('database', (suite) => {
  it('is migrated on creation, and migrating again changes nothing', async () => {
    const { db, dialect } = suite.store();
    for (const table of FOUNDATION_TABLES)
      await expect(db.selectFrom(table).selectAll().execute()).resolves.toEqual([]);

    expect(await withStableSchemas(() => migrateToLatest(db, dialect))).toEqual([]);
    expect(await withStableSchemas(() => migrateToLatest(db, dialect))).toEqual([]);
  });

  it('answers ping', async () => {
    await expect(suite.store().ping()).resolves.toBeUndefined();
  });

  it('rejects values outside the portable column rules', async () => {
    const { db } = suite.store();
    const now = new Date().toISOString();
    await expect(
      sql`insert into workspaces (id, team_id, pivotal_mode, created_at, updated_at) values ('T1', 'T1', 'staging', ${now}, ${now})`.execute(
        db,
      ),
    ).rejects.toThrow(/check constraint/i);
    await expect(
      sql`insert into slack_installations (id, is_enterprise_install, installation_ciphertext, created_at, updated_at) values ('T1', 2, 'x', ${now}, ${now})`.execute(
        db,
      ),
    ).rejects.toThrow(/check constraint/i);
  });
});

describe('migrations list', () => {
  it('names every migration file in src/store/migrations, in order', async () => {
    const folder = path.resolve(import.meta.dirname, '../../src/store/migrations');
    const files = (await readdir(folder))
      .filter((file) => /^\d{4}_.+\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ''));
    expect(Object.keys(migrations)).toEqual(files.sort());
  });
});

describe('SQLite database', () => {
  it('lives in <dataDir>/pivotal-slack.sqlite with WAL, a busy timeout and foreign keys, and reopens migrated', async () => {
    const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'pivotal-sqlite-test-')), 'data');
    try {
      const first = await createDatabase({ dataDir });
      const pragma = async (name: string) =>
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(first.db)).rows[0];
      expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
      expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
      await first.destroy();
      expect(await readdir(dataDir)).toContain('pivotal-slack.sqlite');

      const reopened = await createDatabase({ dataDir });
      expect(await migrateToLatest(reopened.db, reopened.dialect)).toEqual([]);
      await reopened.destroy();
    } finally {
      await rm(path.dirname(dataDir), { recursive: true, force: true });
    }
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;
const postgres = dialects.find((dialect) => dialect.name === 'postgres');

describe.runIf(postgres)('Postgres database', () => {
  it('survives the server dropping an idle connection, and reconnects on the next query', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const store = await postgres!.open({ logger });
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await expect.poll(() => warnings.join('\n')).toContain('Postgres connection dropped');
      // pg hangs the client (with its password) on the error; none of it may reach the log.
      expect(warnings.join('\n')).not.toContain('connectionParameters');

      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await admin.end();
      await store.destroy();
    }
  });

  it('says which server it could not reach, without the password', async () => {
    await expect(
      createDatabase({ databaseUrl: 'postgres://someone:hunter2secret@127.0.0.1:1/nowhere', dataDir: os.tmpdir() }),
    ).rejects.toThrow(/^Cannot use the Postgres database at 127\.0\.0\.1:1\/nowhere: (?!.*hunter2secret)/);
  });
});

describe('database URL', () => {
  it('must be a postgres:// URL', async () => {
    await expect(createDatabase({ databaseUrl: 'mysql://db/app', dataDir: os.tmpdir() })).rejects.toThrow(
      'The database URL must start with postgres:// (got mysql://); leave it unset to use the embedded SQLite database',
    );
  });
});

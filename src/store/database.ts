import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { BoundedMap } from '../shared/bounded-map.js';
import { migrateToLatest } from './migrate.js';
import type { DialectName } from './dialect.js';
import type { Database } from './schema.js';

/** What repositories take: the database itself, or a transaction a caller opened to compose writes. */
export type Db = Kysely<Database> | Transaction<Database>;

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  ping(): Promise<void>;
  destroy(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; without one the embedded SQLite database in dataDir is used. */
  databaseUrl?: string;
  dataDir: string;
  logger?: Logger;
  /** Postgres only: the schema to create and work in (tests use one per database for isolation). */
  schema?: string;
}

export const SQLITE_FILE_NAME = 'pivotal-slack.sqlite';

// Long enough to ride out a checkpoint or another process's write, short enough to surface a stuck lock.
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** Prepared statements kept per SQLite database: the app's distinct queries, with room to spare. */
export const SQLITE_STATEMENTS_KEPT = 500;
// pg waits forever for a connection by default; an unreachable server should fail start-up instead.
const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

export async function createDatabase(options: DatabaseOptions): Promise<Store> {
  const { db, dialect, location } = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options)
    : await openSqlite(options.dataDir);
  try {
    await migrateToLatest(db, dialect, options.logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  options.logger?.info({ dialect, location }, 'database ready');
  return {
    db,
    dialect,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    destroy: () => db.destroy(),
  };
}

interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, safe to log (never a password). */
  location: string;
}

async function openSqlite(dataDir: string): Promise<OpenedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const database = new SqliteDatabase(file);
  // WAL lets readers proceed while a write is in progress.
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // SQLite ignores foreign keys unless asked, per connection; Postgres always enforces them.
  database.pragma('foreign_keys = ON');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(database) }) }),
    dialect: 'sqlite',
    location: file,
  };
}

/**
 * The database as Kysely's SQLite driver sees it, with each query's prepared statement kept for the
 * next run of the same SQL: the driver prepares every query anew, and preparing was up to a third of
 * the time a busy app spent in the store. A statement still being iterated (a streamed select) is
 * busy, so the same SQL meanwhile gets a statement of its own.
 */
export function keepingStatements(
  database: SqliteDatabase.Database,
  capacity = SQLITE_STATEMENTS_KEPT,
): Pick<SqliteDatabase.Database, 'prepare' | 'close'> {
  const statements = new BoundedMap<string, SqliteDatabase.Statement>({ capacity });
  return {
    prepare: ((source: string) => {
      const kept = statements.get(source);
      if (kept && !kept.busy) return kept;
      const statement = database.prepare(source);
      if (!kept) statements.set(source, statement);
      return statement;
    }) as SqliteDatabase.Database['prepare'],
    close: () => database.close(),
  };
}

async function openPostgres(databaseUrl: string, { logger, schema }: DatabaseOptions): Promise<OpenedDatabase> {
  const location = describePostgresUrl(databaseUrl);
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Postgres schema name "${schema}" must be lower-case letters, digits and underscores`);
  }
  // Loaded only for Postgres: a SQLite deployment never pays for the driver.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    ...(schema && { options: `-c search_path=${schema}` }),
  });
  // An idle connection the server drops (restart, failover, idle timeout) is reported here; with no
  // listener Node treats it as an uncaught error and exits. The pool replaces it on the next query.
  // Only the message is logged: pg attaches the client, password included, to the error.
  const dropped = (error: Error) =>
    logger?.warn({ reason: error.message, location }, 'Postgres connection dropped; reconnecting on next query');
  pool.on('error', dropped);
  // A connection that is checked out (between the statements of a transaction, say) reports its loss
  // on the client itself, where the pool's listener is not attached: without this it would crash us.
  // The statement in flight still fails with its own error, so the caller sees it.
  pool.on('connect', (client) => client.on('error', dropped));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    else await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new Error(
      `Cannot use the Postgres database at ${location}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return { db, dialect: 'postgres', location };
}

function describePostgresUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('The database URL is not a valid URL; expected postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(
      `The database URL must start with postgres:// (got ${url.protocol}//); leave it unset to use the embedded SQLite database`,
    );
  }
  return `${url.host}${url.pathname}`;
}

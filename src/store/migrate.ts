import { Migrator, sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DialectName } from './dialect.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

/**
 * Brings the database up to the newest migration; already-applied migrations are skipped, so this is
 * safe on every start and from several replicas at once (kysely holds a lock while migrating).
 * Returns the names of the migrations it applied.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName, logger?: Logger): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // On Postgres kysely looks for its bookkeeping tables in every schema of the database, so a
    // second app (or test) in another schema would fool it. Pin them to the schema we write to.
    migrationTableSchema: dialect === 'postgres' ? await currentSchema(db) : undefined,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error) {
    const which = failed ? `migration ${failed.migrationName}` : 'migrations';
    throw new Error(`Database ${which} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const applied = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
  if (applied.length > 0) logger?.info({ applied }, 'database migrated');
  return applied;
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema)
    throw new Error('Postgres has no schema to create tables in: check the search_path of the database user');
  return schema;
}

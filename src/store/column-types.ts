import type { KeyMode } from '../domain/key-mode.js';

/**
 * Column types every table shares. The same migrations run on SQLite and Postgres, so columns stick to
 * types both read back identically:
 * - timestamps are ISO-8601 UTC text from `Date#toISOString()`: fixed width, so comparing the text
 *   compares the instants;
 * - booleans are integers 0/1 (better-sqlite3 cannot bind JavaScript booleans);
 * - JSON and ids are text.
 */
export type IsoTimestamp = string;
export type IntegerBoolean = 0 | 1;
/** The store keeps the domain's key mode under its own row-type name. */
export type PivotalMode = KeyMode;

import type { Kysely } from 'kysely';
import type { Dialect } from './dialect.js';
import type { Database } from './schema.js';
import type { Signals } from './signals.js';

/**
 * An open database: the Kysely instance every operation of store/sql/ is written against, and
 * the dialect that holds what differs between SQLite and PostgreSQL. Opened by connect.ts.
 */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** True when this process is the only one using the database (a SQLite file it holds, see dialects/sqlite/fileGuard.ts). */
  exclusive: boolean;
  signals: Signals;
  close(): Promise<void>;
}

export class StoreOpenError extends Error {}

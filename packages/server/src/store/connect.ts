import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Driver, Kysely, PostgresDialect, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrations.js';
import { createPostgresSignals, type Signals, sqliteSignals } from './signals.js';
import { holdSqliteFile } from './sqliteGuard.js';
import { GatedDriver, WriteGate } from './sqliteWriteGate.js';
import { SqliteHot } from './sqliteHot.js';

/**
 * The database and the little that differs between SQLite and PostgreSQL. Everything else in
 * store/ is written once against `db`.
 */
export interface Store {
  db: Kysely<Database>;
  kind: 'sqlite' | 'postgres';
  /** Appended to the claim's row selection: PostgreSQL lets several nodes claim side by side. */
  claimLock: 'FOR UPDATE SKIP LOCKED' | '';
  /** True when this process is the only one using the database (a SQLite file it holds, see sqliteGuard.ts). */
  exclusive: boolean;
  signals: Signals;
  /** SQLite only: the engine's hot statements, prepared once (see sqliteHot.ts). */
  hot?: SqliteHot;
  /** SQLite in a file: its path, for a second connection from a worker thread. */
  sqliteFile?: string;
  /** SQLite only: the turns at the write lock that this connection's transactions take. */
  writeGate?: WriteGate;
  close(): Promise<void>;
}

export class StoreOpenError extends Error {}

export async function openStore(url: string): Promise<Store> {
  const store = url.startsWith('postgres://') || url.startsWith('postgresql://') ? openPostgres(url) : openSqlite(url);
  try {
    await migrateToLatest(store.db);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (!path) throw new StoreOpenError(`KAIROS_DATABASE_URL "${url}" names no SQLite file`);
  return path;
}

function openSqlite(url: string): Store {
  const path = sqlitePath(url);
  const inFile = path !== ':memory:';
  if (inFile) mkdirSync(dirname(resolve(path)), { recursive: true });
  const release = inFile ? holdSqliteFile(path) : () => {};
  if (!release) throw new StoreOpenError(`${path} is in use by another Kairos process; SQLite allows one server per file (use PostgreSQL to run several nodes)`);
  let store: Store;
  try {
    store = sqliteStore(path);
  } catch (err) {
    release();
    throw err;
  }
  const close = store.close;
  return { ...store, exclusive: true, sqliteFile: inFile ? resolve(path) : undefined, close: () => close().finally(release) };
}

/**
 * A second connection to a SQLite file this process already holds, for the engine's SQL thread
 * (engine/engineSql.ts), which claims and writes beside the main one (no guard, no migrations:
 * the main connection did both).
 */
export function openSqliteWriter(path: string): Store {
  return sqliteStore(path);
}

function sqliteStore(path: string): Store {
  const raw = new SqliteDatabase(path);
  raw.pragma('journal_mode = WAL');
  // NORMAL survives a killed process without loss; only a power cut can drop the last commits.
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -65536');
  const writeGate = new WriteGate();
  const db = new Kysely<Database>({ dialect: new GatedSqliteDialect({ database: withStatementCache(raw) }, writeGate) });
  return {
    db,
    writeGate,
    kind: 'sqlite',
    claimLock: '',
    exclusive: false,
    signals: sqliteSignals,
    hot: new SqliteHot(raw),
    close: () => db.destroy(),
  };
}

/** Kysely's SQLite dialect, its transactions queued at the process's write gate. */
class GatedSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly gate: WriteGate,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new GatedDriver(super.createDriver(), this.gate);
  }
}

/**
 * Kysely prepares every query anew; the engine runs the same few statements thousands of times
 * a second, so keep the prepared ones (bounded: batch sizes give each statement a few shapes).
 */
function withStatementCache(raw: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      // Two connections write to the file (this process's main thread and the engine's SQL thread):
      // a deferred transaction that read before the other committed could not write after it,
      // so every transaction takes the write lock at its start, waiting for it if need be.
      if (sql === 'begin') sql = 'begin immediate';
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = raw.prepare(sql);
        if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

const int8 = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // Instants are epoch milliseconds, well inside Number's exact range.
    if (oid === int8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types as pg.CustomTypesConfig, connectionTimeoutMillis: 5_000 });
  // A client that loses its connection emits 'error' (on the pool when idle, on itself when
  // checked out); without a listener the process would crash. The query in flight still fails
  // and is retried by its caller.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const signals = createPostgresSignals(url);
  return {
    db,
    kind: 'postgres',
    claimLock: 'FOR UPDATE SKIP LOCKED',
    exclusive: false,
    signals,
    close: async () => {
      await signals.close();
      await db.destroy();
    },
  };
}

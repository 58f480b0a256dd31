import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Driver, Kysely, SqliteDialect as KyselySqliteDialect, type SqliteDialectConfig } from 'kysely';
import type { Database } from '../../schema.js';
import { sqliteSignals } from '../../signals.js';
import { type Store, StoreOpenError } from '../../store.js';
import { SqliteDialect } from './dialect.js';
import { holdSqliteFile } from './fileGuard.js';
import { PreparedStatements } from './statements.js';
import { GatedDriver, WriteGate } from './writeGate.js';

function sqlitePath(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (!path) throw new StoreOpenError(`KAIROS_DATABASE_URL "${url}" names no SQLite file`);
  return path;
}

/** The server's connection to a SQLite file (or memory), which this process then holds alone. */
export function openSqlite(url: string): Store {
  const path = sqlitePath(url);
  const inFile = path !== ':memory:';
  if (inFile) mkdirSync(dirname(resolve(path)), { recursive: true });
  const release = inFile ? holdSqliteFile(path) : () => {};
  if (!release) throw new StoreOpenError(`${path} is in use by another Kairos process; SQLite allows one server per file (use PostgreSQL to run several nodes)`);
  let store: Store;
  try {
    // An in-memory database cannot be opened twice: its engine SQL runs on the main thread.
    store = sqliteStore(path, inFile ? `sqlite:${resolve(path)}` : null);
  } catch (err) {
    release();
    throw err;
  }
  const close = store.close;
  return { ...store, exclusive: true, close: () => close().finally(release) };
}

/**
 * A second connection to a SQLite file this process already holds, for the engine's SQL thread
 * (engine/engineSql.ts), which claims and writes beside the main one (no guard, no migrations:
 * the main connection did both).
 */
export function openSqliteWriter(url: string): Store {
  return sqliteStore(sqlitePath(url), null);
}

/** `threadUrl`: what the engine's SQL thread opens, when it has one. */
function sqliteStore(path: string, threadUrl: string | null): Store {
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
    dialect: new SqliteDialect(new PreparedStatements(raw), threadUrl === null ? null : { url: threadUrl, writeTurns: writeGate }),
    exclusive: false,
    signals: sqliteSignals,
    close: () => db.destroy(),
  };
}

/** Kysely's SQLite dialect, its transactions queued at the process's write gate. */
class GatedSqliteDialect extends KyselySqliteDialect {
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

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

export const postgresAdminUrl = process.env.KAIROS_TEST_POSTGRES_URL ?? process.env.KAIROS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const databaseKinds = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof databaseKinds)[number];

/** A fresh, empty database of one kind, removed by `drop`. */
export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  /** The SQLite file, or the PostgreSQL database's name. */
  file?: string;
  name?: string;
  /**
   * Runs one statement and returns its rows. On SQLite only while no server has the file open
   * (it holds SQLite's exclusive lock).
   */
  query(sql: string, params?: unknown[]): Promise<any[]>;
  /** What the database takes on disk (SQLite: the main file plus its WAL). */
  sizeBytes(): Promise<number>;
  drop(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * Starts the PostgreSQL database's name (then `_<pid>_<random>`) and, with dashes, the SQLite
   * directory's: the bench's reaper finds its leftovers by it. Default `kairos_t`.
   */
  prefix?: string;
}

const live = new Set<TestDatabase>();

/** Runs `fn` on a connection to the PostgreSQL server's admin database (to create or drop databases). */
export async function withPostgresAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

export async function createSqliteDatabase(options: DatabaseOptions = {}): Promise<TestDatabase> {
  const prefix = (options.prefix ?? 'kairos_t').replaceAll('_', '-');
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-${process.pid}-`));
  const file = join(dir, 'kairos.db');
  const db: TestDatabase = {
    kind: 'sqlite',
    url: `sqlite:${file}`,
    file,
    async query(sql, params = []) {
      const raw = new Sqlite(file, { readonly: true, fileMustExist: true });
      try {
        return raw.prepare(sql).all(...params);
      } finally {
        raw.close();
      }
    },
    async sizeBytes() {
      let total = 0;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        try {
          total += statSync(f).size;
        } catch {
          // not there
        }
      }
      return total;
    },
    async drop() {
      live.delete(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(db);
  return db;
}

/** Its own database per test file, so files run in parallel without seeing each other's rows. */
export async function createPostgresDatabase(options: DatabaseOptions = {}): Promise<TestDatabase> {
  const name = `${options.prefix ?? 'kairos_t'}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await withPostgresAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  let client: pg.Client | undefined;
  const db: TestDatabase = {
    kind: 'postgres',
    url: url.toString(),
    name,
    async query(sql, params = []) {
      if (!client) {
        client = new pg.Client({ connectionString: db.url });
        await client.connect();
      }
      return (await client.query(sql, params)).rows;
    },
    async sizeBytes() {
      const rows = await db.query('SELECT pg_database_size(current_database())::bigint AS n');
      return Number(rows[0].n);
    },
    async drop() {
      live.delete(db);
      await client?.end().catch(() => {});
      client = undefined;
      await withPostgresAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
  live.add(db);
  return db;
}

export function createDatabase(kind: DatabaseKind, options: DatabaseOptions = {}): Promise<TestDatabase> {
  return kind === 'sqlite' ? createSqliteDatabase(options) : createPostgresDatabase(options);
}

/** Drops every database not yet dropped: for exit handlers. */
export async function dropAllDatabases(): Promise<void> {
  for (const db of [...live]) {
    try {
      await db.drop();
    } catch {
      // keep going
    }
  }
}

/** The synchronous part of that, usable from process.on('exit'): the SQLite directories. */
export function removeSqliteFilesSync(): void {
  for (const db of live) if (db.kind === 'sqlite') rmSync(join(db.file!, '..'), { recursive: true, force: true });
}

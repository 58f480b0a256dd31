import { Kysely, PostgresDialect as KyselyPostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../schema.js';
import { createPostgresSignals } from '../../signals.js';
import type { Store } from '../../store.js';
import { postgresDialect } from './dialect.js';

const int8 = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // Instants are epoch milliseconds, well inside Number's exact range.
    if (oid === int8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** A pool of connections to a PostgreSQL database, which any number of nodes may share. */
export function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types as pg.CustomTypesConfig, connectionTimeoutMillis: 5_000 });
  // A client that loses its connection emits 'error' (on the pool when idle, on itself when
  // checked out); without a listener the process would crash. The query in flight still fails
  // and is retried by its caller.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new KyselyPostgresDialect({ pool }) });
  const signals = createPostgresSignals(url);
  return {
    db,
    dialect: postgresDialect,
    exclusive: false,
    signals,
    close: async () => {
      await signals.close();
      await db.destroy();
    },
  };
}

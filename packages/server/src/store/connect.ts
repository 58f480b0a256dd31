import { openPostgres } from './dialects/postgres/open.js';
import { openSqlite, openSqliteWriter } from './dialects/sqlite/open.js';
import { migrateToLatest } from './migrations.js';
import type { Store } from './store.js';

export { type Store, StoreOpenError } from './store.js';

const isPostgres = (url: string) => url.startsWith('postgres://') || url.startsWith('postgresql://');

/** Opens the database `url` names (sqlite:PATH or postgres://…) and brings its schema up to date. */
export async function openStore(url: string): Promise<Store> {
  const store = isPostgres(url) ? openPostgres(url) : openSqlite(url);
  try {
    await migrateToLatest(store.db);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/**
 * A second connection to a store this process already opened, for the engine's SQL thread
 * (`dialect.engineThread.url`): no guard, no migrations, the first connection did both.
 */
export function openThreadStore(url: string): Store {
  return isPostgres(url) ? openPostgres(url) : openSqliteWriter(url);
}

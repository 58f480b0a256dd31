import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type DatabaseKind, type TestDatabase } from '@kairos/testkit';
import { openStore, type Store } from '../../src/store/connect.js';

/** A store (migrated, this process holding it) on a fresh database, and that database. */
export interface StoreFixture {
  readonly store: Store;
  readonly database: TestDatabase;
}

/**
 * A store on a fresh database of `kind`, opened before the tests of the enclosing block and
 * closed, and its database dropped, after them.
 */
export function useStore(kind: DatabaseKind): StoreFixture {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    database = await createDatabase(kind);
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  const opened = <T>(value: T | undefined): T => {
    if (!value) throw new Error('useStore: the store is opened before the tests, not while they are declared');
    return value;
  };
  return {
    get store() {
      return opened(store);
    },
    get database() {
      return opened(database);
    },
  };
}

/** {@link useStore} on SQLite. */
export function useSqliteStore(): StoreFixture {
  return useStore('sqlite');
}

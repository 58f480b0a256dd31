import { afterAll, beforeAll } from 'vitest';
import { createSqliteDatabase, type TestDatabase } from '@kairos/testkit';
import { openStore, type Store } from '../../src/store/connect.js';

/**
 * A store on a fresh SQLite file (migrated, this process holding it), opened before the tests of
 * the enclosing block and closed and removed after them.
 */
export function useSqliteStore(): { readonly store: Store } {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    db = await createSqliteDatabase();
    store = await openStore(db.url);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });
  return {
    get store() {
      if (!store) throw new Error('useSqliteStore: the store is opened before the tests, not while they are declared');
      return store;
    },
  };
}

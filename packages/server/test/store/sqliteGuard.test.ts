import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type TestDatabase } from '@kairos/testkit';
import { openStore, StoreOpenError } from '../../src/store/connect.js';

const connectJs = fileURLToPath(new URL('../../dist/store/connect.js', import.meta.url));

/** Opens the store in another Node process and says how that went. */
function openElsewhere(url: string): string {
  const script = `import(${JSON.stringify(connectJs)}).then((m) => m.openStore(${JSON.stringify(url)})).then(async (s) => { await s.close(); console.log('opened'); }, (e) => console.log(e.message));`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 }).trim();
}

describe('one process per SQLite file', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('refuses a second process while the first holds the file, and lets it in once the first closes', async () => {
    const db = await createSqliteDatabase();
    dbs.push(db);
    const first = await openStore(db.url);
    try {
      expect(openElsewhere(db.url)).toMatch(/is in use by another Kairos process; SQLite allows one server per file/);
      // In this process too: a second server on the same file is refused.
      await expect(openStore(db.url)).rejects.toBeInstanceOf(StoreOpenError);
    } finally {
      await first.close();
    }
    expect(openElsewhere(db.url)).toBe('opened');
  });
});

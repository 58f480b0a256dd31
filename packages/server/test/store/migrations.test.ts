import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrations.js';
import { useSqliteStore } from '../support/store.js';

describe('migrations', () => {
  const fixture = useSqliteStore();

  it('runs a migration merged after a later-numbered one already ran (branches hold ranges of numbers)', async () => {
    const { db } = fixture.store;
    // As a database migrated before 0025 was merged: 0040 ran, 0025 did not.
    await db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0025_idempotency_key_job' as never).execute();
    await sql`DROP INDEX idempotency_keys_job`.execute(db);
    await migrateToLatest(db);
    const names = await db.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(names.map((r) => (r as { name: string }).name)).toEqual(expect.arrayContaining(['0025_idempotency_key_job', '0040_job_origins']));
    const index = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'idempotency_keys_job'`.execute(db);
    expect(index.rows).toHaveLength(1);
  });
});

import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '@kairos/testkit';
import { compileJobDefinition } from '../../src/domain/jobDefinition.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { newJobRow } from '../../src/store/rows.js';
import type { JobRow } from '../../src/store/schema.js';
import { listJobsOfInboundWebhook } from '../../src/store/sql/jobs.js';
import { useStore } from '../support/store.js';

describe('migrations', () => {
  const fixture = useStore('sqlite');

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

describe.each(databaseKinds)('0050_job_inbound_webhook on %s', (kind) => {
  const fixture = useStore(kind);
  const t0 = 1_900_000_000_000;

  /** A job row as a database before 0050 held it: no link, only the description. */
  function oldJob(id: string, projectId: string, description: string | null): Omit<JobRow, 'inbound_webhook_id'> {
    const compiled = compileJobDefinition({ url: 'https://example.com/hook', schedule: { type: 'once', at: t0 + 60_000 }, description }, t0, () => null);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    const { inbound_webhook_id: _, ...row } = newJobRow(projectId, compiled.value, true, t0);
    return { ...row, id };
  }

  it('links the jobs that inbound webhooks made before by their description, and indexes the link', async () => {
    const { db } = fixture.store;
    // As a database migrated before 0050: no column, no index, the migration not recorded.
    await db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0050_job_inbound_webhook' as never).execute();
    await sql`DROP INDEX jobs_inbound_webhook`.execute(db);
    await sql`ALTER TABLE jobs DROP COLUMN inbound_webhook_id`.execute(db);

    for (const id of ['prj_a', 'prj_b']) await db.insertInto('projects').values({ id, name: id, created_at: t0 }).execute();
    const webhook = (id: string, projectId: string) => ({ id, project_id: projectId, slug: `wh_${id}`, name: null, target_url: 'https://example.com/hook', method: 'POST', headers: '{}', delay_ms: 0, secret: null, created_at: t0 });
    await db.insertInto('inbound_webhooks').values([webhook('ibw_a', 'prj_a'), webhook('ibw_b', 'prj_b')]).execute();
    const jobs = [
      oldJob('job_made_by_a', 'prj_a', 'Created by inbound webhook ibw_a'),
      // Names a webhook of another project: the list never showed it.
      oldJob('job_names_b', 'prj_a', 'Created by inbound webhook ibw_b'),
      oldJob('job_names_gone', 'prj_a', 'Created by inbound webhook ibw_gone'),
      oldJob('job_longer_text', 'prj_a', 'Created by inbound webhook ibw_a, then edited'),
      oldJob('job_plain', 'prj_a', null),
      oldJob('job_made_by_b', 'prj_b', 'Created by inbound webhook ibw_b'),
    ];
    await db.insertInto('jobs').values(jobs as never).execute();

    await migrateToLatest(db);
    const links = await db.selectFrom('jobs').select(['id', 'inbound_webhook_id', 'description']).orderBy('id').execute();
    expect(links.map((r) => [r.id, r.inbound_webhook_id])).toEqual([
      ['job_longer_text', null],
      ['job_made_by_a', 'ibw_a'],
      ['job_made_by_b', 'ibw_b'],
      ['job_names_b', null],
      ['job_names_gone', null],
      ['job_plain', null],
    ]);
    // The description is what users see: it stays.
    expect(links.find((r) => r.id === 'job_made_by_a')?.description).toBe('Created by inbound webhook ibw_a');
    expect((await listJobsOfInboundWebhook(db, 'prj_a', 'ibw_a', 0, 10)).rows.map((r) => r.id)).toEqual(['job_made_by_a']);

    const index =
      kind === 'sqlite'
        ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'jobs_inbound_webhook'`.execute(db)
        : await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'jobs' AND indexname = 'jobs_inbound_webhook'`.execute(db);
    expect(index.rows).toHaveLength(1);
  });
});

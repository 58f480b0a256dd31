import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { compileJobDefinition } from '../../src/domain/jobDefinition.js';
import { EngineSqlThreadError, openEngineSql } from '../../src/engine/engineSql.js';
import { newJobRow, newRunRow } from '../../src/store/rows.js';
import { jobVariable } from '../../src/domain/jobVariable.js';
import { useSqliteStore } from '../support/store.js';

const planning = { userAgent: 'Kairos/test', telegramApiUrl: 'https://api.telegram.org', jobVariable };

describe("the engine's SQL thread on a SQLite file", () => {
  const fixture = useSqliteStore();

  it('claims due runs with their plans made on the thread, and refuses work once closed', async () => {
    const { store } = fixture;
    const now = Date.now();
    await store.db.insertInto('projects').values({ id: 'prj_thread', name: 'thread', created_at: now }).execute();
    const compiled = compileJobDefinition(
      { name: 'dynamic', url: 'https://example.com/hook?x=1', payload: { job: '$job', n: 1 }, schedule: { type: 'once', at: now } },
      now,
      () => null,
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    const job = newJobRow('prj_thread', compiled.value, true, now);
    const due = newRunRow(job, now - 10, now);
    const later = newRunRow(job, now + 60_000, now, { triggered_by: 'manual' });
    await store.db.insertInto('jobs').values(job).execute();
    await store.db.insertInto('runs').values([due, later]).execute();

    const sql = openEngineSql(store, { publicUrl: null, planning }, pino({ level: 'silent' }));
    const { claimed, total } = await sql.claim({ owner: 'node_a', now, dueBefore: now + 5_000, leaseUntil: now + 15_000, limit: 10 });
    expect(total).toBe(1);
    expect(claimed).toHaveLength(1);
    const [held] = claimed;
    expect(held!.run).toMatchObject({ id: due.id, lease_owner: 'node_a', lease_until: now + 15_000 });
    expect(held!.dueAt).toBe(due.due_at);
    // The plan came from the thread whole: the request, and `$job` as the API shows the job.
    expect(held!.job).toMatchObject({ id: job.id, origin: 'https://example.com', path: '/hook?x=1', method: 'POST', dynamicPayload: { job: '$job', n: 1 } });
    expect(held!.job.headers).toEqual(expect.arrayContaining(['user-agent', 'Kairos/test']));
    expect(held!.job.view).toMatchObject({ id: job.id, name: 'dynamic', status: 'active' });
    expect(held!.job.view).not.toHaveProperty('headers');
    // The lease is in the file, seen from the main connection.
    const row = await store.db.selectFrom('runs').selectAll().where('id', '=', due.id).executeTakeFirstOrThrow();
    expect(row.lease_owner).toBe('node_a');
    // Claimed once: a second claim takes nothing more.
    expect((await sql.claim({ owner: 'node_b', now, dueBefore: now + 5_000, leaseUntil: now + 15_000, limit: 10 })).total).toBe(0);

    await sql.close();
    await expect(sql.claim({ owner: 'node_a', now, dueBefore: now + 5_000, leaseUntil: now + 15_000, limit: 10 })).rejects.toBeInstanceOf(EngineSqlThreadError);
  });
});

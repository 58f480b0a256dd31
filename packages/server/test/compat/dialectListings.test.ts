/**
 * The two listings the Runhooks and JustRun doors read differently from /v1, on SQLite and
 * PostgreSQL alike: JustRun's executions (one per run, as its last attempt) and Runhooks' name
 * filter (a regular expression, read a batch of jobs at a time); and JustRun's unpaged lists,
 * which hold every item however many there are.
 */
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '@kairos/testkit';
import { rawRequest } from '../support/rawHttp.js';
import { eventually, useTestServer } from '../support/server.js';

describe.each(databaseKinds)('dialect listings on %s', (kind) => {
  const t = useTestServer(kind, { respond: (a) => (a.path.startsWith('/fail') ? { status: 503, body: 'down' } : { status: 200, body: 'ok' }) });
  const send = async (path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(t.server.url + path, {
      method,
      headers: { authorization: `Bearer ${t.api.key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('JustRun lists each run once, as its last attempt, newest first, paged', async () => {
    const job = (await send('/compat/justrun/v1/jobs', 'POST', { name: 'Retried', cron_expression: '0 0 1 1 *', url: `${t.sink.url}/fail/x`, retry_policy: 'fixed', retry_max: 1, retry_delay_sec: 1 })).body.data;
    const first = (await send(`/compat/justrun/v1/jobs/${job.id}/run`, 'POST')).body.data.execution_id;
    await eventually(async () => ((await send(`/v1/jobs/${job.id}/executions`)).body.data.length === 2 ? true : undefined), 15_000, 'two attempts');
    const second = (await send(`/compat/justrun/v1/jobs/${job.id}/run`, 'POST')).body.data.execution_id;
    await eventually(async () => ((await send(`/v1/jobs/${job.id}/executions`)).body.data.length === 4 ? true : undefined), 15_000, 'four attempts');

    const all = await send(`/compat/justrun/v1/jobs/${job.id}/executions`);
    expect(all.body.meta).toEqual({ page: 1, per_page: 20, total: 2 });
    expect(all.body.data.map((e: any) => e.id)).toEqual([second, first]);
    const page2 = await send(`/compat/justrun/v1/jobs/${job.id}/executions?page=2&per_page=1`);
    expect(page2.body).toMatchObject({ meta: { page: 2, per_page: 1, total: 2 }, data: [{ id: first, status: 'failed', status_code: 503 }] });
  });

  it('Runhooks filters names by a regular expression over more jobs than one batch reads', async () => {
    const jobs = Array.from({ length: 1_005 }, (_, i) => ({ name: i % 2 === 0 ? `sync-${i}` : `other-${i}`, url: `${t.sink.url}/x`, schedule: { type: 'cron', expression: '0 0 1 1 *' } }));
    for (let i = 0; i < jobs.length; i += 100) expect((await send('/v1/jobs/batch', 'POST', { jobs: jobs.slice(i, i + 100) })).status).toBe(201);
    const page = await send(`/compat/runhooks/api/v1/jobs?name=${encodeURIComponent('^SYNC-\\d*0$')}&limit=10&page=3`);
    expect(page.status).toBe(200);
    // Even numbers ending in 0 below 1 005: 0, 10, …, 1 000.
    expect(page.body.data).toMatchObject({ total: 101, page: 3, limit: 10, totalPages: 11 });
    expect(page.body.data.data.map((j: any) => j.name)).toEqual(Array.from({ length: 10 }, (_, k) => `sync-${1000 - 10 * (20 + k)}`));
  });

  it('JustRun lists every channel and key, past the 100 a page of /v1 holds', async () => {
    for (let i = 0; i < 101; i++) {
      expect((await send('/compat/justrun/v1/alerts/channels', 'POST', { type: 'slack', name: `Channel ${i}`, config: { webhook_url: `${t.sink.url}/slack/${i}` } })).status).toBe(201);
    }
    for (let i = 0; i < 100; i++) expect((await send('/compat/justrun/v1/api-keys', 'POST', { name: `Key ${i}` })).status).toBe(201);
    const channels = await send('/compat/justrun/v1/alerts/channels');
    expect(channels.body.data).toHaveLength(101);
    expect(new Set(channels.body.data.map((c: any) => c.name)).size).toBe(101);
    // The project's own key and the 100 made here.
    expect((await send('/compat/justrun/v1/api-keys')).body.data).toHaveLength(101);
  });

  it('absurd page numbers are a 400 naming page, and raw non-ASCII in a query string a 400, each in the dialect\'s shape', async () => {
    const lists = [
      ['/compat/runhooks/api/v1/jobs', (b: any) => expect(b).toEqual({ success: false, error: 'page: must be at most 10000000' })],
      ['/compat/runhooks/api/v1/executions', (b: any) => expect(b.error).toBe('page: must be at most 10000000')],
      ['/compat/justrun/v1/jobs', (b: any) => expect(b.error).toMatchObject({ code: 'validation_error', details: [{ field: 'page', issue: 'must be at most 10000000' }] })],
    ] as const;
    for (const [list, check] of lists) {
      for (const page of ['99999999999999999999', '1e309', '10000001']) {
        const r = await send(`${list}?page=${page}`);
        expect(r.status, `${list}?page=${page}`).toBe(400);
        check(r.body);
      }
      expect((await send(`${list}?page=10000000`)).status, list).toBe(200);
    }
    const auth = { authorization: `Bearer ${t.api.key}` };
    const runhooks = await rawRequest(t.server.url, 'GET', '/compat/runhooks/api/v1/jobs?name=café', auth);
    expect(runhooks.status).toBe(400);
    expect(JSON.parse(runhooks.body)).toEqual({ success: false, error: expect.stringContaining('percent-encode non-ASCII text') });
    const justRun = await rawRequest(t.server.url, 'GET', '/compat/justrun/v1/jobs?x=ü', auth);
    expect(justRun.status).toBe(400);
    expect(JSON.parse(justRun.body)).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('percent-encode non-ASCII text'), details: [] } });
    expect(JSON.parse((await rawRequest(t.server.url, 'GET', '/compat/justrun/v1/jobs/%zz', auth)).body).error.code).toBe('bad_request');
  });
});

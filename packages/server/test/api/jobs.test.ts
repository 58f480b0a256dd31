import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

describe.each(databaseKinds)('native jobs API on %s', (kind) => {
  const t = useTestServer(kind, { project: 'jobs api' });

  it('registers an anonymous project whose key is shown once', async () => {
    const r = await new Api(t.server.url).request('POST', '/v1/auth/register-anonymous', { name: 'my server' });
    expect(r.status).toBe(201);
    expect(r.body.data.apiKey).toMatch(/^kr_live_[A-Za-z0-9_-]{32}$/);
    expect(r.body.data.project.id).toMatch(/^prj_/);
    expect(r.body.data.project.name).toBe('my server');
  });

  it('refuses requests without a key or with an unknown key', async () => {
    const anonymous = new Api(t.server.url);
    const none = await anonymous.request('GET', '/v1/jobs');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    anonymous.key = 'kr_live_not-a-real-key-at-all-000000000';
    expect((await anonymous.request('GET', '/v1/jobs')).status).toBe(401);
  });

  it('creates a one-time job that is delivered on time and recorded', async () => {
    const at = Date.now() + 300;
    const job = await t.api.createJob({ name: 'hello', url: `${t.sink.url}/once`, payload: { hello: 'world' }, schedule: { type: 'once', at: new Date(at).toISOString() } });
    expect(job).toMatchObject({ status: 'active', method: 'POST', payload: { hello: 'world' }, nextRunAt: new Date(at).toISOString(), schedule: { type: 'once', at: new Date(at).toISOString() } });
    expect(job.id).toMatch(/^job_/);

    const before = t.sink.arrivals.length;
    const [arrival] = (await t.sink.waitFor(before + 1)).slice(before);
    expect(arrival!.path).toBe('/once');
    expect(arrival!.at).toBeGreaterThanOrEqual(at);
    expect(JSON.parse(arrival!.body)).toEqual({ hello: 'world' });
    expect(arrival!.headers['content-type']).toBe('application/json');
    expect(arrival!.headers['user-agent']).toMatch(/^Kairos\/\d+\.\d+\.\d+$/);
    expect(arrival!.headers['webhook-id']).toMatch(/^dlv_/);

    const done = await eventually(async () => {
      const r = await t.api.request('GET', `/v1/jobs/${job.id}`);
      return r.body.data.status === 'completed' ? r.body.data : undefined;
    });
    expect(done).toMatchObject({ lastStatus: 'success', lastStatusCode: 200, nextRunAt: null });

    const executions = await t.api.request('GET', `/v1/jobs/${job.id}/executions`);
    expect(executions.status).toBe(200);
    expect(executions.body.meta).toEqual({ page: 1, perPage: 20, total: 1 });
    const [e] = executions.body.data;
    expect(e).toMatchObject({ jobId: job.id, attempt: 1, triggeredBy: 'schedule', status: 'success', statusCode: 200, responseBody: 'ok', error: null });
    expect(e.deliveryId).toBe(arrival!.headers['webhook-id']);
    expect(e.scheduledFor).toBe(new Date(at).toISOString());
    expect(typeof e.durationMs).toBe('number');
    expect(e.responseHeaders['content-type']).toBe('text/plain');
  });

  it('accepts a delay and merges query parameters into the URL', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/q?a=1`, query: { b: 2, c: 'x y' }, method: 'GET', schedule: { type: 'once', delay: '200ms' } });
    expect(job.method).toBe('GET');
    const arrival = await eventually(() => t.sink.arrivals.find((a) => a.path.startsWith('/q?')));
    expect(arrival.path).toBe('/q?a=1&b=2&c=x+y');
  });

  it('runs an interval job repeatedly, advancing from the schedule', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/every`, schedule: { type: 'interval', every: '1s' } });
    expect(job.method).toBe('GET');
    const first = Date.parse(job.nextRunAt);
    const arrivals = await eventually(() => {
      const hits = t.sink.arrivals.filter((a) => a.path === '/every');
      return hits.length >= 3 ? hits : undefined;
    }, 8_000);
    // Each delivery lands on its own slot of the 1 s grid, never drifting by delivery time.
    arrivals.slice(0, 3).forEach((a, i) => {
      expect(a.at).toBeGreaterThanOrEqual(first + i * 1000);
      expect(a.at).toBeLessThan(first + i * 1000 + 500);
    });
    expect(new Set(arrivals.map((a) => a.headers['webhook-id'])).size).toBe(arrivals.length);
    expect((await t.api.request('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);
  });

  it('lists jobs newest first with pagination', async () => {
    const p = new Api(t.server.url);
    await p.register('pagination');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await p.createJob({ url: `${t.sink.url}/later`, schedule: { type: 'cron', expression: '0 0 1 1 *' } })).id);
    const page1 = await p.request('GET', '/v1/jobs?perPage=2');
    expect(page1.status).toBe(200);
    expect(page1.body.meta).toEqual({ page: 1, perPage: 2, total: 5 });
    expect(page1.body.data.map((j: { id: string }) => j.id)).toEqual([ids[4], ids[3]]);
    const page3 = await p.request('GET', '/v1/jobs?page=3&perPage=2');
    expect(page3.body.data.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    expect((await p.request('GET', '/v1/jobs?perPage=101')).status).toBe(422);
    expect((await p.request('GET', '/v1/jobs?page=0')).status).toBe(422);
    expect((await p.request('GET', '/v1/jobs?page=abc')).body.error.details[0].field).toBe('page');
  });

  it('keeps projects apart: another project\'s job is a 404', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/mine`, schedule: { type: 'cron', expression: '@yearly' } });
    const other = new Api(t.server.url);
    await other.register('other');
    expect((await other.request('GET', `/v1/jobs/${job.id}`)).status).toBe(404);
    expect((await other.request('DELETE', `/v1/jobs/${job.id}`)).status).toBe(404);
    expect((await other.request('GET', `/v1/jobs/${job.id}/executions`)).status).toBe(404);
    expect((await t.api.request('GET', `/v1/jobs/${job.id}`)).status).toBe(200);
  });

  it('deletes a job with its history', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/gone`, schedule: { type: 'once', delay: 100 } });
    await eventually(async () => ((await t.api.request('GET', `/v1/jobs/${job.id}/executions`)).body.meta.total === 1 ? true : undefined));
    const del = await t.api.request('DELETE', `/v1/jobs/${job.id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expect((await t.api.request('GET', `/v1/jobs/${job.id}`)).status).toBe(404);
    expect((await t.api.request('GET', `/v1/jobs/${job.id}/executions`)).status).toBe(404);
    expect((await t.api.request('DELETE', `/v1/jobs/${job.id}`)).status).toBe(404);
  });

  it('reports health with the database status', async () => {
    const r = await new Api(t.server.url).request('GET', '/v1/health');
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ status: 'ok', database: { status: 'ok', kind } });
    expect(r.body.data.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof r.body.data.uptimeSeconds).toBe('number');
  });
});

describe.each(databaseKinds)('batch job creation on %s', (kind) => {
  const t = useTestServer(kind, { project: 'batch' });

  it('creates up to 1 000 jobs in one call, each delivered', async () => {
    const at = Date.now() + 1_000;
    const jobs = Array.from({ length: 1_000 }, (_, i) => ({ url: `${t.sink.url}/batch/${i}`, schedule: { type: 'once', at } }));
    const r = await t.api.request('POST', '/v1/jobs/batch', { jobs });
    expect(r.status).toBe(201);
    expect(r.body.data).toHaveLength(1_000);
    expect(new Set(r.body.data.map((j: { id: string }) => j.id)).size).toBe(1_000);
    await t.sink.waitFor(1_000, 20_000);
    expect(new Set(t.sink.arrivals.map((a) => a.path)).size).toBe(1_000);
    expect(Math.min(...t.sink.arrivals.map((a) => a.at))).toBeGreaterThanOrEqual(at);
    expect((await t.api.request('GET', '/v1/jobs?perPage=1')).body.meta.total).toBe(1_000);
  });

  it('creates nothing when one job is invalid, and names it', async () => {
    const before = (await t.api.request('GET', '/v1/jobs?perPage=1')).body.meta.total;
    const r = await t.api.request('POST', '/v1/jobs/batch', {
      jobs: [
        { url: `${t.sink.url}/ok`, schedule: { type: 'once', delay: 60_000 } },
        { url: `${t.sink.url}/bad`, schedule: { type: 'cron', expression: 'nope' } },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].field).toBe('jobs[1].schedule.expression');
    expect((await t.api.request('GET', '/v1/jobs?perPage=1')).body.meta.total).toBe(before);
  });

  it('refuses an empty batch and one over 1 000 jobs', async () => {
    expect((await t.api.request('POST', '/v1/jobs/batch', { jobs: [] })).status).toBe(422);
    const tooMany = Array.from({ length: 1_001 }, () => ({ url: `${t.sink.url}/x`, schedule: { type: 'once', delay: 60_000 } }));
    const r = await t.api.request('POST', '/v1/jobs/batch', { jobs: tooMany });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].field).toBe('jobs');
  });
});

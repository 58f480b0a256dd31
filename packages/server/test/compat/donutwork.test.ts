import { beforeAll, describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { loadConfig } from '../../src/config.js';
import { useServer, useTestServer } from '../support/server.js';

/** Every field of a listed job runner, with its type. */
function expectJobRunner(e: any) {
  expect(Object.keys(e).sort()).toEqual(['content_type', 'has_body', 'id', 'method', 'schedulation', 'title', 'url'].sort());
  expect(typeof e.id).toBe('string');
  expect(e.title === null || typeof e.title === 'string').toBe(true);
  expect(typeof e.method).toBe('string');
  expect(typeof e.url).toBe('string');
  expect(e.content_type === null || typeof e.content_type === 'string').toBe(true);
  expect(typeof e.has_body).toBe('boolean');
  expect(Array.isArray(e.schedulation)).toBe(true);
}

describe.each(databaseKinds)('Donutwork Job Runner dialect on %s', (kind) => {
  const t = useTestServer(kind);
  /** Donutwork's base URL, the key as a bearer. */
  let dw: Api;
  beforeAll(() => {
    dw = new Api(`${t.server.url}/compat/donutwork`, t.api.key);
  });

  it("creates, lists and deletes the document's job runner as written", async () => {
    const created = await dw.request('POST', '/2026-02-01/job-runner.json', {
      jobrunner: {
        title: 'Sync CRM Contacts',
        method: 'POST',
        url: 'https://api.partner.com/sync',
        content_type: 'application/json',
        body: '{"scope":"daily"}',
        schedulation: ['08:00', '14:30'],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), created: true });
    const id = created.body.id as string;

    const list = await dw.request('GET', '/2026-02-01/job-runner.json');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ entities: 'JobRunner', count: 1, per_page: 50, pages: { current: 1, max: 1 } });
    expect(Object.keys(list.body).sort()).toEqual(['count', 'elements', 'entities', 'pages', 'per_page']);
    expect(list.body.elements).toHaveLength(1);
    expectJobRunner(list.body.elements[0]);
    expect(list.body.elements[0]).toEqual({ id, title: 'Sync CRM Contacts', method: 'POST', url: 'https://api.partner.com/sync', content_type: 'application/json', has_body: true, schedulation: ['08:00', '14:30'] });

    // The times run every day, in UTC: the job is an ordinary Kairos job.
    const native = await t.api.request('GET', `/v1/jobs/${id}`);
    expect(native.body.data).toMatchObject({ name: 'Sync CRM Contacts', method: 'POST', body: '{"scope":"daily"}', headers: { 'Content-Type': 'application/json' }, schedule: { type: 'daily', times: ['08:00', '14:30'], timezone: 'UTC' } });
    expect(native.body.data.nextRunAt).toMatch(/T(08:00|14:30):00\.000Z$/);

    const deleted = await dw.request('DELETE', `/2026-02-01/job-runner/${id}.json`, undefined, { 'content-type': 'application/json' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, deleted: true });
    expect((await t.api.request('GET', `/v1/jobs/${id}`)).status).toBe(404);
    const again = await dw.request('DELETE', `/2026-02-01/job-runner/${id}.json`);
    expect(again.status).toBe(404);
    expect(Object.keys(again.body)).toEqual(['error']);
    expect((await dw.request('GET', '/2026-02-01/job-runner.json')).body).toMatchObject({ count: 0, elements: [], pages: { current: 1, max: 1 } });
  });

  it('reads a field sent as null as not given', async () => {
    const r = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { title: null, method: null, url: 'https://api.partner.com/nil', content_type: null, body: null, schedulation: ['08:00'] } });
    expect(r.status).toBe(201);
    expect((await t.api.request('GET', `/v1/jobs/${r.body.id}`)).body.data).toMatchObject({ method: 'GET', headers: {}, body: null });
    await dw.request('DELETE', `/2026-02-01/job-runner/${r.body.id}.json`);
  });

  it('answers a time outside 00:00-23:59 with the documented error, naming the value', async () => {
    const r = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { title: 'x', method: 'POST', url: 'https://api.partner.com/sync', schedulation: ['08:00', '24:30'] } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'Invalid schedulation time "24:30". Use HH:mm format' });
    const loose = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://api.partner.com/sync', schedulation: ['8:00'] } });
    expect(loose.body).toEqual({ error: 'Invalid schedulation time "8:00". Use HH:mm format' });
    for (const bad of ['23:60', '08:00:00', 'noon', '']) {
      const r = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://api.partner.com/sync', schedulation: ['08:00', bad] } });
      expect(r.status, bad).toBe(400);
      expect(r.body).toEqual({ error: `Invalid schedulation time ${JSON.stringify(bad)}. Use HH:mm format` });
    }
    // Well-formed but given twice: said as it is, not as a format error.
    const twice = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://api.partner.com/sync', schedulation: ['08:00', '14:30', '08:00'] } });
    expect(twice.status).toBe(400);
    expect(twice.body).toEqual({ error: 'jobrunner.schedulation[2]: repeats schedulation[0]' });
    const notText = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://api.partner.com/sync', schedulation: [800] } });
    expect(notText.status).toBe(400);
    expect(notText.body.error).toMatch(/^jobrunner\.schedulation\.0: must be string/);
    const other = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'http://10.0.0.1/x', schedulation: ['08:00'] } });
    expect(other.status).toBe(400);
    expect(other.body.error).toMatch(/^jobrunner\.url: must resolve to a public address/);
    const getBody = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { method: 'GET', url: 'https://a.example/x', body: 'x', schedulation: ['08:00'] } });
    expect(getBody.body.error).toMatch(/^jobrunner\.body: cannot be sent with GET/);
    const missing = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://a.example/x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/^jobrunner\.schedulation: is required/);
    const bare = await dw.request('POST', '/2026-02-01/job-runner.json', { title: 'x' });
    expect(bare.status).toBe(400);
    expect(Object.keys(bare.body)).toEqual(['error']);
  });

  it('runs a job now and answers once the target has: status line and headers, body, time taken', async () => {
    t.sink.respond = (a) =>
      a.path === '/sync' ? { status: 200, headers: { 'content-type': 'application/json', 'x-partner': 'p1' }, body: '{"ok":true}', delayMs: 300 } : a.path === '/broken' ? { status: 500, body: 'boom' } : {};
    const { id } = (await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { title: 'Sync', method: 'POST', url: `${t.sink.url}/sync`, content_type: 'application/json', body: '{"scope":"daily"}', schedulation: ['03:00'] } })).body;
    // As a client that sends Content-Type: application/json on every request, with no body.
    const r = await dw.request('POST', `/2026-02-01/job-runner/${id}/run.json`, undefined, { 'content-type': 'application/json' });
    // The answer waited for the target's: the target (which holds it 300 ms) had answered by then.
    const sync = t.sink.arrivals.filter((a) => a.path === '/sync');
    expect(sync).toHaveLength(1);
    expect(sync[0]!.answeredAt).toBeDefined();
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['headers', 'job_runner_id', 'ms', 'response', 'status']);
    expect(r.body).toMatchObject({ job_runner_id: id, status: 'success', response: '{"ok":true}' });
    expect(r.body.headers[0]).toBe('HTTP/1.1 200 OK');
    expect(r.body.headers).toContain('x-partner: p1');
    expect(r.body.headers).toContain('content-type: application/json');
    expect(typeof r.body.ms).toBe('number');
    expect(r.body.ms).toBeGreaterThanOrEqual(300);
    const arrival = t.sink.arrivals.find((a) => a.path === '/sync')!;
    expect(arrival).toMatchObject({ method: 'POST', body: '{"scope":"daily"}' });
    expect(arrival.headers['content-type']).toBe('application/json');
    // The run is in the job's history, like any other.
    const history = await t.api.request('GET', `/v1/jobs/${id}/executions`);
    expect(history.body.data[0]).toMatchObject({ triggeredBy: 'manual', status: 'success', statusCode: 200 });

    const broken = (await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { method: 'GET', url: `${t.sink.url}/broken`, schedulation: ['03:00'] } })).body;
    const failed = await dw.request('POST', `/2026-02-01/job-runner/${broken.id}/run.json`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ job_runner_id: broken.id, status: 'failed', response: 'boom' });
    expect(failed.body.headers[0]).toBe('HTTP/1.1 500 Internal Server Error');
    t.sink.respond = () => ({});

    const unknown = await dw.request('POST', '/2026-02-01/job-runner/job_nope/run.json');
    expect(unknown.status).toBe(404);
    expect(Object.keys(unknown.body)).toEqual(['error']);
    await dw.request('DELETE', `/2026-02-01/job-runner/${id}.json`);
    await dw.request('DELETE', `/2026-02-01/job-runner/${broken.id}.json`);
  });

  it('pages with size (default 50, at most 100) and page from 1', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { title: `p${i}`, url: 'https://a.example/p', schedulation: ['03:00'] } })).body.id);
    const page2 = await dw.request('GET', '/2026-02-01/job-runner.json?size=2&page=2');
    expect(page2.body).toMatchObject({ count: 5, per_page: 2, pages: { current: 2, max: 3 } });
    expect(page2.body.elements).toHaveLength(2);
    const all = await dw.request('GET', '/2026-02-01/job-runner.json?size=100');
    expect(all.body.elements).toHaveLength(5);
    expect(all.body.elements.map((e: { id: string }) => e.id).sort()).toEqual([...ids].sort());
    for (const bad of ['size=101', 'size=0', 'page=0', 'size=abc']) {
      const r = await dw.request('GET', `/2026-02-01/job-runner.json?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(Object.keys(r.body)).toEqual(['error']);
    }
    for (const id of ids) await dw.request('DELETE', `/2026-02-01/job-runner/${id}.json`);
  });

  it('needs read for job_runner:read and write for job_runner:write; a key in X-Api-Key works too', async () => {
    const reader = new Api(`${t.server.url}/compat/donutwork`, (await t.api.request('POST', '/v1/api-keys', { name: 'r', scopes: ['read'] })).body.data.key);
    const writer = new Api(`${t.server.url}/compat/donutwork`, (await t.api.request('POST', '/v1/api-keys', { name: 'w', scopes: ['write'] })).body.data.key);
    const create = { jobrunner: { url: 'https://a.example/s', schedulation: ['03:00'] } };
    expect((await reader.request('GET', '/2026-02-01/job-runner.json')).status).toBe(200);
    const refused = await reader.request('POST', '/2026-02-01/job-runner.json', create);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: 'This API key lacks the "write" scope.' });
    // write includes read.
    expect((await writer.request('GET', '/2026-02-01/job-runner.json')).status).toBe(200);
    const made = await writer.request('POST', '/2026-02-01/job-runner.json', create);
    expect(made.status).toBe(201);
    expect((await reader.request('POST', `/2026-02-01/job-runner/${made.body.id}/run.json`)).status).toBe(403);
    expect((await reader.request('DELETE', `/2026-02-01/job-runner/${made.body.id}.json`)).status).toBe(403);

    const viaHeader = await new Api(`${t.server.url}/compat/donutwork`).request('GET', '/2026-02-01/job-runner.json', undefined, { 'x-api-key': t.api.key! });
    expect(viaHeader.status).toBe(200);
    const none = await new Api(`${t.server.url}/compat/donutwork`).request('GET', '/2026-02-01/job-runner.json');
    expect(none.status).toBe(401);
    expect(Object.keys(none.body)).toEqual(['error']);
    await writer.request('DELETE', `/2026-02-01/job-runner/${made.body.id}.json`);
  });

  it('answers every other failure as { error }: unknown route or version, malformed JSON, another media type, a body too large', async () => {
    const version = await dw.request('GET', '/2025-01-01/job-runner.json');
    expect(version.status).toBe(404);
    expect(version.body).toEqual({ error: 'No route for GET /compat/donutwork/2025-01-01/job-runner.json.' });
    expect((await dw.request('DELETE', '/2026-02-01/job-runner/abc')).status).toBe(404);
    const escape = await dw.request('POST', '/2026-02-01/job-runner/%E0%A4%A/run.json');
    expect(escape.status).toBe(400);
    expect(escape.body).toEqual({ error: 'The URL path is not valid (check its %-escapes).' });
    const long = await dw.request('DELETE', `/2026-02-01/job-runner/${'a'.repeat(101)}.json`);
    expect(long.status).toBe(414);
    expect(Object.keys(long.body)).toEqual(['error']);
    const malformed = await dw.request('POST', '/2026-02-01/job-runner.json', '{"jobrunner":', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/not valid JSON/);
    const text = await dw.request('POST', '/2026-02-01/job-runner.json', 'x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.body).toEqual({ error: 'Send the body as application/json.' });
    const huge = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://a.example/x', method: 'POST', body: 'x'.repeat(1200 * 1024), schedulation: ['03:00'] } });
    expect(huge.status).toBe(413);
    expect(Object.keys(huge.body)).toEqual(['error']);
    const overBody = await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://a.example/x', method: 'POST', body: 'x'.repeat(1024 * 1024 + 1), schedulation: ['03:00'] } });
    expect(overBody.status).toBe(400);
    expect(overBody.body.error).toMatch(/^jobrunner\.body: must be at most 1048576 bytes/);
  });

  it('shows jobs made through other doors, and its jobs through them', async () => {
    const native = await t.api.createJob({ name: 'native', url: 'https://a.example/n', schedule: { type: 'interval', every: '1h' } });
    const runnerJob = (await new Api(`${t.server.url}/compat/runner`, t.api.key).request('POST', '/api/v1/jobs', { url: 'https://a.example/r', runEvery: 'morning', payload: { a: 1 } })).body;
    const list = (await dw.request('GET', '/2026-02-01/job-runner.json?size=100')).body.elements;
    const byId = new Map(list.map((e: { id: string }) => [e.id, e]));
    expect(byId.get(native.id)).toMatchObject({ title: 'native', method: 'GET', has_body: false, schedulation: [] });
    const fromRunner = list.find((e: { url: string }) => e.url === 'https://a.example/r');
    expect(fromRunner).toMatchObject({ method: 'POST', has_body: true, content_type: 'application/json' });
    expectJobRunner(fromRunner);

    const mine = (await dw.request('POST', '/2026-02-01/job-runner.json', { jobrunner: { url: 'https://a.example/d', schedulation: ['03:00'] } })).body.id;
    const seen = await new Api(`${t.server.url}/compat/runner`, t.api.key).request('GET', `/api/v1/jobs/${mine}`);
    expect(seen.body).toMatchObject({ status: 'scheduled', scheduleType: 'recurring', runEvery: { type: 'daily', times: ['03:00'] } });
    expect((await t.api.request('POST', `/v1/jobs/${mine}/pause`)).status).toBe(200);
    // Runner's UUID form of an id is taken too.
    expect((await dw.request('DELETE', `/2026-02-01/job-runner/${runnerJob.id}.json`)).body).toEqual({ id: runnerJob.id, deleted: true });
    expect((await dw.request('DELETE', `/2026-02-01/job-runner/${fromRunner.id}.json`)).status).toBe(404);
  });
});

describe('Donutwork dialect under rate limits', () => {
  const t = useServer('sqlite', { config: { rateLimits: { ...loadConfig({}).rateLimits, general: { max: 2, windowMs: 60_000 } } } });

  it('answers 429 with Retry-After as { error }', async () => {
    const get = () => fetch(`${t.server.url}/compat/donutwork/2026-02-01/job-runner.json`, { headers: { 'x-api-key': 'kr_live_unknown' } });
    expect((await get()).status).toBe(401);
    expect((await get()).status).toBe(401);
    const over = await get();
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await over.json()).toEqual({ error: expect.stringMatching(/^Too many requests/) });
  });
});

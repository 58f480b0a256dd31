import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { routesOf } from '../../src/api/app.js';
import { Execution, Job } from '../../src/api/v1/schemas/jobs.js';
import { executionView, jobView } from '../../src/api/v1/views.js';
import { version } from '../../src/config.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { decodeExecution, decodeJob } from '../../src/store/rows.js';
import { listExecutions } from '../../src/store/sql/executions.js';
import { getJob } from '../../src/store/sql/jobs.js';
import { eventually, useServer, useSink } from '../support/server.js';

// PostgreSQL lets the test open the server's database beside it, to compare the API's bodies with
// what the views make of the same rows.
describe('OpenAPI document, reference and response schemas', () => {
  const t = useServer('postgres');
  const sinkFixture = useSink();
  let store: Store;
  let api: Api;
  let projectId: string;

  beforeAll(async () => {
    store = await openStore(t.db.url);
    api = new Api(t.server.url);
    const r = await api.request('POST', '/v1/auth/register-anonymous', { name: 'openapi' });
    api.key = r.body.data.apiKey;
    projectId = r.body.data.project.id;
  });

  afterAll(async () => {
    await store?.close();
  });

  it('serves a valid OpenAPI 3.1 document without credentials', async () => {
    const r = await new Api(t.server.url).request('GET', '/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Kairos API', version });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.tags.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['jobs', 'auth', 'projects', 'api-keys', 'operations']));
  });

  it('describes every registered route, with a tag, and marks the public ones', async () => {
    const doc = (await api.request('GET', '/openapi.json')).body;
    const routes = routesOf(t.server.app).filter((r) => !r.hidden && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(15);
    for (const { method, url } of routes) {
      const operation = doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(operation, `${method} ${url}`).toBeDefined();
      expect(operation.tags, `${method} ${url}`).toHaveLength(1);
      expect(operation.summary, `${method} ${url}`).toBeTruthy();
    }
    // Only our own routes are hidden: the document itself, the reference's pages and assets, the
    // other products' dialects (their clients do not use the SDK the document feeds), and, once
    // built, the dashboard's files and its page for deep links.
    const hidden = routesOf(t.server.app).filter((r) => r.hidden);
    for (const { url } of hidden) expect(url).toMatch(/^\/(openapi\.json$|docs|compat\/|$|\*$|index\.html$|assets\/)/);
    for (const path of ['/v1/auth/login', '/v1/auth/register', '/v1/auth/refresh', '/v1/auth/register-anonymous']) {
      expect(doc.paths[path].post.security, path).toEqual([]);
    }
    expect(doc.paths['/v1/health'].get.security).toEqual([]);
    expect(doc.paths['/v1/jobs'].post.security).toBeUndefined();
    expect(doc.paths['/v1/jobs/{id}'].get.responses['200'].content['application/json'].schema.properties.data.properties.payload).toBeDefined();
    expect(doc.paths['/v1/jobs/{id}'].get.responses['4XX']).toBeDefined();
  });

  it('serves a browsable reference at /docs from the package, without credentials', async () => {
    const anonymous = new Api(t.server.url);
    const page = await anonymous.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('swagger-ui');
    const bundle = await fetch(`${t.server.url}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    const init = await anonymous.request('GET', '/docs/static/swagger-initializer.js');
    expect(init.status).toBe(200);
    // No badge from validator.swagger.io: the page fetches nothing from outside.
    expect(init.body).toMatch(/validatorUrl: null/);
  });

  it('lists in the Job schema every field jobView returns', async () => {
    const job = await api.createJob({ url: `${sinkFixture.sink.url}/x`, payload: { a: 1 }, schedule: { type: 'cron', expression: '@yearly' } });
    const row = await getJob(store.db, projectId, job.id);
    const view = jobView(decodeJob(row!));
    const listed = Object.keys(Job.properties);
    for (const key of Object.keys(view)) expect(listed, key).toContain(key);
    expect(listed).toContain('body');
  });

  it('returns a job exactly as the view makes it: payload, body, neither, headers and query', async () => {
    const cases = [
      { url: `${sinkFixture.sink.url}/a`, payload: { nested: { list: [1, 'two', null, true], n: 1.5 } }, headers: { 'X-One': '1' }, query: { b: 2, c: true }, schedule: { type: 'once', delay: '1h' } },
      { name: 'raw', url: `${sinkFixture.sink.url}/b`, body: 'plain text', method: 'PUT', schedule: { type: 'daily', times: ['08:00', '14:30'], timezone: 'Europe/Berlin' }, retryPolicy: { strategy: 'exponential', multiplier: 1.5 } },
      { url: `${sinkFixture.sink.url}/c`, method: 'GET', schedule: { type: 'interval', every: '90s' }, retryPolicy: { strategy: 'none' } },
      { url: `${sinkFixture.sink.url}/d`, payload: 'just a string', schedule: { type: 'weekly', day: 'monday', hour: 9, minute: 30 } },
      { url: `${sinkFixture.sink.url}/e`, payload: null, schedule: { type: 'preset', preset: 'morning' }, timeoutMs: 5_000 },
    ];
    for (const input of cases) {
      const created = await api.request('POST', '/v1/jobs', input);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const got = await api.request('GET', `/v1/jobs/${created.body.data.id}`);
      expect(got.status).toBe(200);
      const expected = JSON.parse(JSON.stringify(jobView(decodeJob((await getJob(store.db, projectId, created.body.data.id))!))));
      expect(got.body.data).toEqual(expected);
      expect(Object.keys(got.body.data).sort()).toEqual(Object.keys(expected).sort());
      expect(created.body.data).toEqual({ ...expected, updatedAt: created.body.data.updatedAt });
    }
    const list = await api.request('GET', '/v1/jobs?perPage=100');
    expect(list.body.meta).toEqual({ page: 1, perPage: 100, total: list.body.data.length });
    expect(list.body.data.find((j: { name: string | null }) => j.name === 'raw')).toMatchObject({ body: 'plain text', method: 'PUT' });
  });

  it('returns executions exactly as the view makes them', async () => {
    sinkFixture.sink.respond = (a) => (a.path === '/exec' ? { status: 500, body: 'nope', headers: { 'x-multi': 'a', 'content-type': 'text/plain' } } : {});
    const job = await api.createJob({ url: `${sinkFixture.sink.url}/exec`, schedule: { type: 'once', delay: 20 }, retryPolicy: { strategy: 'fixed', maxRetries: 1, initialDelayMs: 20 } });
    const r = await eventually(async () => {
      const page = await api.request('GET', `/v1/jobs/${job.id}/executions`);
      return page.body.data.length === 2 ? page : undefined;
    });
    const { rows } = await listExecutions(store.db, projectId, { jobId: job.id }, 0, 20);
    expect(r.body.data).toEqual(JSON.parse(JSON.stringify(rows.map((row) => executionView(decodeExecution(row))))));
    const listed = Object.keys(Execution.properties);
    for (const key of Object.keys(executionView(decodeExecution(rows[0]!)))) expect(listed, key).toContain(key);
    expect(r.body.data[0]).toMatchObject({ status: 'dead_letter', statusCode: 500, responseBody: 'nope', error: 'HTTP 500' });
  });

  it('keeps both shapes of /v1/auth/me and the error envelope whole', async () => {
    const asKey = await api.request('GET', '/v1/auth/me');
    expect(Object.keys(asKey.body.data).sort()).toEqual(['apiKey', 'project', 'scopes']);
    expect(Object.keys(asKey.body.data.apiKey).sort()).toEqual(['createdAt', 'id', 'lastFour', 'lastUsedAt', 'name', 'prefix', 'scopes']);
    const user = new Api(t.server.url);
    const registered = await user.registerUser('me@example.com');
    expect(Object.keys(registered).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'apiKey', 'project', 'refreshToken', 'user']);
    const asUser = await user.request('GET', '/v1/auth/me');
    expect(asUser.body.data).toEqual({ user: registered.user, projects: [registered.project] });
    const missing = await api.request('GET', '/v1/jobs/job_missing');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: 'Job job_missing was not found.', details: [] } });
    const invalid = await api.request('POST', '/v1/jobs', { url: 'ftp://x', schedule: { type: 'once', delay: 1 }, extra: 1 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.length).toBeGreaterThan(0);
    for (const d of invalid.body.error.details) expect(Object.keys(d).sort()).toEqual(['field', 'issue']);
  });
});

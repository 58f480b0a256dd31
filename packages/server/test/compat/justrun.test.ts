/**
 * The JustRun API (seed 003) under /compat/justrun: every request the document shows, sent as
 * written (its host replaced by the local server, its example targets and ids by local ones), the
 * behaviours the issue names, and its signed events checked by the document's own Express receiver.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { parsePlans } from '../../src/domain/plans.js';
import { eventually, useTestServer } from '../support/server.js';
import { useSmtpSink } from '../support/smtp.js';

const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const secret = 'whsec_your_signing_secret';

/** The document's receiver, run unchanged in its own process (on a free loopback port rather than 3000). */
async function startReceiver(): Promise<{ url: string; output: string[]; stop: () => void }> {
  const output: string[] = [];
  const child: ChildProcess = fork(fileURLToPath(new URL('./fixtures/justrunReceiver.mjs', import.meta.url)), [], {
    execArgv: ['--import', new URL('./fixtures/loopbackListen.mjs', import.meta.url).href],
    env: { ...process.env, JUSTRUN_WEBHOOK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/webhooks/justrun`, output, stop: () => child.kill() };
}

describe('JustRun API', () => {
  const mail = useSmtpSink();
  const t = useTestServer('sqlite', {
    project: 'justrun',
    respond: (a) => (a.path.startsWith('/fail') ? { status: 503, body: 'down' } : { status: 200, body: '{"ok":true}' }),
    tuning: { messageRetryMs: 100 },
    config: () => ({ smtpUrl: mail.smtp.url, emailFrom: 'Kairos <kairos@example.com>' }),
  });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let base: string;
  let key: string;
  /** The native project's key. */
  let kairosKey: string;
  let example: string;

  const call = async (method: string, path: string, body?: unknown, bearer: string | null = key) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    base = `${t.server.url}/compat/justrun`;
    example = t.sink.url;
    kairosKey = t.api.key!;
  });
  afterAll(() => {
    receiver?.stop();
  });

  it('API keys: creates a jrun_sk_ key (shown once), lists and revokes keys', async () => {
    const made = await call('POST', '/v1/api-keys', { name: 'Deploy Script' }, kairosKey);
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ data: { id: expect.any(String), name: 'Deploy Script', key: expect.stringMatching(/^jrun_sk_[A-Za-z0-9_-]{20,}$/), created_at: iso } });
    key = made.body.data.key;

    const other = await call('POST', '/v1/api-keys', { name: 'CI/CD Pipeline' });
    expect(other.status).toBe(201);
    const list = await call('GET', '/v1/api-keys');
    expect(list.status).toBe(200);
    const mine = list.body.data.find((k: any) => k.id === made.body.data.id);
    expect(mine).toEqual({ id: made.body.data.id, name: 'Deploy Script', prefix: 'jrun_sk_', last_four: key.slice(-4), last_used_at: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'), created_at: iso });
    expect(JSON.stringify(list.body)).not.toContain(key);

    const revoked = await call('DELETE', `/v1/api-keys/${other.body.data.id}`);
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');
    const refused = await call('GET', '/v1/jobs', undefined, other.body.data.key);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), details: [] } });
    expect((await call('POST', '/v1/api-keys', {}, key)).status).toBe(400);
  });

  let production: any;
  let staging: any;
  it('spaces: create, list with job counts, update', async () => {
    const res = await call('POST', '/v1/spaces', { name: 'Production', timezone: 'UTC' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: { id: expect.stringMatching(/^sp_/), name: 'Production', timezone: 'UTC', status: 'active', job_count: 0, created_at: iso } });
    production = res.body.data;
    staging = (await call('POST', '/v1/spaces', { name: 'Staging', timezone: 'Europe/Stockholm' })).body.data;
    expect(staging.timezone).toBe('Europe/Stockholm');
    expect((await call('POST', '/v1/spaces', { name: 'x'.repeat(51) })).status).toBe(400);
    expect((await call('POST', '/v1/spaces', { name: 'Bad zone', timezone: 'Mars/Olympus' })).status).toBe(422);

    const list = await call('GET', '/v1/spaces');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual(
      expect.arrayContaining([
        { id: production.id, name: 'Production', timezone: 'UTC', status: 'active', job_count: 0, created_at: iso },
        expect.objectContaining({ id: staging.id, name: 'Staging', timezone: 'Europe/Stockholm' }),
      ]),
    );
    const renamed = await call('PATCH', `/v1/spaces/${production.id}`, { name: 'Production (EU)' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ data: { id: production.id, name: 'Production (EU)', timezone: 'UTC', status: 'active', job_count: 0, updated_at: iso } });
  });

  let nightly: any;
  let backup: any;
  it('POST /v1/jobs: the document\'s example, and the defaults', async () => {
    const res = await call('POST', '/v1/jobs', {
      name: 'Nightly Report Generator',
      cron_expression: '0 2 * * *',
      url: `${example}/reports/generate`,
      method: 'POST',
      timezone: 'Europe/Stockholm',
      timeout_sec: 120,
      retry_policy: 'exponential',
      retry_max: 3,
      retry_delay_sec: 30,
      tags: ['reports', 'nightly'],
      space_id: production.id,
      headers: { 'X-API-Key': 'your-service-key', 'X-Correlation-ID': 'jr-{{execution_id}}' },
      body: '{"format": "pdf", "recipients": ["team@example.com"]}',
      store_response_body: true,
    });
    expect(res.status).toBe(201);
    nightly = res.body.data;
    expect(res.body).toEqual({
      data: expect.objectContaining({
        id: expect.stringMatching(/^job_/),
        name: 'Nightly Report Generator',
        cron_expression: '0 2 * * *',
        url: `${example}/reports/generate`,
        method: 'POST',
        timezone: 'Europe/Stockholm',
        status: 'active',
        timeout_sec: 120,
        retry_policy: 'exponential',
        retry_max: 3,
        retry_delay_sec: 30,
        tags: ['reports', 'nightly'],
        space_id: production.id,
        headers: { 'X-API-Key': 'your-service-key', 'X-Correlation-ID': 'jr-{{execution_id}}' },
        body: '{"format": "pdf", "recipients": ["team@example.com"]}',
        store_response_body: true,
        next_run_at: iso,
        created_at: iso,
      }),
    });

    const minimal = await call('POST', '/v1/jobs', { name: 'Daily DB Backup', cron_expression: '0 3 * * *', url: `${example}/backup` });
    expect(minimal.status).toBe(201);
    backup = minimal.body.data;
    expect(backup).toMatchObject({ method: 'GET', timezone: 'UTC', timeout_sec: 30, retry_policy: 'none', retry_max: 0, retry_delay_sec: 60, tags: [], space_id: null, headers: {}, body: null, store_response_body: false });

    const inStaging = await call('POST', '/v1/jobs', { name: 'Staging ping', cron_expression: '*/5 * * * *', url: `${example}/ping`, space_id: staging.id });
    expect(inStaging.body.data.timezone).toBe('Europe/Stockholm');
  });

  it('refuses bad jobs: 400 for the shape, 422 for meaning, in its error shape', async () => {
    const missing = await call('POST', '/v1/jobs', { name: 'x', url: `${example}/x` });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: { code: 'validation_error', message: 'cron_expression is required', details: [{ field: 'cron_expression', issue: 'is required' }] } });
    const semantic = await call('POST', '/v1/jobs', { name: 'x', cron_expression: 'every day', url: `${example}/x` });
    expect(semantic.status).toBe(422);
    expect(semantic.body.error).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ field: 'cron_expression' })] });
    const cases: Array<[Record<string, unknown>, string, number]> = [
      [{ name: 'x'.repeat(101) }, 'name', 400],
      [{ timeout_sec: 0 }, 'timeout_sec', 400],
      [{ timeout_sec: 301 }, 'timeout_sec', 400],
      [{ retry_max: 11 }, 'retry_max', 400],
      [{ retry_policy: 'sometimes' }, 'retry_policy', 400],
      [{ method: 'HEAD' }, 'method', 400],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags', 400],
      [{ timezone: 'Nowhere/City' }, 'timezone', 422],
      [{ space_id: 'sp_unknown' }, 'space_id', 422],
      [{ url: 'ftp://files.example.com/x' }, 'url', 422],
    ];
    for (const [change, field, status] of cases) {
      const res = await call('POST', '/v1/jobs', { name: 'x', cron_expression: '0 3 * * *', url: `${example}/x`, ...change });
      expect(res.status, JSON.stringify(change)).toBe(status);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await call('GET', '/v1/jobs?per_page=101')).status).toBe(400);
    expect((await call('GET', '/v1/jobs?status=broken')).status).toBe(400);
  });

  it('an optional field sent as null is not given; a job\'s space_id and body take null to clear them', async () => {
    const made = await call('POST', '/v1/jobs', {
      name: 'Nulls',
      cron_expression: '0 3 * * *',
      url: `${example}/nulls`,
      method: 'POST',
      ...Object.fromEntries(['timezone', 'timeout_sec', 'retry_policy', 'retry_max', 'retry_delay_sec', 'tags', 'headers', 'store_response_body'].map((k) => [k, null])),
      space_id: staging.id,
      body: 'x',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.data).toMatchObject({ method: 'POST', timezone: 'Europe/Stockholm', timeout_sec: 30, retry_policy: 'none', retry_max: 0, retry_delay_sec: 60, tags: [], headers: {}, store_response_body: false, space_id: staging.id, body: 'x' });
    const id = made.body.data.id;
    const cleared = await call('PATCH', `/v1/jobs/${id}`, { space_id: null, body: null, name: null, timezone: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ name: 'Nulls', space_id: null, body: null, timezone: 'Europe/Stockholm' });
    const noName = await call('POST', '/v1/jobs', { name: null, cron_expression: '0 3 * * *', url: `${example}/nulls`, method: null });
    expect(noName.status).toBe(400);
    expect(noName.body.error).toMatchObject({ code: 'validation_error', message: 'name is required' });
    expect((await call('DELETE', `/v1/jobs/${id}`)).status).toBe(204);
  });

  it('answers every other error in its shape: 401, 404, malformed JSON, 413', async () => {
    const anonymous = await call('GET', '/v1/jobs', undefined, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), details: [] } });
    const unknown = await call('GET', '/v1/jobs/job_7kR3mNxQ2v');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const route = await call('GET', '/v1/nothing');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('not_found');
    const malformed = await call('POST', '/v1/jobs', '{"name": "x", "body": "{"format": "pdf"}"}');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const huge = await call('POST', '/v1/jobs', JSON.stringify({ name: 'x', body: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });

  it('holds each key to the scope its route declares: reads with read, writes with write, keys with admin; 403 otherwise', async () => {
    const native = new Api(t.server.url, kairosKey);
    const keyWith = async (scopes: string[]) => (await native.request('POST', '/v1/api-keys', { name: scopes.join('+'), scopes })).body.data.key as string;
    const [reader, writer] = [await keyWith(['read']), await keyWith(['write'])];
    expect((await call('GET', '/v1/jobs', undefined, reader)).status).toBe(200);
    for (const [method, path] of [['DELETE', '/v1/jobs/job_7kR3mNxQ2v'], ['POST', '/v1/jobs/job_7kR3mNxQ2v/run'], ['POST', '/v1/spaces/sp_7kR3mNxQ2v/pause']]) {
      const refused = await call(method!, path!, undefined, reader);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect((await call(method!, path!, undefined, writer)).status, `${method} ${path}`).toBe(404);
    }
    const keys = await call('GET', '/v1/api-keys', undefined, writer);
    expect(keys.status).toBe(403);
    expect(keys.body.error.code).toBe('forbidden');
    // Billing changes nothing here: any key may learn that it is not configured.
    expect((await call('POST', '/v1/billing/portal', undefined, reader)).status).toBe(501);
  });

  it('GET /v1/jobs?page=1&per_page=20&status=active: newest first, with filters and pages', async () => {
    const res = await call('GET', '/v1/jobs?page=1&per_page=20&status=active');
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ page: 1, per_page: 20, total: 3 });
    expect(res.body.data.map((j: any) => j.name)).toEqual(['Staging ping', 'Daily DB Backup', 'Nightly Report Generator']);
    expect((await call('GET', `/v1/jobs?space_id=${production.id}`)).body.data.map((j: any) => j.id)).toEqual([nightly.id]);
    const page2 = await call('GET', '/v1/jobs?page=2&per_page=2');
    expect(page2.body).toMatchObject({ meta: { page: 2, per_page: 2, total: 3 } });
    expect(page2.body.data).toHaveLength(1);
    expect((await call('GET', '/v1/jobs?status=paused')).body.meta.total).toBe(0);
    expect((await call('GET', '/v1/jobs?status=all')).body.meta.total).toBe(3);
  });

  it('GET /v1/jobs/:id answers the full job; PATCH changes what it names', async () => {
    const res = await call('GET', `/v1/jobs/${backup.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      id: backup.id,
      name: 'Daily DB Backup',
      cron_expression: '0 3 * * *',
      url: `${example}/backup`,
      method: 'GET',
      timezone: 'UTC',
      status: 'active',
      timeout_sec: 30,
      retry_policy: 'none',
      retry_max: 0,
      retry_delay_sec: 60,
      tags: [],
      space_id: null,
      headers: {},
      body: null,
      store_response_body: false,
      next_run_at: iso,
      last_run_at: null,
      last_status: null,
      last_duration_ms: null,
      last_status_code: null,
      created_at: iso,
      updated_at: iso,
    });
    const patched = await call('PATCH', `/v1/jobs/${backup.id}`, { cron_expression: '*/30 * * * *', timeout_sec: 60, tags: ['production', 'database', 'critical'] });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ id: backup.id, name: 'Daily DB Backup', cron_expression: '*/30 * * * *', timeout_sec: 60, tags: ['production', 'database', 'critical'], next_run_at: iso, updated_at: iso });
    expect(new Date(patched.body.data.next_run_at).getUTCMinutes() % 30).toBe(0);
    const retries = await call('PATCH', `/v1/jobs/${backup.id}`, { retry_policy: 'fixed', retry_max: 2 });
    expect(retries.body.data).toMatchObject({ retry_policy: 'fixed', retry_max: 2, retry_delay_sec: 60, cron_expression: '*/30 * * * *' });
  });

  it('run: answers a pending execution whose id is the one the run is recorded under, {{execution_id}} included', async () => {
    const res = await call('POST', `/v1/jobs/${nightly.id}/run`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { execution_id: expect.any(String), job_id: nightly.id, status: 'pending', triggered_by: 'manual', started_at: iso } });
    const executionId = res.body.data.execution_id;
    const arrival = await eventually(() => t.sink.arrivals.find((a) => a.path === '/reports/generate'), 10_000, 'the run');
    expect(arrival.headers['x-correlation-id']).toBe(`jr-${executionId}`);
    expect(arrival.body).toBe('{"format": "pdf", "recipients": ["team@example.com"]}');

    const list = await eventually(async () => {
      const r = await call('GET', `/v1/jobs/${nightly.id}/executions?page=1&per_page=5`);
      return r.body.data.length > 0 ? r : undefined;
    }, 10_000, 'the execution');
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({ page: 1, per_page: 5, total: 1 });
    expect(list.body.data[0]).toEqual({ id: executionId, job_id: nightly.id, status: 'success', status_code: 200, duration_ms: expect.any(Number), triggered_by: 'manual', response_body: '{"ok":true}', error: null, executed_at: iso });
    const job = await call('GET', `/v1/jobs/${nightly.id}`);
    expect(job.body.data).toMatchObject({ last_run_at: iso, last_status: 'success', last_status_code: 200, last_duration_ms: expect.any(Number) });
    expect((await call('POST', '/v1/jobs/job_7kR3mNxQ2v/run')).status).toBe(404);
  });

  it('an execution is one run however often it was retried: listed once, under the id run answered', async () => {
    const job = (await call('POST', '/v1/jobs', { name: 'Retried', cron_expression: '0 0 1 1 *', url: `${example}/fail/retried`, retry_policy: 'fixed', retry_max: 2, retry_delay_sec: 1 })).body.data;
    const executionId = (await call('POST', `/v1/jobs/${job.id}/run`)).body.data.execution_id;
    // /v1 lists every attempt.
    const native = new Api(t.server.url, key);
    const attempts = await eventually(async () => {
      const r = await native.request('GET', `/v1/jobs/${job.id}/executions`);
      return r.body.data.length === 3 ? r.body.data : undefined;
    }, 15_000, 'three attempts');
    const list = await call('GET', `/v1/jobs/${job.id}/executions`);
    expect(list.body.meta).toEqual({ page: 1, per_page: 20, total: 1 });
    expect(list.body.data).toEqual([expect.objectContaining({ id: executionId, job_id: job.id, status: 'failed', status_code: 503, triggered_by: 'manual', executed_at: attempts[0].startedAt })]);
    expect((await call('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);
  });

  it('a bodyless POST sent with Content-Type: application/json and no body is taken as no body', async () => {
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const job = (await call('POST', '/v1/jobs', { name: 'Wrapper', cron_expression: '0 0 1 1 *', url: `${example}/wrapper` })).body.data;
    const run = await fetch(`${base}/v1/jobs/${job.id}/run`, { method: 'POST', headers });
    expect(run.status).toBe(200);
    expect(((await run.json()) as any).data).toMatchObject({ job_id: job.id, status: 'pending' });
    await eventually(() => t.sink.arrivals.find((a) => a.path === '/wrapper'), 10_000, 'the run');
    expect((await fetch(`${base}/v1/jobs/${job.id}/pause`, { method: 'POST', headers })).status).toBe(200);
    // A paused job can still be run by hand.
    expect((await fetch(`${base}/v1/jobs/${job.id}/run`, { method: 'POST', headers })).status).toBe(200);
    await eventually(() => (t.sink.arrivals.filter((a) => a.path === '/wrapper').length === 2 ? true : undefined), 10_000, 'the manual run of the paused job');
    expect((await call('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);
    const portal = await fetch(`${base}/v1/billing/portal`, { method: 'POST', headers, body: '' });
    expect(portal.status).toBe(501);
    // A route that needs a body still says so, in its shape.
    const create = await fetch(`${base}/v1/jobs`, { method: 'POST', headers });
    expect(create.status).toBe(400);
    expect(((await create.json()) as any).error).toMatchObject({ code: 'invalid_json', message: 'The body is empty; send a JSON object.' });
    const text = await fetch(`${base}/v1/jobs`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'name=x' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as any).error.code).toBe('unsupported_media_type');
  });

  it('pause and resume, with 409 for pausing a paused job or resuming an active one', async () => {
    const paused = await call('POST', `/v1/jobs/${backup.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ data: { id: backup.id, status: 'paused', paused_at: iso } });
    const again = await call('POST', `/v1/jobs/${backup.id}/pause`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const resumed = await call('POST', `/v1/jobs/${backup.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toEqual({ data: { id: backup.id, status: 'active', next_run_at: iso, resumed_at: iso } });
    expect((await call('POST', `/v1/jobs/${backup.id}/resume`)).status).toBe(409);
  });

  it('sparklines: each job\'s last results as 1, 0 or -1', async () => {
    const res = await call('GET', '/v1/jobs/sparklines');
    expect(res.status).toBe(200);
    expect(res.body.data[nightly.id]).toEqual([1]);
    expect(res.body.data[backup.id]).toEqual([]);
  });

  it('bulk: pause, move to a space, and per-job errors', async () => {
    const ids = (await call('GET', '/v1/jobs')).body.data.map((j: any) => j.id);
    const paused = await call('POST', '/v1/jobs/bulk', { job_ids: ids, action: 'pause' });
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ data: { succeeded: 3, failed: 0, errors: [] } });
    const resumed = await call('POST', '/v1/jobs/bulk', { job_ids: [...ids, 'job_2bH5sKzP6q'], action: 'resume' });
    expect(resumed.body.data).toEqual({ succeeded: 3, failed: 1, errors: [{ job_id: 'job_2bH5sKzP6q', code: 'not_found', message: expect.any(String) }] });
    const moved = await call('POST', '/v1/jobs/bulk', { job_ids: [nightly.id, backup.id], action: 'move_to_space', space_id: staging.id });
    expect(moved.body.data).toEqual({ succeeded: 2, failed: 0, errors: [] });
    expect((await call('GET', `/v1/jobs/${backup.id}`)).body.data.space_id).toBe(staging.id);
    expect((await call('POST', '/v1/jobs/bulk', { job_ids: ids, action: 'move_to_space' })).status).toBe(422);

    expect((await call('POST', '/v1/jobs/bulk', { job_ids: [nightly.id], action: 'add_tags', tags: ['eu', 'reports'] })).body.data).toEqual({ succeeded: 1, failed: 0, errors: [] });
    expect((await call('GET', `/v1/jobs/${nightly.id}`)).body.data.tags).toEqual(['reports', 'nightly', 'eu']);
    expect((await call('POST', '/v1/jobs/bulk', { job_ids: [nightly.id], action: 'remove_tags', tags: ['eu'] })).body.data.succeeded).toBe(1);
    expect((await call('GET', `/v1/jobs/${nightly.id}`)).body.data.tags).toEqual(['reports', 'nightly']);
    const noTags = await call('POST', '/v1/jobs/bulk', { job_ids: [nightly.id], action: 'add_tags' });
    expect(noTags.status).toBe(422);
    expect(noTags.body.error.details).toEqual([{ field: 'tags', issue: expect.any(String) }]);
    const doomed = (await call('POST', '/v1/jobs', { name: 'Doomed', cron_expression: '0 0 1 1 *', url: `${example}/doomed` })).body.data;
    expect((await call('POST', '/v1/jobs/bulk', { job_ids: [doomed.id], action: 'delete' })).body.data).toEqual({ succeeded: 1, failed: 0, errors: [] });
    expect((await call('GET', `/v1/jobs/${doomed.id}`)).status).toBe(404);
    expect((await call('POST', '/v1/jobs/bulk', { job_ids: Array.from({ length: 101 }, (_, i) => `job_${i}`), action: 'pause' })).status).toBe(400);
  });

  it('space pause and resume answer the jobs they touched; a space with jobs cannot be deleted', async () => {
    const paused = await call('POST', `/v1/spaces/${staging.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ data: { id: staging.id, status: 'paused', jobs_paused: 3, paused_at: iso } });
    expect((await call('GET', '/v1/spaces')).body.data.find((s: any) => s.id === staging.id)).toMatchObject({ status: 'paused', job_count: 3 });
    const resumed = await call('POST', `/v1/spaces/${staging.id}/resume`);
    expect(resumed.body).toEqual({ data: { id: staging.id, status: 'active', jobs_resumed: 3, resumed_at: iso } });
    // A job paused on its own before the space was stays paused when the space resumes.
    expect((await call('POST', `/v1/jobs/${backup.id}/pause`)).status).toBe(200);
    expect((await call('POST', `/v1/spaces/${staging.id}/pause`)).body.data.jobs_paused).toBe(2);
    expect((await call('POST', `/v1/spaces/${staging.id}/resume`)).body.data.jobs_resumed).toBe(2);
    expect((await call('GET', `/v1/jobs/${backup.id}`)).body.data.status).toBe('paused');
    expect((await call('GET', `/v1/jobs/${nightly.id}`)).body.data.status).toBe('active');
    expect((await call('POST', `/v1/jobs/${backup.id}/resume`)).status).toBe(200);
    const busy = await call('DELETE', `/v1/spaces/${staging.id}`);
    expect(busy.status).toBe(409);
    const empty = await call('DELETE', `/v1/spaces/${production.id}`);
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
  });

  let webhook: any;
  it('alert channels: the document\'s four kinds, listed and tested', async () => {
    const slack = await call('POST', '/v1/alerts/channels', { type: 'slack', name: 'Engineering Alerts', config: { webhook_url: `${example}/services/T00/B00/xxx` } });
    expect(slack.status).toBe(201);
    expect(slack.body).toEqual({ data: { id: expect.stringMatching(/^ch_/), type: 'slack', name: 'Engineering Alerts', config: { webhook_url: expect.any(String) }, created_at: iso } });
    const discord = await call('POST', '/v1/alerts/channels', { type: 'discord', name: 'DevOps Discord', config: { webhook_url: `${example}/api/webhooks/1234567890/abcdef` } });
    expect(discord.status).toBe(201);
    const email = await call('POST', '/v1/alerts/channels', { type: 'email', name: 'On-Call Team', config: { addresses: ['oncall@example.com', 'cto@example.com'] } });
    expect(email.status).toBe(201);
    expect(email.body.data.config).toEqual({ addresses: ['oncall@example.com', 'cto@example.com'] });
    const hook = await call('POST', '/v1/alerts/channels', { type: 'webhook', name: 'PagerDuty Integration', config: { url: receiver.url, headers: { 'Content-Type': 'application/json' }, secret } });
    expect(hook.status).toBe(201);
    webhook = hook.body.data;
    expect(webhook.config).toMatchObject({ url: expect.any(String), headers: { 'Content-Type': expect.any(String) }, secret: expect.any(String) });
    expect(webhook.config.secret).not.toBe(secret);

    const bad = await call('POST', '/v1/alerts/channels', { type: 'slack', name: 'No URL', config: {} });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe('config.webhook_url');
    expect((await call('POST', '/v1/alerts/channels', { type: 'pager', name: 'x', config: {} })).status).toBe(400);

    const list = await call('GET', '/v1/alerts/channels');
    expect(list.body.data.map((c: any) => c.type).sort()).toEqual(['discord', 'email', 'slack', 'webhook']);

    const tested = await call('POST', `/v1/alerts/channels/${slack.body.data.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toEqual({ data: { channel_id: slack.body.data.id, status: 'delivered', message: 'Test notification sent successfully' } });
    const failing = await call('POST', '/v1/alerts/channels', { type: 'discord', name: 'Broken', config: { webhook_url: `${example}/fail/discord` } });
    const failed = await call('POST', `/v1/alerts/channels/${failing.body.data.id}/test`);
    expect(failed.body.data).toMatchObject({ channel_id: failing.body.data.id, status: 'failed', message: expect.stringContaining('503') });
    // The signed test event passes the document's receiver.
    expect((await call('POST', `/v1/alerts/channels/${webhook.id}/test`)).body.data.status).toBe('delivered');

    for (const c of [slack, discord, email, failing]) expect((await call('DELETE', `/v1/alerts/channels/${c.body.data.id}`)).status).toBe(204);
    expect((await call('DELETE', '/v1/alerts/channels/ch_sL3kNm9wR2')).status).toBe(404);
  });

  it('signed events reach the document\'s receiver: job.executed, job.failed, job.recovered', async () => {
    // A second channel with another secret: the receiver must refuse what it signs.
    const wrong = await call('POST', '/v1/alerts/channels', { type: 'webhook', name: 'Wrong secret', config: { url: receiver.url, secret: 'another secret' } });
    expect(wrong.status).toBe(201);
    // And a copy at the sink, to read the envelope as sent.
    const copy = await call('POST', '/v1/alerts/channels', { type: 'webhook', name: 'Copy', config: { url: `${example}/events`, secret } });
    expect(copy.status).toBe(201);
    const job = await call('POST', '/v1/jobs', { name: 'Flaky Sync', cron_expression: '0 0 1 1 *', url: `${example}/fail/sync` });
    const jobId = job.body.data.id;
    const run = await call('POST', `/v1/jobs/${jobId}/run`);
    const executionId = run.body.data.execution_id;
    await eventually(() => receiver.output.find((l) => l.startsWith('Job Flaky Sync failed:')), 15_000, 'the receiver to log the failure');
    expect(receiver.output).toContain('Received event: job.executed');
    expect(receiver.output).toContain('Received event: job.failed');

    const native = new Api(t.server.url, key);
    const notices = await eventually(async () => {
      const r = await native.request('GET', `/v1/alerts/notices?jobId=${jobId}&perPage=100`);
      const settled = r.body.data.filter((n: any) => n.status !== 'pending');
      return settled.length >= 4 ? r.body.data : undefined;
    }, 15_000, 'the notices to settle');
    const accepted = notices.filter((n: any) => n.channelId === webhook.id);
    expect(accepted.map((n: any) => n.event).sort()).toEqual(['job.executed', 'job.failed']);
    for (const n of accepted) expect(n.status).toBe('delivered');
    const refused = notices.filter((n: any) => n.channelId === wrong.body.data.id && n.attempts > 0);
    expect(refused.length).toBeGreaterThan(0);
    for (const n of refused) expect(n.lastAttempt.statusCode).toBe(401);

    const sent = await eventually(() => t.sink.arrivals.find((a) => a.path === '/events' && a.body.includes('"job.failed"')), 10_000, 'the copy');
    expect(sent.headers['x-justrun-signature']).toBe(`sha256=${createHmac('sha256', secret).update(sent.body).digest('hex')}`);
    expect(JSON.parse(sent.body)).toEqual({
      id: expect.any(String),
      type: 'job.failed',
      created_at: iso,
      data: { job_id: jobId, job_name: 'Flaky Sync', execution_id: executionId, status_code: 503, duration_ms: expect.any(Number), error: expect.any(String), executed_at: iso },
    });

    await call('PATCH', `/v1/jobs/${jobId}`, { url: `${example}/ok/sync` });
    await call('POST', `/v1/jobs/${jobId}/run`);
    await eventually(() => receiver.output.find((l) => l === 'Job Flaky Sync recovered'), 15_000, 'the receiver to log the recovery');

    // The envelope as the document shows it: execution_id names the run `run` answered.
    const failures = (await native.request('GET', `/v1/alerts/notices?jobId=${jobId}&perPage=100`)).body.data;
    expect(failures.some((n: any) => n.event === 'job.failed' && n.statusCode === 503)).toBe(true);
    for (const c of [wrong, copy]) expect((await call('DELETE', `/v1/alerts/channels/${c.body.data.id}`)).status).toBe(204);
  });

  it('a channel made here is a channel and a project-wide rule in /v1', async () => {
    const native = new Api(t.server.url, key);
    const rules = await native.request('GET', '/v1/alerts/rules');
    const rule = rules.body.data.find((r: any) => r.channelIds.includes(webhook.id));
    expect(rule).toMatchObject({ jobId: null, spaceId: null, tag: null, events: ['job.failed', 'job.recovered', 'job.executed'], consecutiveFailuresThreshold: 1, cooldownMinutes: 0 });
    expect((await native.request('GET', `/v1/alerts/channels/${webhook.id}`)).body.data.config.format).toBe('justrun');
  });

  it('billing: usage for the calendar month; checkout and portal are not configured', async () => {
    const usage = await call('GET', '/v1/billing/usage');
    expect(usage.status).toBe(200);
    const now = new Date();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
    expect(usage.body).toEqual({
      data: {
        plan: 'unlimited',
        billing_period: { start, end: expect.stringMatching(/T23:59:59/) },
        jobs: { used: 4, limit: null },
        executions: { used: expect.any(Number), limit: null },
        ai_diagnoses: { used: 0, limit: null, resets_at: iso },
      },
    });
    expect(usage.body.data.executions.used).toBeGreaterThanOrEqual(3);
    const checkout = await call('POST', '/v1/billing/checkout', { price_id: 'price_maker_monthly' });
    expect(checkout.status).toBe(501);
    expect(checkout.body).toEqual({ error: { code: 'billing_not_configured', message: expect.any(String), details: [] } });
    const portal = await call('POST', '/v1/billing/portal');
    expect(portal.status).toBe(501);
    expect(portal.body.error.code).toBe('billing_not_configured');
  });

  it('badges are public SVGs', async () => {
    for (const kind of ['status', 'uptime']) {
      const res = await fetch(`${base}/badges/${nightly.id}/${kind}.svg`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/image\/svg\+xml/);
      expect(await res.text()).toMatch(/^<svg/);
    }
    expect(await (await fetch(`${base}/badges/${nightly.id}/status.svg`)).text()).toContain('passing');
  });

  it('every answer carries X-RateLimit-Limit, -Remaining and -Reset (Unix seconds)', async () => {
    const res = await call('GET', '/v1/jobs');
    expect(Number(res.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(reset).toBeLessThan(Date.now() / 1000 + 3600);
  });

  it('jobs, spaces and keys made here are Kairos ones, visible in /v1', async () => {
    const native = new Api(t.server.url, kairosKey);
    expect((await native.request('GET', `/v1/jobs/${nightly.id}`)).body.data).toMatchObject({ id: nightly.id, name: 'Nightly Report Generator', spaceId: staging.id });
    expect((await native.request('GET', `/v1/spaces/${staging.id}`)).status).toBe(200);
    const keys = await native.request('GET', '/v1/api-keys');
    expect(keys.body.data.some((k: any) => k.prefix === 'jrun_sk_' && k.name === 'Deploy Script')).toBe(true);
    const del = await call('DELETE', `/v1/jobs/${backup.id}`);
    expect(del.status).toBe(204);
    expect((await native.request('GET', `/v1/jobs/${backup.id}`)).status).toBe(404);
  });
});

describe('JustRun API with per-plan rate limits', () => {
  // JustRun's Free row: 60 requests and 5 runs a minute.
  const plans = parsePlans(JSON.stringify({ free: { requestsPerMinute: 60, runNowPerMinute: 5 } }));
  const t = useTestServer('sqlite', { project: 'limited', config: { plans, defaultPlan: plans.get('free')! } });

  it('counts general requests and runs by the plan, and answers 429 with retry_after', async () => {
    const { api: native, sink, server } = t;
    const key = native.key!;
    const job = await native.createJob({ name: 'limited', url: `${sink.url}/x`, schedule: { type: 'cron', expression: '0 0 1 1 *' }, retryPolicy: { maxRetries: 0 } });
    const base = `${server.url}/compat/justrun/v1`;
    const headers = { authorization: `Bearer ${key}` };
    const list = await fetch(`${base}/jobs`, { headers });
    expect(list.headers.get('x-ratelimit-limit')).toBe('60');
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base}/jobs/${job.id}/run`, { method: 'POST', headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
    }
    const refused = await fetch(`${base}/jobs/${job.id}/run`, { method: 'POST', headers });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limit_exceeded', message: `Too many requests. Please retry after ${retryAfter} seconds.`, retry_after: retryAfter } });
    // Other requests have their own allowance.
    expect((await fetch(`${base}/jobs/${job.id}`, { headers })).status).toBe(200);
  });
});

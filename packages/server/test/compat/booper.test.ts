import { beforeAll, describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { idOfUuid } from '../../src/api/compat/ids.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/retry.js';
import { eventually, useServer, useTestServer } from '../support/server.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const nativeId = (id: string) => idOfUuid('job', id)!;

/** Every field of the documented answer, with its type. */
function expectBooperJob(data: any) {
  expect(Object.keys(data).sort()).toEqual(['args', 'description', 'id', 'idempotency_key', 'inserted_at', 'job', 'job_id', 'name', 'schedule_id', 'user_id'].sort());
  expect(data.id).toMatch(uuid);
  expect(data.user_id).toMatch(uuid);
  expect(data.inserted_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  expect(data.idempotency_key === null || typeof data.idempotency_key === 'string').toBe(true);
  expect(data.schedule_id === null || uuid.test(data.schedule_id)).toBe(true);
  expect(Number.isSafeInteger(data.job_id)).toBe(true);
  expect(Object.keys(data.job).sort()).toEqual(['attempted_at', 'cancelled_at', 'completed_at', 'discarded_at', 'has_confict', 'id', 'inserted_at', 'scheduled_at', 'state'].sort());
  expect(data.job.id).toBe(data.job_id);
  expect(typeof data.job.has_confict).toBe('boolean');
  expect(['available', 'scheduled', 'executing', 'retryable', 'completed', 'discarded', 'cancelled']).toContain(data.job.state);
  expect(data.job.inserted_at).toMatch(iso);
  // Null only for a recurring job stopped before its first run.
  expect(data.job.scheduled_at === null ? data.schedule_id : data.job.scheduled_at).toMatch(data.job.scheduled_at === null ? uuid : iso);
  for (const f of ['attempted_at', 'cancelled_at', 'completed_at', 'discarded_at']) expect(data.job[f] === null || iso.test(data.job[f])).toBe(true);
  expect(Object.keys(data.args)).toEqual(expect.arrayContaining(['body', 'headers', 'method', 'url']));
}

describe.each(databaseKinds)('Booper dialect on %s', (kind) => {
  const t = useTestServer(kind);
  /** Booper's base URL (the document's https://scheduler.booper.dev), the key sent with `Bearer `. */
  let booper: Api;
  beforeAll(() => {
    booper = new Api(`${t.server.url}/compat/booper`, t.api.key);
  });

  const arrivals = (path: string) => t.sink.arrivals.filter((a) => a.path === path);

  it("answers the document's request with the documented object, and cancels it", async () => {
    // The document's curl, with the host replaced and the project's key for its sk_public_… key.
    const res = await fetch(`${t.server.url}/compat/booper/api/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${t.api.key}` },
      body: `{
    "method": "post",
    "url": "https://scheduler.booper.dev/api/broadcast",
    "body": {"content": "Testing 123", "channel": "discord"},
    "schedule_in": [30, "seconds"]
}`,
    });
    expect(res.status).toBe(201);
    const { data } = (await res.json()) as any;
    expectBooperJob(data);
    expect(data).toMatchObject({
      idempotency_key: null,
      name: null,
      description: null,
      schedule_id: null,
      args: { body: { content: 'Testing 123', channel: 'discord' }, headers: {}, method: 'post', schedule_in: [30, 'seconds'], url: 'https://scheduler.booper.dev/api/broadcast', query: {} },
    });
    expect(data.job).toMatchObject({ attempted_at: null, cancelled_at: null, completed_at: null, discarded_at: null, has_confict: false, state: 'scheduled' });
    const due = new Date(data.job.scheduled_at).getTime() - new Date(data.job.inserted_at).getTime();
    expect(due).toBeGreaterThanOrEqual(29_000);
    expect(due).toBeLessThanOrEqual(30_500);

    // It would reach scheduler.booper.dev in 30 s; tests only talk to loopback.
    const cancelled = await booper.request('DELETE', `/api/jobs/${data.id}`);
    expect(cancelled.status).toBe(200);
    expectBooperJob(cancelled.body.data);
    expect(cancelled.body.data.job.state).toBe('cancelled');
    expect(cancelled.body.data.job.cancelled_at).toMatch(iso);
    expect((await booper.request('GET', `/api/jobs/${data.id}`)).body.data.job.state).toBe('cancelled');
    const twice = await booper.request('DELETE', `/api/jobs/${data.id}`, undefined, { 'content-type': 'application/json' });
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual({ errors: { detail: `Job ${data.id} is already cancelled.` } });
    const native = await t.api.request('GET', `/v1/jobs/${nativeId(data.id)}`);
    expect(native.body.data).toMatchObject({ status: 'cancelled', method: 'POST', payload: { content: 'Testing 123', channel: 'discord' }, retryPolicy: DEFAULT_RETRY_POLICY });
  });

  it('takes the key in Authorization with or without Bearer; any project key works', async () => {
    const bare = new Api(`${t.server.url}/compat/booper`);
    const body = { url: 'https://example.com/x', schedule_in: 3600 };
    expect((await bare.request('POST', '/api/jobs', body, { authorization: t.api.key! })).status).toBe(201);
    const none = await bare.request('POST', '/api/jobs', body);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ errors: { detail: expect.any(String) } });
    const wrong = await bare.request('POST', '/api/jobs', body, { authorization: 'sk_public_20230921' });
    expect(wrong.status).toBe(401);
    const reader = await t.api.request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    const asReader = new Api(`${t.server.url}/compat/booper`, reader.body.data.key);
    expect((await asReader.request('POST', '/api/jobs', body)).status).toBe(403);
    const made = await booper.request('POST', '/api/jobs', body);
    expect((await asReader.request('GET', `/api/jobs/${made.body.data.id}`)).status).toBe(200);
    // Another project's key works for that project's jobs, and sees none of this one's.
    const other = new Api(t.server.url);
    await other.register('other');
    const theirs = new Api(`${t.server.url}/compat/booper`, other.key);
    expect((await theirs.request('POST', '/api/jobs', body)).status).toBe(201);
    const hidden = await theirs.request('GET', `/api/jobs/${made.body.data.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ errors: { detail: expect.any(String) } });
  });

  it('takes every schedule form of the Body list', async () => {
    const make = async (fields: Record<string, unknown>) => {
      const r = await booper.request('POST', '/api/jobs', { url: 'https://example.com/s', ...fields });
      expect(r.status, JSON.stringify(fields)).toBe(201);
      expectBooperJob(r.body.data);
      return r.body.data;
    };
    const delay = (d: any) => new Date(d.job.scheduled_at).getTime() - Date.now();
    expect(delay(await make({ schedule_in: 120 }))).toBeGreaterThan(115_000);
    expect(delay(await make({ schedule_in: [5, 'minutes'] }))).toBeGreaterThan(295_000);
    expect(delay(await make({ schedule_in: [1, 'hour'] }))).toBeGreaterThan(3_595_000);
    expect(delay(await make({ schedule_in: [2, 'days'] }))).toBeGreaterThan(2 * 86_400_000 - 5_000);
    expect(delay(await make({ schedule_in: [1, 'week'] }))).toBeGreaterThan(7 * 86_400_000 - 5_000);
    expect((await make({ scheduled_at: '2030-01-31T09:00:00Z' })).job.scheduled_at).toBe('2030-01-31T09:00:00.000Z');
    expect((await make({ scheduled_at: '2030-01-31T09:00:00' })).job.scheduled_at).toBe('2030-01-31T09:00:00.000Z');
    expect((await make({ scheduled_at: 1_900_000_000 })).job.scheduled_at).toBe(new Date(1_900_000_000_000).toISOString());
    const every = await make({ repeat_every: [5, 'minutes'] });
    expect(every.schedule_id).toBe(every.id);
    expect((await t.api.request('GET', `/v1/jobs/${nativeId(every.id)}`)).body.data.schedule).toEqual({ type: 'interval', every: 300_000, timezone: 'UTC' });
    const cron = await make({ cron: '0 9 * * 1-5' });
    expect(cron.job.scheduled_at).toMatch(/T09:00:00\.000Z$/);
    expect([1, 2, 3, 4, 5]).toContain(new Date(cron.job.scheduled_at).getUTCDay());
    expect((await booper.request('GET', `/api/jobs/${cron.id}`)).body.data.args).toMatchObject({ cron: '0 9 * * 1-5', method: 'get' });
    // No schedule: at once.
    expect(delay(await make({ url: `${t.sink.url}/now` }))).toBeLessThan(1_000);
    await eventually(() => arrivals('/now')[0]);
    expect(arrivals('/now')[0]!.method).toBe('GET');
    // A scheduled_at already past (a client's "now", a second old on arrival): at once, as Oban runs an overdue job.
    const overdue = await make({ url: `${t.sink.url}/overdue`, scheduled_at: Math.floor(Date.now() / 1000) - 1 });
    expect(delay(overdue)).toBeLessThan(1_000);
    expect(overdue.args.scheduled_at).toBeLessThan(Date.now() / 1000);
    await eventually(() => arrivals('/overdue')[0]);
  });

  it('reads a field sent as null as not given, as its changesets read nil', async () => {
    const fields = ['method', 'query', 'body', 'headers', 'schedule_in', 'scheduled_at', 'cron', 'idempotency_key', 'callback_url', 'webhook_url', 'name', 'description'];
    const r = await booper.request('POST', '/api/jobs', { url: 'https://example.com/nil', repeat_every: 3600, ...Object.fromEntries(fields.map((f) => [f, null])) });
    expect(r.status).toBe(201);
    expectBooperJob(r.body.data);
    expect(r.body.data).toMatchObject({ idempotency_key: null, name: null, args: { method: 'get', headers: {}, query: {}, body: null, repeat_every: 3600 } });
    expect((await t.api.request('GET', `/v1/jobs/${nativeId(r.body.data.id)}`)).body.data).toMatchObject({ method: 'GET', schedule: { type: 'interval', every: 3_600_000 }, callbackUrl: null, eventsUrl: null });
  });

  it('passes method (any case), query, headers and body through', async () => {
    const r = await booper.request('POST', '/api/jobs', { method: 'PUT', url: `${t.sink.url}/through`, query: { page: 2, q: 'x y' }, headers: { 'X-Token': 'abc' }, body: { a: [1, 2] } });
    expect(r.status).toBe(201);
    expect(r.body.data.args).toMatchObject({ method: 'put', query: { page: 2, q: 'x y' }, headers: { 'X-Token': 'abc' }, body: { a: [1, 2] } });
    const a = await eventually(() => arrivals('/through?page=2&q=x+y')[0]);
    expect(a.method).toBe('PUT');
    expect(a.headers['x-token']).toBe('abc');
    expect(a.headers['content-type']).toBe('application/json');
    expect(JSON.parse(a.body)).toEqual({ a: [1, 2] });
  });

  it('refuses what its document rules out, as { errors: { field: [issue] } } with 422', async () => {
    const bad = async (fields: Record<string, unknown>, field: string, issue: RegExp) => {
      const r = await booper.request('POST', '/api/jobs', fields);
      expect(r.status, JSON.stringify(fields)).toBe(422);
      expect(Object.keys(r.body)).toEqual(['errors']);
      expect(r.body.errors[field]?.[0], JSON.stringify(r.body)).toMatch(issue);
      expect(r.body.errors[field], JSON.stringify(r.body)).toHaveLength(1);
    };
    await bad({ url: 'http://example.com/plain' }, 'url', /must use https/);
    await bad({ url: 'https://example.com/x', callback_url: 'http://example.com/cb' }, 'callback_url', /must use https/);
    await bad({ url: 'https://example.com/x', webhook_url: 'http://example.com/ev' }, 'webhook_url', /must use https/);
    await bad({ url: 'https://10.1.2.3/x' }, 'url', /public address/);
    await bad({ url: 'https://example.com/x', method: 'fetch' }, 'method', /must be one of get, post, put, patch, delete/);
    await bad({ url: 'https://example.com/x', schedule_in: [5, 'fortnights'] }, 'schedule_in', /unit must be one of/);
    await bad({ url: 'https://example.com/x', schedule_in: -1 }, 'schedule_in', /0 or more/);
    await bad({ url: 'https://example.com/x', scheduled_at: 'tomorrow' }, 'scheduled_at', /datetime string/);
    // A wrong type or an out-of-range number, each told in Booper's units, once per field.
    await bad({ url: 'https://example.com/x', schedule_in: '30' }, 'schedule_in', /^must be a number of seconds or a tuple such as \[5, "minutes"\]$/);
    await bad({ url: 'https://example.com/x', schedule_in: [30, 'seconds', 1] }, 'schedule_in', /^must be a number of seconds or a tuple/);
    await bad({ url: 'https://example.com/x', repeat_every: 1e300 }, 'repeat_every', /^is too long$/);
    await bad({ url: 'https://example.com/x', schedule_in: [1e12, 'weeks'] }, 'schedule_in', /^is too long$/);
    await bad({ url: 'https://example.com/x', scheduled_at: true }, 'scheduled_at', /^must be a datetime string .* or a Unix timestamp in seconds$/);
    await bad({ url: 'https://example.com/x', scheduled_at: 1e15 }, 'scheduled_at', /^must be a datetime string .* or a Unix timestamp in seconds$/);
    await bad({ url: 'https://example.com/x', name: 5 }, 'name', /^must be string or null$/);
    await bad({ url: 'https://example.com/x', description: 'd'.repeat(2001) }, 'description', /^must NOT have more than 2000 characters$/);
    await bad({ url: 'https://example.com/x', query: { a: { b: 1 } } }, 'query.a', /^must be string or number or boolean$/);
    await bad({ url: 'https://example.com/x', repeat_every: [0, 'seconds'] }, 'repeat_every', /at least 1s/);
    await bad({ url: 'https://example.com/x', cron: '61 * * * *' }, 'cron', /out of range/);
    await bad({ url: 'https://example.com/x', schedule_in: 5, cron: '* * * * *' }, 'cron', /cannot be combined with schedule_in/);
    await bad({ url: 'https://example.com/x', body: { a: 1 } }, 'body', /cannot be sent with GET/);
    await bad({ url: 'https://example.com/x', method: 'post', body: { b: 'x'.repeat(300 * 1024) } }, 'body', /at most 262144 bytes/);
    await bad({ url: 'https://example.com/x', headers: { 'Content-Length': '1' } }, 'headers.Content-Length', /set by Kairos/);
    await bad({}, 'url', /is required/);
    await bad({ url: 'https://example.com/x', priority: 1 }, 'priority', /not a known field/);
  });

  it('answers other failures as { errors: { detail } }: 404, malformed JSON, another media type, a body too large', async () => {
    const missing = await booper.request('GET', '/api/jobs/41d7f28b-dfbe-44b8-b716-b91898bb0ce0');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: { detail: expect.any(String) } });
    const escape = await booper.request('GET', '/api/jobs/%zz');
    expect(escape.status).toBe(400);
    expect(escape.body).toEqual({ errors: { detail: 'The URL path is not valid (check its %-escapes).' } });
    const long = await booper.request('DELETE', `/api/jobs/${'a'.repeat(101)}`);
    expect(long.status).toBe(414);
    expect(long.body).toEqual({ errors: { detail: expect.any(String) } });
    const route = await booper.request('GET', '/api/schedules');
    expect(route.status).toBe(404);
    expect(route.body).toEqual({ errors: { detail: 'No route for GET /compat/booper/api/schedules.' } });
    const malformed = await booper.request('POST', '/api/jobs', '{"url":', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.detail).toMatch(/not valid JSON/);
    const text = await booper.request('POST', '/api/jobs', 'url', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body).toEqual({ errors: { detail: 'Send the body as application/json.' } });
    const huge = await booper.request('POST', '/api/jobs', { url: 'https://example.com/x', method: 'post', body: { b: 'x'.repeat(1200 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.errors.detail).toMatch(/larger than/);
  });

  it('answers a repeated idempotency_key with the first job until it has run, then makes a new one', async () => {
    const body = { url: `${t.sink.url}/idem`, method: 'post', body: { n: 1 }, idempotency_key: 'welcome-1', schedule_in: 1 };
    const first = await booper.request('POST', '/api/jobs', body);
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ idempotency_key: 'welcome-1', job: { has_confict: false } });
    const second = await booper.request('POST', '/api/jobs', { ...body, body: { n: 2 } });
    expect(second.status).toBe(200);
    expect(second.body.data).toMatchObject({ id: first.body.data.id, idempotency_key: 'welcome-1', job: { has_confict: true }, args: { body: { n: 1 } } });
    // A read shows the key the job was made with, like the create's answer.
    expect((await booper.request('GET', `/api/jobs/${first.body.data.id}`)).body.data.idempotency_key).toBe('welcome-1');
    await eventually(() => arrivals('/idem')[0]);
    await eventually(async () => ((await booper.request('GET', `/api/jobs/${first.body.data.id}`)).body.data.job.state === 'completed' ? true : undefined));
    const third = await booper.request('POST', '/api/jobs', { ...body, body: { n: 3 } });
    expect(third.status).toBe(201);
    expect(third.body.data.id).not.toBe(first.body.data.id);
    const fourth = await booper.request('POST', '/api/jobs', { ...body, body: { n: 4 } });
    expect(fourth.body.data).toMatchObject({ id: third.body.data.id, job: { has_confict: true } });
    expect((await booper.request('GET', `/api/jobs/${third.body.data.id}`)).body.data.idempotency_key).toBe('welcome-1');
  });

  it('carries $state from run to run, fills $previous and $job, and posts events and the callback in order', async () => {
    let n = 0;
    t.sink.respond = (a) => (a.path === '/poll' ? { status: 200, headers: { 'content-type': 'application/json', 'kairos-state': JSON.stringify({ cursor: ++n }) }, body: JSON.stringify({ page: n }) } : {});
    const r = await booper.request('POST', '/api/jobs', {
      method: 'post',
      url: `${t.sink.url}/poll`,
      body: { cursor: '$state', previous: '$previous', job: '$job' },
      repeat_every: [1, 'second'],
      callback_url: `${t.sink.url}/callback`,
      webhook_url: `${t.sink.url}/events`,
      name: 'poller',
      description: 'pages through a feed',
    });
    expect(r.status).toBe(201);
    expect(r.body.data).toMatchObject({ name: 'poller', description: 'pages through a feed', args: { repeat_every: [1, 'second'] } });
    const firstNumber = r.body.data.job_id;
    await eventually(() => (arrivals('/poll').length >= 3 && arrivals('/callback').length >= 2 ? true : undefined), 15_000, 'three runs');
    const bodies = arrivals('/poll').map((a) => JSON.parse(a.body));
    expect(bodies[0]).toMatchObject({ cursor: null, previous: null, job: { id: nativeId(r.body.data.id), name: 'poller' } });
    expect(bodies[1]).toMatchObject({ cursor: { cursor: 1 }, previous: { status: 'success', statusCode: 200, body: { page: 1 } } });
    expect(bodies[2]).toMatchObject({ cursor: { cursor: 2 }, previous: { body: { page: 2 } } });

    const events = await eventually(() => (arrivals('/events').length >= 8 ? arrivals('/events').map((a) => JSON.parse(a.body)) : undefined));
    expect(events.slice(0, 8).map((e) => e.type)).toEqual(['job.started', 'job.request', 'job.response', 'job.finished', 'job.started', 'job.request', 'job.response', 'job.finished']);
    expect(events[0].data.runId).toBe(events[3].data.runId);
    expect(events[4].data.runId).not.toBe(events[0].data.runId);
    const callbacks = arrivals('/callback').map((a) => JSON.parse(a.body));
    expect(callbacks[0]).toMatchObject({ status: 'success', statusCode: 200, responseBody: JSON.stringify({ page: 1 }), runId: events[0].data.runId });
    expect(callbacks[1]).toMatchObject({ responseBody: JSON.stringify({ page: 2 }), runId: events[4].data.runId });

    // Each run has its own integer job_id.
    const now = (await booper.request('GET', `/api/jobs/${r.body.data.id}`)).body.data;
    expectBooperJob(now);
    expect(now.schedule_id).toBe(r.body.data.id);
    expect(now.job_id).not.toBe(firstNumber);
    await booper.request('DELETE', `/api/jobs/${r.body.data.id}`);
    t.sink.respond = () => ({});
  });

  it('posts job.error when the request cannot be made, then the callback with the error', async () => {
    // Nothing listens on port 1 of loopback: the connection is refused. No retries (set through /v1
    // before the run is due), so the callback reports the run as given up.
    const r = await booper.request('POST', '/api/jobs', { method: 'post', url: 'http://127.0.0.1:1/refused', body: { n: 1 }, schedule_in: 1, webhook_url: `${t.sink.url}/error-events`, callback_url: `${t.sink.url}/error-callback` });
    expect(r.status).toBe(201);
    expect((await t.api.request('PATCH', `/v1/jobs/${nativeId(r.body.data.id)}`, { retryPolicy: { maxRetries: 0, strategy: 'none' } })).status).toBe(200);
    const events = await eventually(() => (arrivals('/error-events').length >= 3 ? arrivals('/error-events').map((a) => JSON.parse(a.body)) : undefined), 15_000, 'the error events');
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(['job.started', 'job.request', 'job.error']);
    const callback = await eventually(() => arrivals('/error-callback')[0], 15_000, 'the callback');
    expect(JSON.parse(callback.body)).toMatchObject({ status: 'dead_letter', statusCode: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('shows a failed run as discarded after the native retries, and a /v1 job through its door', async () => {
    t.sink.respond = (a) => (a.path === '/down' ? { status: 503 } : {});
    const r = await booper.request('POST', '/api/jobs', { method: 'post', url: `${t.sink.url}/down`, body: { x: 1 } });
    const job = r.body.data;
    // Made quicker through /v1, as any door may change it: one retry after 100 ms.
    expect((await t.api.request('PATCH', `/v1/jobs/${nativeId(job.id)}`, { retryPolicy: { maxRetries: 1, strategy: 'fixed', initialDelayMs: 100 } })).status).toBe(200);
    const done = await eventually(async () => {
      const d = (await booper.request('GET', `/api/jobs/${job.id}`)).body.data;
      return d.job.state === 'discarded' ? d : undefined;
    }, 40_000);
    expectBooperJob(done);
    expect(done.job.discarded_at).toMatch(iso);
    expect(done.job.attempted_at).toMatch(iso);
    t.sink.respond = () => ({});
    // Every attempt is in /v1's history of the job (a first retry may have been set before the change).
    const history = await t.api.request('GET', `/v1/jobs/${nativeId(job.id)}/executions`);
    expect(history.status).toBe(200);
    const codes = history.body.data.map((e: { statusCode: number }) => e.statusCode);
    expect(codes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(codes)).toEqual(new Set([503]));

    const native = await t.api.createJob({ url: 'https://example.com/native', method: 'POST', payload: { v: 1 }, schedule: { type: 'cron', expression: '*/5 * * * *' } });
    const seen = await booper.request('GET', `/api/jobs/${native.id}`);
    expect(seen.status).toBe(200);
    expectBooperJob(seen.body.data);
    expect(nativeId(seen.body.data.id)).toBe(native.id);
    expect(seen.body.data.args).toMatchObject({ method: 'post', body: { v: 1 }, cron: '*/5 * * * *' });
    const runner = await new Api(`${t.server.url}/compat/runner`, t.api.key).request('GET', `/api/v1/jobs/${seen.body.data.id}`);
    expect(runner.status).toBe(200);
  });
});

describe('Booper dialect under rate limits', () => {
  const t = useServer('sqlite', { config: { rateLimits: { ...loadConfig({}).rateLimits, general: { max: 3, windowMs: 60_000 } } } });

  it('answers 429 with Retry-After as { errors: { detail } }', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${t.server.url}/compat/booper/api/jobs/x`, { headers: { authorization: 'kr_live_unknown' } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.json()).toEqual({ errors: { detail: expect.stringMatching(/^Too many requests/) } });
  });
});

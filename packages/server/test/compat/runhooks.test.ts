/**
 * The Runhooks API (seed 001) under /compat/runhooks: every request the document shows, sent as
 * written (its host replaced by the local server, its example targets by a local sink), and the
 * behaviours the issue names.
 */
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { rateProfiles } from '../../src/config.js';
import { eventually, useServer, useServers, useSink } from '../support/server.js';
import { useSmtpSink } from '../support/smtp.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

const jwtSecret = 'runhooks-test-secret-0123456789abcdef';
const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

describe('Runhooks API', () => {
  // No native project: every account here is made through the dialect.
  const targets = useSink((a) => (a.path.startsWith('/fail') ? { status: 500, body: 'boom' } : { status: 200, body: '{"ok":true}' }));
  const mail = useSmtpSink();
  const t = useServer('sqlite', { tuning: { messageRetryMs: 100 }, config: () => ({ smtpUrl: mail.smtp.url, emailFrom: 'Kairos <kairos@example.com>', jwtSecret }) });
  /** A server of other settings, for one test. */
  const others = useServers('sqlite');
  let base: string;
  let apiKey: string;
  /** The document's example target hosts, as the local sink. */
  let example: string;

  const call = async (method: string, path: string, body?: unknown, key: string | null = apiKey, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(() => {
    base = `${t.server.url}/compat/runhooks/api/v1`;
    example = targets.sink.url;
  });

  it('quick start 1: register-anonymous answers a user and an rh_live_ key', async () => {
    const res = await call('POST', '/auth/register-anonymous', { name: 'My Server' }, null);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: 'Anonymous account created. Save the API key -- it cannot be retrieved again.',
      data: { user: { id: expect.any(String), name: 'My Server', plan: 'unlimited', role: 'user', isAnonymous: true }, apiKey: expect.stringMatching(/^rh_live_/) },
    });
    apiKey = res.body.data.apiKey;
  });

  let syncJob: any;
  it('quick start 2: creates a cron job with the documented defaults', async () => {
    const res = await call('POST', '/jobs', {
      name: 'Sync inventory',
      schedule: { type: 'cron', expression: '*/5 * * * *' },
      httpConfig: { url: `${example}/sync`, method: 'POST' },
    });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(res.body.message).toBe('Job created successfully');
    syncJob = res.body.data;
    expect(syncJob).toMatchObject({
      id: expect.any(String),
      name: 'Sync inventory',
      schedule: { type: 'cron', expression: '*/5 * * * *' },
      httpConfig: { url: `${example}/sync`, method: 'POST', headers: {}, timeoutMs: 30000 },
      retryPolicy: { maxRetries: 3, initialDelay: 1000, backoffMultiplier: 2, maxDelay: 300000 },
      status: 'active',
      tags: [],
      createdAt: iso,
      updatedAt: iso,
      nextExecutionAt: iso,
    });
    expect(new Date(syncJob.nextExecutionAt).getUTCMinutes() % 5).toBe(0);
  });

  it('quick start 3 and 4: lists jobs and a job\'s executions as pages', async () => {
    const list = await call('GET', '/jobs');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual({ data: [expect.objectContaining({ id: syncJob.id })], total: 1, page: 1, limit: 20, totalPages: 1 });
    const runs = await call('GET', `/jobs/${syncJob.id}/executions`);
    expect(runs.status).toBe(200);
    expect(runs.body).toEqual({ success: true, data: { data: [], total: 0, page: 1, limit: 20, totalPages: 0 } });
  });

  let refresh: any;
  it('POST /jobs: the documented example answers as documented', async () => {
    const res = await call('POST', '/jobs', {
      name: 'Refresh cache',
      schedule: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
      httpConfig: { url: `${example}/refresh`, method: 'POST', headers: { 'X-Api-Key': 'secret' } },
      retryPolicy: { maxRetries: 5 },
      tags: ['prod', 'cache'],
    });
    expect(res.status).toBe(201);
    refresh = res.body.data;
    expect(res.body).toEqual({
      success: true,
      message: 'Job created successfully',
      data: expect.objectContaining({
        name: 'Refresh cache',
        schedule: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
        httpConfig: { url: `${example}/refresh`, method: 'POST', headers: { 'X-Api-Key': 'secret' }, timeoutMs: 30000 },
        retryPolicy: { maxRetries: 5, initialDelay: 1000, backoffMultiplier: 2, maxDelay: 300000 },
        status: 'active',
        tags: ['prod', 'cache'],
      }),
    });
    const next = new Date(refresh.nextExecutionAt);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('GET /jobs?status=active&limit=10, and pages, tag and name filters', async () => {
    const res = await call('GET', '/jobs?status=active&limit=10');
    expect(res.status).toBe(200);
    expect(res.body.data.data).toHaveLength(2);
    expect(res.body.data.totalPages).toBe(1);
    expect(res.body.data.limit).toBe(10);

    const page2 = await call('GET', '/jobs?limit=1&page=2');
    expect(page2.body.data).toMatchObject({ total: 2, page: 2, limit: 1, totalPages: 2 });
    expect(page2.body.data.data).toHaveLength(1);

    expect((await call('GET', '/jobs?tag=cache')).body.data.data.map((j: any) => j.id)).toEqual([refresh.id]);
    expect((await call('GET', '/jobs?name=REFRESH')).body.data.data.map((j: any) => j.id)).toEqual([refresh.id]);
    // The name is a case-insensitive regular expression, as the document says.
    const named = async (pattern: string) => (await call('GET', `/jobs?name=${encodeURIComponent(pattern)}`)).body.data;
    expect((await named('^refresh')).data.map((j: any) => j.id)).toEqual([refresh.id]);
    expect((await named('^(sync|refresh) [a-z]+$')).total).toBe(2);
    expect((await named('cache$')).data.map((j: any) => j.id)).toEqual([refresh.id]);
    expect((await named('^cache')).total).toBe(0);
    expect(await named('s.nc')).toMatchObject({ total: 1, totalPages: 1 });
    expect((await call('GET', `/jobs?name=${encodeURIComponent('^(sync|refresh)')}&limit=1&page=2`)).body.data).toMatchObject({ total: 2, page: 2, totalPages: 2, data: [expect.any(Object)] });
    const unmatched = await call('GET', `/jobs?name=${encodeURIComponent('cache(')}`);
    expect(unmatched.status).toBe(400);
    expect(unmatched.body).toEqual({ success: false, error: expect.stringMatching(/^name: /) });
    expect((await call('GET', '/jobs?status=paused')).body.data.total).toBe(0);

    const tooLong = await call('GET', `/jobs?name=${'x'.repeat(101)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual({ success: false, error: expect.stringContaining('name') });
    expect((await call('GET', '/jobs?limit=101')).status).toBe(400);
    expect((await call('GET', '/jobs?page=0')).status).toBe(400);
  });

  it('GET /jobs/:id, PATCH, PUT and DELETE', async () => {
    const got = await call('GET', `/jobs/${refresh.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ id: refresh.id, name: 'Refresh cache' });

    const patched = await call('PATCH', `/jobs/${refresh.id}`, { name: 'New name', status: 'paused' });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'New name', status: 'paused', nextExecutionAt: null });

    // A partial retry policy or HTTP config keeps the job's other values.
    const put = await call('PUT', `/jobs/${refresh.id}`, { retryPolicy: { initialDelay: 500 }, httpConfig: { timeoutMs: 60000 } });
    expect(put.status).toBe(200);
    expect(put.body.data.retryPolicy).toEqual({ maxRetries: 5, initialDelay: 500, backoffMultiplier: 2, maxDelay: 300000 });
    expect(put.body.data.httpConfig).toMatchObject({ url: `${example}/refresh`, method: 'POST', timeoutMs: 60000 });

    const resumed = await call('PATCH', `/jobs/${refresh.id}`, { status: 'active' });
    expect(resumed.body.data).toMatchObject({ status: 'active', nextExecutionAt: iso });

    const del = await call('DELETE', `/jobs/${refresh.id}`);
    expect(del.status).toBe(200);
    expect(del.body.success).toBe(true);
    const gone = await call('GET', `/jobs/${refresh.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ success: false, error: expect.stringContaining(refresh.id) });
  });

  it('an optional field sent as null is not given; an alert\'s jobId null is every job', async () => {
    const made = await call('POST', '/jobs', {
      name: 'Nulls',
      description: null,
      schedule: { type: 'cron', expression: '0 3 * * *', timezone: null },
      httpConfig: { url: `${example}/nulls`, method: null, headers: null, body: null, timeoutMs: null },
      retryPolicy: { maxRetries: null, initialDelay: 2000, backoffMultiplier: null, maxDelay: null },
      tags: null,
    });
    expect(made.status).toBe(201);
    expect(made.body.data).toMatchObject({
      schedule: { type: 'cron', expression: '0 3 * * *', timezone: 'UTC' },
      httpConfig: { method: 'GET', headers: {}, timeoutMs: 30000 },
      retryPolicy: { maxRetries: 3, initialDelay: 2000, backoffMultiplier: 2, maxDelay: 300000 },
      tags: [],
    });
    const renamed = await call('PATCH', `/jobs/${made.body.data.id}`, { name: null, status: null, description: 'kept' });
    expect(renamed.body.data).toMatchObject({ name: 'Nulls', status: 'active', description: 'kept' });
    const noName = await call('POST', '/jobs', { name: null, schedule: { type: 'cron', expression: '0 3 * * *' }, httpConfig: { url: `${example}/nulls` } });
    expect(noName.status).toBe(400);
    expect(noName.body.error).toMatch(/name/);
    expect((await call('DELETE', `/jobs/${made.body.data.id}`)).status).toBe(200);

    const alert = await call('POST', '/alerts', { name: 'Every job', channel: 'webhook', target: `${example}/every`, jobId: null, cooldownMinutes: null, enabled: null });
    expect(alert.status).toBe(201);
    expect(alert.body.data).toMatchObject({ jobId: null, cooldownMinutes: 60, enabled: true });
    expect((await call('DELETE', `/alerts/${alert.body.data.id}`)).status).toBe(200);
  });

  it('refuses bad jobs with 400 naming the field in Runhooks terms', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` } }, /name/],
      [{ name: '', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` } }, /name/],
      [{ name: 'x'.repeat(256), schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` } }, /name/],
      [{ name: 'a', schedule: { type: 'interval', expression: 'soon' }, httpConfig: { url: `${example}/x` } }, /schedule\.expression/],
      [{ name: 'a', schedule: { type: 'weekly', expression: '1' }, httpConfig: { url: `${example}/x` } }, /schedule\.type/],
      [{ name: 'a', schedule: { type: 'cron', expression: 'not cron' }, httpConfig: { url: `${example}/x` } }, /schedule\.expression/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x`, timeoutMs: 999 } }, /httpConfig\.timeoutMs/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x`, timeoutMs: 300001 } }, /httpConfig\.timeoutMs/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: 'ftp://x.example.com' } }, /httpConfig\.url/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x`, body: 'x' } }, /httpConfig\.body/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x`, method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) } }, /httpConfig\.body/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` }, retryPolicy: { maxRetries: 11 } }, /retryPolicy\.maxRetries/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` }, retryPolicy: { initialDelay: 99 } }, /retryPolicy\.initialDelay/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` }, retryPolicy: { backoffMultiplier: 11 } }, /retryPolicy\.backoffMultiplier/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` }, retryPolicy: { maxDelay: 3600001 } }, /retryPolicy\.maxDelay/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` }, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /tags/],
      [{ name: 'a', schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` }, tags: ['x'.repeat(51)] }, /tags/],
      [{ name: 'a', description: 'd'.repeat(2001), schedule: { type: 'cron', expression: '* * * * *' }, httpConfig: { url: `${example}/x` } }, /description/],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/jobs', body);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.error).toMatch(field);
      expect(Object.keys(res.body)).toEqual(['success', 'error']);
    }
  });

  it('answers every other error in its envelope: 401, 404, malformed JSON, 413', async () => {
    const noKey = await call('GET', '/jobs', undefined, null);
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual({ success: false, error: expect.any(String) });
    expect((await call('GET', '/jobs', undefined, 'rh_live_nope')).status).toBe(401);
    const unknown = await call('GET', '/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ success: false, error: expect.any(String) });
    const bad = await call('POST', '/jobs', '{"name": ');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ success: false, error: expect.stringMatching(/JSON/) });
    const huge = await call('POST', '/jobs', JSON.stringify({ name: 'a', pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ success: false, error: expect.any(String) });
  });

  it('holds each key to the scope its route declares: reads with read, writes with write, rotate-key with admin; 403 otherwise', async () => {
    const native = new Api(t.server.url, apiKey);
    const keyWith = async (scopes: string[]) => (await native.request('POST', '/v1/api-keys', { name: scopes.join('+'), scopes })).body.data.key as string;
    const [reader, writer] = [await keyWith(['read']), await keyWith(['write'])];
    expect((await call('GET', '/jobs', undefined, reader)).status).toBe(200);
    for (const [method, path] of [['DELETE', '/jobs/job_7kR3mNxQ2v'], ['POST', '/executions/exe_7kR3mNxQ2v/replay'], ['DELETE', '/alerts/al_7kR3mNxQ2v']]) {
      const refused = await call(method!, path!, undefined, reader);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body).toEqual({ success: false, error: expect.stringMatching(/write/) });
      expect((await call(method!, path!, undefined, writer)).status, `${method} ${path}`).toBe(404);
    }
    const rotate = await call('POST', '/auth/rotate-key', undefined, writer);
    expect(rotate.status).toBe(403);
    expect(rotate.body).toEqual({ success: false, error: expect.stringMatching(/admin/) });
  });

  it('an interval job first runs one interval after it is made', async () => {
    const res = await call('POST', '/jobs', { name: 'Every hour', schedule: { type: 'interval', expression: '3600000' }, httpConfig: { url: `${example}/hourly` } });
    expect(res.status).toBe(201);
    expect(res.body.data.schedule).toEqual({ type: 'interval', expression: '3600000' });
    expect(Date.parse(res.body.data.nextExecutionAt) - Date.parse(res.body.data.createdAt)).toBe(3_600_000);
    expect((await call('DELETE', `/jobs/${res.body.data.id}`)).status).toBe(200);
  });

  let failing: any;
  let webhookAlert: any;
  it('an alert config fires on a failing job; executions, filters and replay', async () => {
    const job = await call('POST', '/jobs', {
      name: 'Always fails',
      schedule: { type: 'interval', expression: '1000' },
      httpConfig: { url: `${example}/fail`, method: 'POST', body: '{}' },
      retryPolicy: { maxRetries: 0 },
    });
    expect(job.status).toBe(201);
    failing = job.body.data;
    const alert = await call('POST', '/alerts', { name: 'Failing job', channel: 'webhook', target: `${example}/alert`, jobId: failing.id, consecutiveFailuresThreshold: 1, cooldownMinutes: 0 });
    expect(alert.status).toBe(201);
    webhookAlert = alert.body.data;
    expect(webhookAlert).toMatchObject({ channel: 'webhook', jobId: failing.id, consecutiveFailuresThreshold: 1, cooldownMinutes: 0, enabled: true });

    const notice = await eventually(() => targets.sink.arrivals.find((a) => a.path === '/alert'), 15_000, 'an alert at the webhook');
    const envelope = JSON.parse(notice.body);
    expect(envelope).toMatchObject({ type: 'job.failed', data: { jobId: failing.id, statusCode: 500 } });

    // The document's request; with no retries left a failed attempt is dead-lettered.
    expect((await call('GET', `/jobs/${failing.id}/executions?status=failed`)).status).toBe(200);
    const failed = await call('GET', `/jobs/${failing.id}/executions?status=dead_letter`);
    expect(failed.status).toBe(200);
    const first = failed.body.data.data[0];
    expect(first).toMatchObject({ id: expect.any(String), jobId: failing.id, status: 'dead_letter', httpStatusCode: 500, responseBody: 'boom', attempt: 1, startedAt: iso, completedAt: iso, durationMs: expect.any(Number) });
    expect((await call('GET', `/jobs/${failing.id}/executions?status=success`)).body.data.total).toBe(0);
    expect((await call('GET', `/jobs/${failing.id}/executions?status=sideways`)).status).toBe(400);

    // Stop the schedule so the only new execution is the replay.
    await call('PATCH', `/jobs/${failing.id}`, { status: 'paused' });
    const replay = await call('POST', `/executions/${first.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ success: true, message: 'Execution replay enqueued' });
    const replayed = await eventually(async () => {
      const all = await call('GET', `/executions?jobId=${failing.id}&limit=100`);
      return all.body.data.data.find((e: any) => e.replayOf === first.id);
    }, 10_000, 'the replayed execution');
    expect(replayed).toMatchObject({ jobId: failing.id, triggeredBy: 'replay' });
    expect((await call('POST', '/executions/exe_unknown/replay')).status).toBe(404);

    const limited = await call('GET', '/executions?limit=5');
    expect(limited.status).toBe(200);
    expect(limited.body.data.limit).toBe(5);
    expect(limited.body.data.data.length).toBeLessThanOrEqual(5);
    expect((await call('GET', '/executions?jobId=job_notmine')).status).toBe(404);
  });

  it('status=pending lists the runs waiting for their time, status=running the ones being delivered', async () => {
    const { sink } = targets;
    const respond = sink.respond;
    sink.respond = (a) => (a.path === '/slow' ? { hold: true } : respond(a));
    let id: string | undefined;
    try {
      const job = await call('POST', '/jobs', { name: 'Yearly and slow', schedule: { type: 'cron', expression: '0 0 1 1 *' }, httpConfig: { url: `${example}/slow`, method: 'POST', body: '{}' } });
      expect(job.status).toBe(201);
      id = job.body.data.id as string;
      const pending = await call('GET', `/jobs/${id}/executions?status=pending`);
      expect(pending.status).toBe(200);
      expect(pending.body.data).toMatchObject({ total: 1, page: 1, limit: 20, totalPages: 1 });
      expect(pending.body.data.data[0]).toMatchObject({ jobId: id, status: 'pending', attempt: 1, startedAt: null, completedAt: null, durationMs: null, httpStatusCode: null, responseBody: null });
      expect((await call('GET', `/jobs/${id}/executions?status=running`)).body.data.total).toBe(0);

      // Run now (the same key in the native door): delivered at once and held by the sink, so running until it answers.
      const before = sink.arrivals.length;
      const run = await fetch(`${t.server.url}/v1/jobs/${id}/run`, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}` } });
      expect(run.status).toBe(202);
      await eventually(() => sink.arrivals.slice(before).find((a) => a.path === '/slow'), 10_000, 'the delivery at the sink');
      const running = await call('GET', `/executions?status=running&jobId=${id}`);
      expect(running.body.data.data).toEqual([expect.objectContaining({ jobId: id, status: 'running', startedAt: iso, completedAt: null, httpStatusCode: null, triggeredBy: 'manual' })]);
      expect(running.body.data.total).toBe(1);
      // The yearly run waits on, and is the only pending one.
      expect((await call('GET', `/executions?status=pending&jobId=${id}`)).body.data.data).toEqual([expect.objectContaining({ id: pending.body.data.data[0].id, status: 'pending' })]);

      sink.release();
      await eventually(async () => ((await call('GET', `/jobs/${id}/executions?status=success`)).body.data.total === 1 ? true : undefined), 10_000, 'the attempt recorded');
      expect((await call('GET', `/jobs/${id}/executions?status=running`)).body.data.total).toBe(0);
    } finally {
      sink.respond = respond;
      sink.release();
      // Later tests count the account's jobs.
      if (id) expect((await call('DELETE', `/jobs/${id}`)).status).toBe(200);
    }
  });

  let emailAlert: any;
  it('alert configs: create, list, get, update and delete as documented', async () => {
    const res = await call('POST', '/alerts', { name: 'All failures', channel: 'email', target: 'ops@example.com', consecutiveFailuresThreshold: 3, cooldownMinutes: 30 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: 'Alert config created',
      data: {
        id: expect.any(String),
        userId: expect.any(String),
        name: 'All failures',
        channel: 'email',
        target: 'ops@example.com',
        jobId: null,
        consecutiveFailuresThreshold: 3,
        cooldownMinutes: 30,
        enabled: true,
        createdAt: iso,
        updatedAt: iso,
      },
    });
    emailAlert = res.body.data;
    const me = await call('GET', '/auth/me');
    expect(emailAlert.userId).toBe(me.body.data.id);

    const list = await call('GET', '/alerts');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.data)).toBe(true);
    expect(list.body.data.map((a: any) => a.id).sort()).toEqual([emailAlert.id, webhookAlert.id].sort());

    const one = await call('GET', `/alerts/${emailAlert.id}`);
    expect(one.body.data).toEqual(emailAlert);

    const off = await call('PUT', `/alerts/${emailAlert.id}`, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ enabled: false, channel: 'email', target: 'ops@example.com', consecutiveFailuresThreshold: 3 });
    const moved = await call('PUT', `/alerts/${emailAlert.id}`, { channel: 'slack', target: `${example}/slack-hook` });
    expect(moved.body.data.channel).toBe('slack');

    const defaults = await call('POST', '/alerts', { name: 'Defaults', channel: 'webhook', target: `${example}/defaults` });
    expect(defaults.body.data).toMatchObject({ consecutiveFailuresThreshold: 1, cooldownMinutes: 60, enabled: true, jobId: null });

    for (const bad of [
      { name: 'x', channel: 'pager', target: 'a' },
      { name: 'x', channel: 'email', target: 'a'.repeat(501) },
      { name: 'x'.repeat(101), channel: 'email', target: 'ops@example.com' },
      { name: 'x', channel: 'email', target: 'ops@example.com', consecutiveFailuresThreshold: 0 },
      { name: 'x', channel: 'email', target: 'ops@example.com', cooldownMinutes: 10_081 },
      { name: 'x', channel: 'email', target: 'not an address' },
      { name: 'x', channel: 'email', target: 'ops@example.com', jobId: 'job_unknown' },
    ]) {
      const r = await call('POST', '/alerts', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.success).toBe(false);
    }

    const del = await call('DELETE', `/alerts/${defaults.body.data.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ success: true, message: expect.any(String) });
    expect((await call('GET', `/alerts/${defaults.body.data.id}`)).status).toBe(404);
  });

  it('alert configs count against the plan, and /v1 sees them as rules with channels', async () => {
    const rules = await call('GET', '/alerts');
    const native = await new Api(t.server.url, apiKey).request('GET', '/v1/alerts/rules');
    expect(native.status).toBe(200);
    expect(native.body.data.map((r: any) => r.id).sort()).toEqual(rules.body.data.map((a: any) => a.id).sort());
  });

  let user: { user: { id: string; role: string }; tokens: { accessToken: string; refreshToken: string }; apiKey: string };
  it('register, login, refresh and me', async () => {
    const res = await call('POST', '/auth/register', { email: 'me@example.com', password: 'securepass', name: 'My Name' }, null);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: 'Registration successful. Save the API key -- it cannot be retrieved again.',
      data: {
        user: { id: expect.any(String), email: 'me@example.com', name: 'My Name', plan: 'unlimited', role: expect.stringMatching(/^(user|admin)$/) },
        tokens: { accessToken: expect.any(String), refreshToken: expect.any(String) },
        apiKey: expect.stringMatching(/^rh_live_/),
      },
    });
    user = res.body.data;
    const again = await call('POST', '/auth/register', { email: 'me@example.com', password: 'securepass', name: 'My Name' }, null);
    expect(again.status).toBe(409);
    expect(again.body.success).toBe(false);
    expect((await call('POST', '/auth/register', { email: 'me2@example.com', password: 'short', name: 'x' }, null)).status).toBe(400);
    expect((await call('POST', '/auth/register', { email: 'not-an-email', password: 'securepass', name: 'x' }, null)).status).toBe(400);

    const login = await call('POST', '/auth/login', { email: 'me@example.com', password: 'securepass' }, null);
    expect(login.status).toBe(200);
    expect(login.body.data).toMatchObject({ user: { email: 'me@example.com', name: 'My Name' }, tokens: { accessToken: expect.any(String), refreshToken: expect.any(String) } });
    const wrong = await call('POST', '/auth/login', { email: 'me@example.com', password: 'wrongpass' }, null);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ success: false, error: expect.any(String) });

    const refreshed = await call('POST', '/auth/refresh', { refreshToken: login.body.data.tokens.refreshToken }, null);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String) });

    const me = await call('GET', '/auth/me', undefined, user.apiKey);
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual({
      id: user.user.id,
      email: 'me@example.com',
      name: 'My Name',
      role: user.user.role,
      plan: 'unlimited',
      isAnonymous: false,
      apiKeyPrefix: user.apiKey.slice(0, 12),
      createdAt: iso,
      updatedAt: iso,
    });
    const bySession = await call('GET', '/auth/me', undefined, refreshed.body.data.accessToken);
    expect(bySession.status).toBe(200);
    expect(bySession.body.data).toMatchObject({ id: user.user.id, isAnonymous: false, apiKeyPrefix: user.apiKey.slice(0, 12) });
    // A refresh token works once; presenting it again ends that sign-in.
    expect((await call('POST', '/auth/refresh', { refreshToken: login.body.data.tokens.refreshToken }, null)).status).toBe(401);
    expect((await call('GET', '/auth/me', undefined, refreshed.body.data.accessToken)).status).toBe(401);
    const anonymous = await call('GET', '/auth/me');
    expect(anonymous.body.data).toMatchObject({ isAnonymous: true, name: 'My Server', apiKeyPrefix: apiKey.slice(0, 12) });
  });

  it('access tokens last 15 minutes; an expired one is refused', async () => {
    const [, payload] = user.tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(15 * 60);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ sid: 'ses_x' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.user.id)
      .setIssuer('kairos')
      .setAudience('kairos:api')
      .setIssuedAt(now - 16 * 60)
      .setExpirationTime(now - 60)
      .sign(new TextEncoder().encode(jwtSecret));
    const res = await call('GET', '/auth/me', undefined, expired);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: expect.stringMatching(/15 minutes/) });
  });

  it('refresh tokens last 30 days; one past its time is refused', async () => {
    const login = await call('POST', '/auth/login', { email: 'me@example.com', password: 'securepass' }, null);
    const refreshToken = login.body.data.tokens.refreshToken;
    // The server's own file, opened beside it (WAL allows a second connection) to read and age the token.
    const file = new Database(t.db.url.slice('sqlite:'.length));
    try {
      file.pragma('busy_timeout = 5000');
      const row = file.prepare('SELECT id, created_at, expires_at FROM refresh_tokens ORDER BY created_at DESC, id DESC LIMIT 1').get() as { id: string; created_at: number; expires_at: number };
      expect(row.expires_at - row.created_at).toBe(30 * 24 * 60 * 60_000);
      file.prepare('UPDATE refresh_tokens SET expires_at = ? WHERE id = ?').run(Date.now() - 1, row.id);
    } finally {
      file.close();
    }
    const res = await call('POST', '/auth/refresh', { refreshToken }, null);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: expect.stringMatching(/expired/) });
  });

  it('rotate-key answers a new key and the old one stops working at once', async () => {
    // As a fetch wrapper sends it: Content-Type: application/json and no body.
    const res = await call('POST', '/auth/rotate-key', undefined, user.apiKey, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'API key rotated. Save the new key -- it cannot be retrieved again.',
      data: { apiKey: expect.stringMatching(/^rh_live_/), apiKeyPrefix: expect.stringMatching(/^rh_live_.{4}$/) },
    });
    expect(res.body.data.apiKey.startsWith(res.body.data.apiKeyPrefix)).toBe(true);
    const old = await call('GET', '/auth/me', undefined, user.apiKey);
    expect(old.status).toBe(401);
    expect(old.body.success).toBe(false);
    const fresh = await call('GET', '/auth/me', undefined, res.body.data.apiKey);
    expect(fresh.body.data.apiKeyPrefix).toBe(res.body.data.apiKeyPrefix);

    // From a web session (an access token), it rotates the account's key.
    const session = (await call('POST', '/auth/login', { email: 'me@example.com', password: 'securepass' }, null)).body.data.tokens.accessToken;
    const bySession = await call('POST', '/auth/rotate-key', undefined, session);
    expect(bySession.status).toBe(200);
    expect(bySession.body.data).toEqual({ apiKey: expect.stringMatching(/^rh_live_/), apiKeyPrefix: expect.stringMatching(/^rh_live_.{4}$/) });
    expect((await call('GET', '/auth/me', undefined, res.body.data.apiKey)).status).toBe(401);
    expect((await call('GET', '/auth/me', undefined, bySession.body.data.apiKey)).status).toBe(200);
    expect((await call('GET', '/auth/me', undefined, session)).body.data.apiKeyPrefix).toBe(bySession.body.data.apiKeyPrefix);
  });

  it('usage/me answers the plan, its limits and usage (unlimited as null)', async () => {
    const res = await call('GET', '/usage/me');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      plan: 'unlimited',
      limits: { maxJobs: null, maxDailyRuns: null, maxMonthlyRuns: null, maxRetries: 10, maxRequestTimeoutMs: 300000, maxAlertConfigs: null, retentionDays: null, concurrency: null },
      usage: {
        jobs: { used: 2, limit: null, unlimited: true },
        dailyRuns: { used: expect.any(Number), limit: null, unlimited: true, resetsAt: iso },
        monthlyRuns: { used: expect.any(Number), limit: null, unlimited: true, resetsAt: iso },
        alertConfigs: { used: 2, limit: null, unlimited: true },
      },
    });
  });

  it('jobs made here are Kairos jobs: /v1 sees them, and a /v1 key works here', async () => {
    const native = new Api(t.server.url, apiKey);
    const seen = await native.request('GET', `/v1/jobs/${syncJob.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.data).toMatchObject({ id: syncJob.id, name: 'Sync inventory', url: `${example}/sync` });
    const other = new Api(t.server.url);
    const kairosKey = await other.register('native');
    const made = await other.createJob({ name: 'native job', url: `${example}/n`, schedule: { type: 'cron', expression: '0 0 1 1 *' } });
    const res = await call('GET', `/jobs/${made.id}`, undefined, kairosKey);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: made.id, schedule: { type: 'cron', expression: '0 0 1 1 *' }, httpConfig: { url: `${example}/n` } });
  });

  it('health is public and reports the database', async () => {
    const res = await call('GET', '/health', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: { status: 'ok', version: expect.any(String), uptime: expect.any(Number), timestamp: iso, services: { database: expect.objectContaining({ status: 'ok', latencyMs: expect.any(Number) }) } },
    });
  });

  it('sends draft-7 RateLimit headers', async () => {
    const res = await call('GET', '/jobs');
    expect(res.headers.get('ratelimit')).toMatch(/^limit=\d+, remaining=\d+, reset=\d+$/);
    expect(res.headers.get('ratelimit-policy')).toMatch(/^\d+;w=\d+$/);
  });

  it('a new account gets the server\'s default plan', async () => {
    const { server: other } = await others.start({ config: { defaultPlan: (await import('../../src/domain/plans.js')).builtInPlans.find((p) => p.name === 'free')! } });
    const reg = await fetch(`${other.url}/compat/runhooks/api/v1/auth/register-anonymous`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { data } = (await reg.json()) as any;
    expect(data.user.plan).toBe('free');
    const usage = (await (await fetch(`${other.url}/compat/runhooks/api/v1/usage/me`, { headers: { authorization: `Bearer ${data.apiKey}` } })).json()) as any;
    expect(usage.data.limits).toEqual({ maxJobs: 3, maxDailyRuns: 200, maxMonthlyRuns: 2000, maxRetries: 3, maxRequestTimeoutMs: 30000, maxAlertConfigs: 1, retentionDays: 1, concurrency: 1 });
    expect(usage.data.usage.jobs).toEqual({ used: 0, limit: 3, unlimited: false });
    const tooMany = await fetch(`${other.url}/compat/runhooks/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${data.apiKey}` },
      body: JSON.stringify({ name: 'a', schedule: { type: 'cron', expression: '0 0 1 1 *' }, httpConfig: { url: `${example}/a` }, retryPolicy: { maxRetries: 4 } }),
    });
    expect(tooMany.status).toBe(403);
    expect(await tooMany.json()).toEqual({ success: false, error: expect.stringMatching(/retries/) });
  });
});

describe('Runhooks API under the strict profile, with Redis', () => {
  let proxy: TcpProxy;
  let base: string;

  // Redis through a proxy the test can cut.
  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  });
  afterAll(async () => {
    await proxy?.close();
  });
  const t = useServer('sqlite', { config: () => ({ rateLimits: rateProfiles.strict, redisUrl: `redis://127.0.0.1:${proxy.port}`, redisPrefix: `rh-test-${process.pid}-${Date.now()}:` }) });
  beforeAll(() => {
    base = `${t.server.url}/compat/runhooks/api/v1`;
  });

  it('registration is limited to 5 an hour per address, with draft-7 headers and its envelope on 429', async () => {
    const register = () => fetch(`${base}/auth/register-anonymous`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    for (let i = 0; i < 5; i++) {
      const res = await register();
      expect(res.status).toBe(201);
      expect(res.headers.get('ratelimit-policy')).toBe('5;w=3600');
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^limit=5, remaining=${4 - i}, reset=\\d+$`));
    }
    const refused = await register();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toEqual({ success: false, error: expect.stringMatching(/Too many/) });
  });

  it('health reports Redis, and answers 503 degraded when Redis is down', async () => {
    const up = await fetch(`${base}/health`);
    expect(up.status).toBe(200);
    const upBody = (await up.json()) as any;
    expect(upBody.data.services).toEqual({ database: expect.objectContaining({ status: 'ok' }), redis: expect.objectContaining({ status: 'ok', latencyMs: expect.any(Number) }) });
    proxy.cut('refuse');
    try {
      const down = await eventually(async () => {
        const res = await fetch(`${base}/health`);
        return res.status === 503 ? res : undefined;
      }, 15_000, 'a 503');
      const body = (await down.json()) as any;
      expect(body.data).toMatchObject({ status: 'degraded', version: expect.any(String), uptime: expect.any(Number), timestamp: iso, services: { database: { status: 'ok' }, redis: { status: 'down' } } });
    } finally {
      proxy.restore();
    }
  });
});

describe('Runhooks API under the strict profile: the document\'s per-route table', () => {
  const targets = useSink();
  const t = useServer('sqlite', { config: { rateLimits: rateProfiles.strict } });
  let base: string;
  beforeAll(() => {
    base = `${t.server.url}/compat/runhooks/api/v1`;
  });

  const send = async (method: string, path: string, body?: unknown, key?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const refused = (res: { status: number; headers: Headers; body: any }, policy: string) => {
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('ratelimit-policy')).toBe(policy);
    expect(res.body).toEqual({ success: false, error: expect.stringMatching(/^Too many/) });
  };

  it('replays 10 a minute, job writes 30 a minute, logins 10 a minute and all routes 100 in 15 minutes, then 429', async () => {
    const key = (await send('POST', '/auth/register-anonymous', { name: 'strict' })).body.data.apiKey;
    const job = await send('POST', '/jobs', { name: 'Ticks', schedule: { type: 'interval', expression: '1000' }, httpConfig: { url: `${targets.sink.url}/tick` } }, key);
    expect(job.status).toBe(201);
    const executionId = await eventually(async () => (await send('GET', `/jobs/${job.body.data.id}/executions`, undefined, key)).body.data.data[0]?.id, 10_000, 'an execution');
    for (let i = 0; i < 10; i++) expect((await send('POST', `/executions/${executionId}/replay`, undefined, key)).status).toBe(202);
    refused(await send('POST', `/executions/${executionId}/replay`, undefined, key), '10;w=60');

    for (let i = 1; i < 30; i++) expect((await send('PATCH', `/jobs/${job.body.data.id}`, { name: `Ticks ${i}` }, key)).status).toBe(200);
    refused(await send('POST', '/jobs', { name: 'One more', schedule: { type: 'cron', expression: '0 0 1 1 *' }, httpConfig: { url: `${targets.sink.url}/x` } }, key), '30;w=60');
    // Reads are counted by the general limit only.
    expect((await send('GET', '/jobs', undefined, key)).status).toBe(200);

    for (let i = 0; i < 10; i++) expect((await send('POST', '/auth/login', { email: 'nobody@example.com', password: 'wrongpass' })).status).toBe(401);
    refused(await send('POST', '/auth/login', { email: 'nobody@example.com', password: 'wrongpass' }), '10;w=60');

    // And 100 requests in 15 minutes from one address, whatever they are.
    let last = await send('GET', '/jobs', undefined, key);
    for (let i = 0; i < 100 && last.status === 200; i++) last = await send('GET', '/jobs', undefined, key);
    refused(last, '100;w=900');
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});

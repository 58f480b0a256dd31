import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const yearly = { type: 'cron', expression: '@yearly' };

describe.each(databaseKinds)('job lifecycle on %s', (kind) => {
  const t = useTestServer(kind, {
    project: 'lifecycle',
    respond: (a) => (a.path === '/answer' ? { status: 201, body: '{"ok":true}', headers: { 'content-type': 'application/json', 'x-reply': 'yes' } } : {}),
  });
  const hits = (path: string) => t.sink.arrivals.filter((a) => a.path === path);

  it('changes fields with PATCH and recomputes the next run when the schedule changes', async () => {
    const job = await t.api.createJob({ name: 'before', url: `${t.sink.url}/patch`, schedule: yearly, tags: ['a'] });
    const renamed = await t.api.request('PATCH', `/v1/jobs/${job.id}`, { name: 'after', description: 'why', tags: ['b', 'c'] });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: 'after', description: 'why', tags: ['b', 'c'], nextRunAt: job.nextRunAt, url: job.url });
    const rescheduled = await t.api.request('PATCH', `/v1/jobs/${job.id}`, { schedule: { type: 'once', delay: 300 } });
    expect(Date.parse(rescheduled.body.data.nextRunAt)).toBeLessThan(Date.parse(job.nextRunAt));
    await eventually(() => (hits('/patch').length === 1 ? true : undefined));
    expect((await t.api.request('PATCH', `/v1/jobs/${job.id}`, { colour: 'red' })).status).toBe(422);
    expect((await t.api.request('PATCH', `/v1/jobs/${job.id}`, {})).status).toBe(422);
    const bad = await t.api.request('PATCH', `/v1/jobs/${job.id}`, { schedule: { type: 'cron', expression: 'x' } });
    expect(bad.body.error.details[0].field).toBe('schedule.expression');
  });

  it('replaces a job with PUT, resetting what the body leaves out', async () => {
    const job = await t.api.createJob({ name: 'full', description: 'd', tags: ['x'], url: `${t.sink.url}/put`, headers: { 'x-a': '1' }, schedule: yearly });
    const r = await t.api.request('PUT', `/v1/jobs/${job.id}`, { url: `${t.sink.url}/put2`, schedule: yearly });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ name: null, description: null, tags: [], headers: {}, url: `${t.sink.url}/put2` });
    expect((await t.api.request('PUT', `/v1/jobs/${job.id}`, { url: `${t.sink.url}/put2` })).status).toBe(422);
  });

  it('pauses and resumes a recurring job: nothing fires while paused, the schedule resumes from now', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/pause`, schedule: { type: 'interval', every: '1s' } });
    await eventually(() => (hits('/pause').length >= 1 ? true : undefined));
    const paused = await t.api.request('POST', `/v1/jobs/${job.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.data).toMatchObject({ status: 'paused', nextRunAt: null });
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/pause`)).status).toBe(409);
    await sleep(300); // a delivery already in flight may still land
    const count = hits('/pause').length;
    await sleep(1_500);
    expect(hits('/pause').length).toBe(count);
    const resumedAt = Date.now();
    const resumed = await t.api.request('POST', `/v1/jobs/${job.id}/resume`);
    expect(resumed.body.data.status).toBe('active');
    expect(Date.parse(resumed.body.data.nextRunAt)).toBeGreaterThanOrEqual(resumedAt + 900);
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/resume`)).status).toBe(409);
    await eventually(() => (hits('/pause').length > count ? true : undefined), 3_000);
    await t.api.request('DELETE', `/v1/jobs/${job.id}`);
  });

  it('keeps a one-time job\'s instant across pause and resume', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/once-pause`, schedule: { type: 'once', delay: 60_000 } });
    await t.api.request('POST', `/v1/jobs/${job.id}/pause`);
    const resumed = await t.api.request('POST', `/v1/jobs/${job.id}/resume`);
    expect(resumed.body.data.nextRunAt).toBe(job.nextRunAt);
  });

  it('accepts status in PATCH like pause and resume', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/status`, schedule: yearly });
    expect((await t.api.request('PATCH', `/v1/jobs/${job.id}`, { status: 'paused' })).body.data.status).toBe('paused');
    expect((await t.api.request('PATCH', `/v1/jobs/${job.id}`, { status: 'active' })).body.data.status).toBe('active');
  });

  it('cancels a job for good', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/cancel`, schedule: { type: 'once', delay: 400 } });
    const r = await t.api.request('POST', `/v1/jobs/${job.id}/cancel`);
    expect(r.body.data).toMatchObject({ status: 'cancelled', nextRunAt: null });
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/cancel`)).status).toBe(409);
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/resume`)).status).toBe(409);
    await sleep(800);
    expect(hits('/cancel')).toHaveLength(0);
  });

  it('runs a job now, outside its schedule, also when paused', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/now`, schedule: yearly });
    await t.api.request('POST', `/v1/jobs/${job.id}/pause`);
    const r = await t.api.request('POST', `/v1/jobs/${job.id}/run`);
    expect(r.status).toBe(202);
    expect(r.body.data).toMatchObject({ jobId: job.id, triggeredBy: 'manual', status: 'pending' });
    await eventually(() => (hits('/now').length === 1 ? true : undefined));
    const executions = await eventually(async () => {
      const e = await t.api.request('GET', `/v1/jobs/${job.id}/executions`);
      return e.body.data.length === 1 ? e.body.data : undefined;
    });
    expect(executions[0]).toMatchObject({ triggeredBy: 'manual', status: 'success', deliveryId: r.body.data.deliveryId });
    const after = await t.api.request('GET', `/v1/jobs/${job.id}`);
    expect(after.body.data).toMatchObject({ status: 'paused', nextRunAt: null });
  });

  it('waits for a run now and returns what the target answered', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/answer`, payload: { q: 1 }, schedule: yearly });
    const r = await t.api.request('POST', `/v1/jobs/${job.id}/run?wait=true`);
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ status: 'success', statusCode: 201, responseBody: '{"ok":true}', triggeredBy: 'manual' });
    expect(r.body.data.responseHeaders['x-reply']).toBe('yes');
    expect(typeof r.body.data.durationMs).toBe('number');
    expect(r.body.data.request).toMatchObject({ method: 'POST', url: `${t.sink.url}/answer`, body: '{"q":1}' });
    expect(r.body.data.request.headers['webhook-id']).toBe(r.body.data.deliveryId);
  });

  it('does not keep response bodies when told not to', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/answer`, storeResponseBody: false, schedule: yearly });
    const r = await t.api.request('POST', `/v1/jobs/${job.id}/run?wait=true`);
    expect(r.body.data).toMatchObject({ statusCode: 201, responseBody: null });
  });

  it('filters the job list by status, tag, space and name', async () => {
    const p = new Api(t.server.url);
    await p.register('filters');
    const space = (await p.request('POST', '/v1/spaces', { name: 'ops' })).body.data;
    const a = await p.createJob({ name: 'Nightly Backup', tags: ['db', 'nightly'], url: `${t.sink.url}/f`, schedule: yearly });
    const b = await p.createJob({ name: 'report', tags: ['nightly'], spaceId: space.id, url: `${t.sink.url}/f`, schedule: yearly });
    const c = await p.createJob({ name: 'backup 100%_done', url: `${t.sink.url}/f`, schedule: yearly });
    await p.request('POST', `/v1/jobs/${c.id}/pause`);
    const ids = async (q: string) => (await p.request('GET', `/v1/jobs?${q}`)).body.data.map((j: { id: string }) => j.id).sort();
    expect(await ids('status=paused')).toEqual([c.id]);
    expect(await ids('tag=nightly')).toEqual([a.id, b.id].sort());
    expect(await ids('tag=db')).toEqual([a.id]);
    expect(await ids('tag=night')).toEqual([]);
    expect(await ids(`spaceId=${space.id}`)).toEqual([b.id]);
    expect(await ids('q=BACKUP')).toEqual([a.id, c.id].sort());
    expect(await ids('q=100%25_')).toEqual([c.id]);
    expect((await p.request('GET', '/v1/jobs?status=sleeping')).status).toBe(422);
  });

  it('lists executions across jobs, shows one, and replays it', async () => {
    const p = new Api(t.server.url);
    await p.register('executions');
    const job = await p.createJob({ url: `${t.sink.url}/replay`, payload: { n: 1 }, schedule: { type: 'once', delay: 50 } });
    const first = await eventually(async () => (await p.request('GET', '/v1/executions')).body.data[0]);
    expect(first).toMatchObject({ jobId: job.id, status: 'success', triggeredBy: 'schedule', replayOf: null });
    const one = await p.request('GET', `/v1/executions/${first.id}`);
    expect(one.body.data.request).toMatchObject({ method: 'POST', body: '{"n":1}' });
    const replay = await p.request('POST', `/v1/executions/${first.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body.data).toMatchObject({ replayOf: first.id, triggeredBy: 'replay' });
    const replayed = await eventually(async () => (await p.request('GET', '/v1/executions?triggeredBy=replay')).body.data[0]);
    expect(replayed).toMatchObject({ jobId: job.id, replayOf: first.id, status: 'success' });
    expect(replayed.deliveryId).not.toBe(first.deliveryId);
    expect(hits('/replay')).toHaveLength(2);
    expect((await p.request('GET', `/v1/executions?jobId=${job.id}`)).body.meta.total).toBe(2);
    expect((await p.request('GET', '/v1/executions?status=failed')).body.meta.total).toBe(0);
    const since = new Date(Date.parse(replayed.startedAt)).toISOString();
    expect((await p.request('GET', `/v1/executions?from=${since}`)).body.data.map((e: { id: string }) => e.id)).toEqual([replayed.id]);
    expect((await p.request('GET', '/v1/executions?from=yesterday')).status).toBe(422);
    expect((await p.request('GET', '/v1/executions/exe_missing')).status).toBe(404);
    const other = new Api(t.server.url);
    await other.register('other');
    expect((await other.request('GET', `/v1/executions/${first.id}`)).status).toBe(404);
    expect((await other.request('POST', `/v1/executions/${first.id}/replay`)).status).toBe(404);
  });

  it('keeps another project\'s job out of reach of every action', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/private`, schedule: yearly });
    const other = new Api(t.server.url);
    await other.register('intruder');
    for (const [method, path, body] of [
      ['PATCH', `/v1/jobs/${job.id}`, { name: 'x' }],
      ['PUT', `/v1/jobs/${job.id}`, { url: `${t.sink.url}/x`, schedule: yearly }],
      ['POST', `/v1/jobs/${job.id}/pause`, undefined],
      ['POST', `/v1/jobs/${job.id}/resume`, undefined],
      ['POST', `/v1/jobs/${job.id}/cancel`, undefined],
      ['POST', `/v1/jobs/${job.id}/run`, undefined],
    ] as const) {
      expect((await other.request(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    const bulk = await other.request('POST', '/v1/jobs/bulk', { jobIds: [job.id], action: 'delete' });
    expect(bulk.body.data).toMatchObject({ succeeded: 0, failed: 1 });
    expect((await t.api.request('GET', `/v1/jobs/${job.id}`)).status).toBe(200);
  });

  it('refuses changes from a read-only key', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/ro`, schedule: yearly });
    const key = (await t.api.request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] })).body.data.key;
    const reader = new Api(t.server.url, key);
    expect((await reader.request('GET', `/v1/jobs/${job.id}`)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/v1/jobs', { url: `${t.sink.url}/x`, schedule: yearly }],
      ['PATCH', `/v1/jobs/${job.id}`, { name: 'x' }],
      ['POST', `/v1/jobs/${job.id}/pause`, undefined],
      ['POST', `/v1/jobs/${job.id}/run`, undefined],
      ['POST', '/v1/jobs/bulk', { jobIds: [job.id], action: 'pause' }],
      ['POST', '/v1/spaces', { name: 's' }],
      ['DELETE', `/v1/jobs/${job.id}`, undefined],
    ] as const) {
      const r = await reader.request(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
  });
});

describe.each(databaseKinds)('spaces, bulk actions and idempotency on %s', (kind) => {
  const t = useTestServer(kind, { project: 'spaces' });
  const url = 'http://127.0.0.1:9/never';

  it('creates, lists, renames and deletes spaces, with job counts', async () => {
    const created = await t.api.request('POST', '/v1/spaces', { name: 'Billing', timezone: 'Europe/Berlin' });
    expect(created.status).toBe(201);
    const space = created.body.data;
    expect(space).toMatchObject({ name: 'Billing', timezone: 'Europe/Berlin', jobCount: 0 });
    expect(space.id).toMatch(/^sp_/);
    expect((await t.api.request('POST', '/v1/spaces', { name: 'x'.repeat(51) })).body.error.details[0].field).toBe('name');
    expect((await t.api.request('POST', '/v1/spaces', { name: 'tz', timezone: 'Moon/Base' })).body.error.details[0].field).toBe('timezone');
    const job = await t.api.createJob({ url, spaceId: space.id, schedule: { type: 'daily', times: ['09:00'] } });
    // A recurring job without its own zone takes the space's.
    expect(job.schedule.timezone).toBe('Europe/Berlin');
    expect((await t.api.createJob({ url, spaceId: space.id, schedule: { type: 'daily', times: ['09:00'], timezone: 'UTC' } })).schedule.timezone).toBe('UTC');
    expect((await t.api.request('POST', '/v1/jobs', { url, spaceId: 'sp_missing', schedule: yearly })).body.error.details[0].field).toBe('spaceId');
    const listed = await t.api.request('GET', '/v1/spaces');
    expect(listed.body.data[0]).toMatchObject({ id: space.id, jobCount: 2, activeJobCount: 2 });
    expect((await t.api.request('PATCH', `/v1/spaces/${space.id}`, { name: 'Finance' })).body.data.name).toBe('Finance');
    const refused = await t.api.request('DELETE', `/v1/spaces/${space.id}`);
    expect(refused.status).toBe(409);
    const jobs = (await t.api.request('GET', `/v1/jobs?spaceId=${space.id}`)).body.data.map((j: { id: string }) => j.id);
    await t.api.request('POST', '/v1/jobs/bulk', { jobIds: jobs, action: 'delete' });
    expect((await t.api.request('DELETE', `/v1/spaces/${space.id}`)).status).toBe(204);
    expect((await t.api.request('GET', `/v1/spaces/${space.id}`)).status).toBe(404);
  });

  it('pauses a space and resumes only the jobs its pause paused', async () => {
    const space = (await t.api.request('POST', '/v1/spaces', { name: 'batch' })).body.data;
    const a = await t.api.createJob({ url, spaceId: space.id, schedule: yearly });
    const b = await t.api.createJob({ url, spaceId: space.id, schedule: yearly });
    await t.api.request('POST', `/v1/jobs/${b.id}/pause`);
    const paused = await t.api.request('POST', `/v1/spaces/${space.id}/pause`);
    expect(paused.body.data).toMatchObject({ jobsAffected: 1, space: { pausedJobCount: 2 } });
    const resumed = await t.api.request('POST', `/v1/spaces/${space.id}/resume`);
    expect(resumed.body.data.jobsAffected).toBe(1);
    expect((await t.api.request('GET', `/v1/jobs/${a.id}`)).body.data.status).toBe('active');
    expect((await t.api.request('GET', `/v1/jobs/${b.id}`)).body.data.status).toBe('paused');
  });

  it('applies bulk actions job by job, reporting those that fail', async () => {
    const space = (await t.api.request('POST', '/v1/spaces', { name: 'target' })).body.data;
    const a = await t.api.createJob({ url, tags: ['keep'], schedule: yearly });
    const b = await t.api.createJob({ url, schedule: yearly });
    const pause = await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id, b.id, 'job_nope'], action: 'pause' });
    expect(pause.status).toBe(200);
    expect(pause.body.data).toEqual({ succeeded: 2, failed: 1, errors: [{ jobId: 'job_nope', code: 'not_found', message: expect.any(String) }] });
    const again = await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id], action: 'pause' });
    expect(again.body.data.errors[0].code).toBe('conflict');
    expect((await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id, b.id], action: 'resume' })).body.data.succeeded).toBe(2);
    await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id, b.id], action: 'add_tags', tags: ['x', 'y'] });
    await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id], action: 'remove_tags', tags: ['keep', 'y'] });
    expect((await t.api.request('GET', `/v1/jobs/${a.id}`)).body.data.tags).toEqual(['x']);
    expect((await t.api.request('GET', `/v1/jobs/${b.id}`)).body.data.tags).toEqual(['x', 'y']);
    expect((await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id], action: 'move_to_space', spaceId: space.id })).body.data.succeeded).toBe(1);
    expect((await t.api.request('GET', `/v1/jobs/${a.id}`)).body.data.spaceId).toBe(space.id);
    expect((await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id], action: 'move_to_space' })).body.error.details[0].field).toBe('spaceId');
    expect((await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id], action: 'move_to_space', spaceId: 'sp_nope' })).status).toBe(422);
    expect((await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id], action: 'explode' })).body.error.details[0].field).toBe('action');
    const tooMany = Array.from({ length: 101 }, (_, i) => `job_${i}`);
    expect((await t.api.request('POST', '/v1/jobs/bulk', { jobIds: tooMany, action: 'pause' })).body.error.details[0].field).toBe('jobIds');
    expect((await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [a.id, b.id], action: 'delete' })).body.data.succeeded).toBe(2);
    expect((await t.api.request('GET', `/v1/jobs/${a.id}`)).status).toBe(404);
  });

  it('makes creation safe to retry with an Idempotency-Key', async () => {
    const body = { url, schedule: yearly, name: 'once only' };
    const first = await t.api.request('POST', '/v1/jobs', body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    const repeat = await t.api.request('POST', '/v1/jobs', body, { 'idempotency-key': 'k-1' });
    expect(repeat.status).toBe(200);
    expect(repeat.body.data.id).toBe(first.body.data.id);
    const other = await t.api.request('POST', '/v1/jobs', { ...body, name: 'another' }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('conflict');
    const viaField = await t.api.request('POST', '/v1/jobs', { ...body, idempotencyKey: 'k-2' });
    expect((await t.api.request('POST', '/v1/jobs', { ...body, idempotencyKey: 'k-2' })).body.data.id).toBe(viaField.body.data.id);
    // The key belongs to the project: another project may use the same one.
    const elsewhere = new Api(t.server.url);
    await elsewhere.register('elsewhere');
    expect((await elsewhere.request('POST', '/v1/jobs', body, { 'idempotency-key': 'k-1' })).status).toBe(201);
  });

  it('keeps spaces to their project and every new endpoint behind a key', async () => {
    const space = (await t.api.request('POST', '/v1/spaces', { name: 'mine' })).body.data;
    const other = new Api(t.server.url);
    await other.register('other');
    for (const [method, path, body] of [
      ['GET', `/v1/spaces/${space.id}`, undefined],
      ['PATCH', `/v1/spaces/${space.id}`, { name: 'x' }],
      ['DELETE', `/v1/spaces/${space.id}`, undefined],
      ['POST', `/v1/spaces/${space.id}/pause`, undefined],
      ['POST', `/v1/spaces/${space.id}/resume`, undefined],
    ] as const) {
      expect((await other.request(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await other.request('POST', '/v1/jobs', { url, spaceId: space.id, schedule: yearly })).status).toBe(422);
    const anonymous = new Api(t.server.url);
    for (const [method, path] of [
      ['GET', '/v1/spaces'],
      ['POST', '/v1/jobs/bulk'],
      ['GET', '/v1/executions'],
      ['GET', '/v1/usage'],
      ['POST', `/v1/spaces/${space.id}/pause`],
    ] as const) {
      const r = await anonymous.request(method, path, method === 'POST' ? {} : undefined);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
  });

  it('creates one job for concurrent repeats of one key', async () => {
    const p = new Api(t.server.url);
    await p.register('race');
    const body = { url, schedule: yearly };
    const results = await Promise.all(Array.from({ length: 12 }, () => p.request('POST', '/v1/jobs', body, { 'idempotency-key': 'race' })));
    expect(results.map((r) => r.status).sort()).toEqual([...Array(11).fill(200), 201]);
    expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1);
    expect((await p.request('GET', '/v1/jobs')).body.meta.total).toBe(1);
  });
});

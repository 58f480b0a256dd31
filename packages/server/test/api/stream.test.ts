import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { EventStreamClient } from '../support/eventStream.js';
import { eventually, usePeer, useTestServer } from '../support/server.js';
import { drainTimeoutMs } from '../../src/api/v1/routes/stream.js';

describe.each(databaseKinds)('GET /v1/stream on %s', (kind) => {
  const t = useTestServer(kind, { project: 'stream' });
  const streams: EventStreamClient[] = [];
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
  });

  async function open(query = '', headers: Record<string, string> = { authorization: `Bearer ${t.api.key}` }): Promise<EventStreamClient> {
    const s = await EventStreamClient.open(`${t.server.url}/v1/stream${query}`, headers);
    streams.push(s);
    return s;
  }

  async function runOnce(path = '/ok'): Promise<{ job: any; execution: any }> {
    const job = await t.api.createJob({ name: path, url: `${t.sink.url}${path}`, method: 'POST', schedule: { type: 'cron', expression: '@yearly' } });
    const run = await t.api.request('POST', `/v1/jobs/${job.id}/run?wait=true`);
    expect(run.status).toBe(200);
    return { job, execution: run.body.data };
  }

  it('sends each new execution as GET /v1/executions/:id gives it, with its id, and the job it changed', async () => {
    const s = await open();
    expect(s.status).toBe(200);
    expect(s.contentType).toMatch(/^text\/event-stream/);
    const { job, execution } = await runOnce('/first');
    const e = await s.waitFor((e) => e.event === 'execution' && e.id === execution.id);
    const read = await t.api.request('GET', `/v1/executions/${execution.id}`);
    expect(e.data).toEqual(read.body.data);
    const changed = await s.waitFor((e) => e.event === 'job' && e.data.id === job.id && e.data.lastStatus === 'success');
    expect(changed.data).toEqual((await t.api.request('GET', `/v1/jobs/${job.id}`)).body.data);
  });

  it('sends job changes: created, paused, resumed, deleted', async () => {
    const s = await open();
    const job = await t.api.createJob({ name: 'changes', url: `${t.sink.url}/c`, schedule: { type: 'interval', every: '1h' } });
    await s.waitFor((e) => e.event === 'job' && e.data.id === job.id && e.data.status === 'active');
    await t.api.request('POST', `/v1/jobs/${job.id}/pause`);
    await s.waitFor((e) => e.event === 'job' && e.data.id === job.id && e.data.status === 'paused');
    await t.api.request('POST', '/v1/jobs/bulk', { jobIds: [job.id], action: 'resume' });
    const resumed = await s.waitFor((e) => e.event === 'job' && e.data.id === job.id && e.data.status === 'active' && s.events.indexOf(e) > s.events.findIndex((p) => p.data.status === 'paused'));
    expect(resumed.data.nextRunAt).not.toBeNull();
    expect((await t.api.request('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);
    expect((await s.waitFor((e) => e.event === 'job.deleted')).data).toEqual({ id: job.id });
  });

  it('takes a short-lived stream token in the query, for EventSource', async () => {
    const issued = await t.api.request('POST', '/v1/stream/tokens');
    expect(issued.status).toBe(201);
    const { token, expiresAt } = issued.body.data;
    const lifetime = Date.parse(expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(4 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(5 * 60_000);
    const s = await open(`?token=${encodeURIComponent(token)}`, {});
    expect(s.status).toBe(200);
    const { execution } = await runOnce('/token');
    await s.waitFor((e) => e.id === execution.id);
    // Good for the stream alone.
    const elsewhere = await new Api(t.server.url, token).request('GET', '/v1/jobs');
    expect(elsewhere.status).toBe(401);
  });

  it('refuses a missing, forged or revoked credential, and a bad Last-Event-ID', async () => {
    const none = await open('', {});
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const forged = await open('?token=eyJhbGciOiJIUzI1NiJ9.e30.x', {});
    expect(forged.status).toBe(401);
    expect(forged.body.error.details[0].field).toBe('token');

    const key = await t.api.request('POST', '/v1/api-keys', { name: 'short-lived', scopes: ['read'] });
    expect(key.status).toBe(201);
    const token = (await new Api(t.server.url, key.body.data.key).request('POST', '/v1/stream/tokens')).body.data.token;
    expect((await t.api.request('DELETE', `/v1/api-keys/${key.body.data.id}`)).status).toBe(204);
    expect((await open(`?token=${encodeURIComponent(token)}`, {})).status).toBe(401);

    // Scopes nest: a write key reads too.
    const writeOnly = await t.api.request('POST', '/v1/api-keys', { name: 'writer', scopes: ['write'] });
    expect((await new Api(t.server.url, writeOnly.body.data.key).request('POST', '/v1/stream/tokens')).status).toBe(201);
    expect((await open('', { authorization: `Bearer ${writeOnly.body.data.key}` })).status).toBe(200);

    const bad = await open('', { authorization: `Bearer ${t.api.key}`, 'last-event-id': 'nonsense' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe('Last-Event-ID');
    expect((await open('?jobId=job_none')).status).toBe(404);
  });

  it('resumes after Last-Event-ID with the executions recorded since, in order', async () => {
    const a = await runOnce('/r1');
    const b = await runOnce('/r2');
    const c = await runOnce('/r3');
    const s = await open('', { authorization: `Bearer ${t.api.key}`, 'last-event-id': a.execution.id });
    const replayed = await eventually(() => {
      const ids = s.events.filter((e) => e.event === 'execution').map((e) => e.id);
      return ids.length >= 2 ? ids : undefined;
    });
    expect(replayed.slice(0, 2)).toEqual([b.execution.id, c.execution.id]);
    const q = await open(`?lastEventId=${b.execution.id}`);
    expect((await q.waitFor((e) => e.event === 'execution')).id).toBe(c.execution.id);
  });

  it("follows one job with ?jobId", async () => {
    const mine = await t.api.createJob({ name: 'mine', url: `${t.sink.url}/mine`, method: 'POST', schedule: { type: 'cron', expression: '@yearly' } });
    const s = await open(`?jobId=${mine.id}`);
    await runOnce('/other');
    const run = await t.api.request('POST', `/v1/jobs/${mine.id}/run?wait=true`);
    await s.waitFor((e) => e.id === run.body.data.id);
    expect(s.events.every((e) => (e.event === 'execution' ? e.data.jobId : e.data.id) === mine.id)).toBe(true);
  });

  it("does not show another project's events", async () => {
    const other = new Api(t.server.url);
    await other.register('elsewhere');
    const s = await EventStreamClient.open(`${t.server.url}/v1/stream`, { authorization: `Bearer ${other.key}` });
    streams.push(s);
    const { execution } = await runOnce('/private');
    const own = await other.createJob({ url: `${t.sink.url}/own`, method: 'POST', schedule: { type: 'cron', expression: '@yearly' } });
    await s.waitFor((e) => e.event === 'job' && e.data.id === own.id);
    expect(s.events.some((e) => e.id === execution.id)).toBe(false);
  });
});

describe('GET /v1/stream across two postgres nodes', () => {
  const a = useTestServer('postgres', { project: 'cluster' });
  const b = usePeer(a);

  it('shows on one node the executions and job changes made on the other', async () => {
    const { api: onA, sink } = a;
    const onB = new Api(b.server.url, onA.key);
    const s = await EventStreamClient.open(`${a.server.url}/v1/stream`, { authorization: `Bearer ${onA.key}` });
    try {
      const job = await onB.createJob({ name: 'on b', url: `${sink.url}/b`, method: 'POST', schedule: { type: 'cron', expression: '@yearly' } });
      await s.waitFor((e) => e.event === 'job' && e.data.id === job.id);
      const run = await onB.request('POST', `/v1/jobs/${job.id}/run?wait=true`);
      expect(run.status).toBe(200);
      const e = await s.waitFor((e) => e.event === 'execution' && e.id === run.body.data.id);
      expect(e.data).toEqual((await onA.request('GET', `/v1/executions/${run.body.data.id}`)).body.data);
      expect((await onB.request('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);
      await s.waitFor((e) => e.event === 'job.deleted' && e.data.id === job.id);
    } finally {
      await s.close();
    }
  });
});

describe('a stream client that stops reading', () => {
  const big = 'x'.repeat(90 * 1024);
  const t = useTestServer('sqlite', { project: 'slow', respond: () => ({ body: big }) });

  it('is dropped instead of buffered without limit', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/big`, method: 'POST', storeResponseBody: true, schedule: { type: 'cron', expression: '@yearly' } });
    const url = new URL(t.server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.write(`GET /v1/stream HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${t.api.key}\r\nAccept: text/event-stream\r\n\r\n`);
    socket.pause();
    // About 100 KiB per execution: far past what the connection may hold plus the socket buffers.
    for (let i = 0; i < 120 && !closed; i++) await t.api.request('POST', `/v1/jobs/${job.id}/run?wait=true`);
    // Longer than the server waits for a client to read (drainTimeoutMs).
    await new Promise((resolve) => setTimeout(resolve, drainTimeoutMs + 2_000));
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => {});
    socket.resume();
    // Dropped by the server: once read, the stream ends rather than going on.
    await eventually(() => (closed ? true : undefined), 20_000, 'the server to drop the connection');
    expect(received).toBeLessThan(120 * 90 * 1024);
  }, 60_000);
});

import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { databaseKinds, type Arrival } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

const json = (a: Arrival) => JSON.parse(a.body) as any;
const at = (arrivals: readonly Arrival[], path: string) => arrivals.filter((a) => a.path === path);

describe.each(databaseKinds)('follow-ups, callbacks and lifecycle events on %s', (kind) => {
  const t = useTestServer(kind, {
    // The target answers 500 on /fail, and the first attempt at /flaky-callback fails.
    respond: (a, sink) => {
      if (a.path.startsWith('/fail')) return { status: 500, body: 'broken' };
      if (a.path === '/flaky-callback' && at(sink.arrivals, '/flaky-callback').length === 1) return { status: 503 };
      if (a.path === '/always-down') return { status: 502, body: 'down' };
      return { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json', 'x-answer': '42' } };
    },
    tuning: { messageRetryMs: 100 },
  });

  it('onComplete runs a one-time follow-up job that posts the original payload, with no follow-up of its own', async () => {
    const { api, sink } = t;
    const job = await api.createJob({ name: 'invoice', url: `${sink.url}/invoice`, payload: { invoiceId: 'inv_456' }, schedule: { type: 'once', delay: 10 }, onComplete: `${sink.url}/receipt` });
    expect(job.onComplete).toBe(`${sink.url}/receipt`);
    const receipt = await eventually(() => at(sink.arrivals, '/receipt')[0], 10_000, 'the follow-up');
    expect(receipt.method).toBe('POST');
    expect(json(receipt)).toEqual({ invoiceId: 'inv_456' });
    expect(receipt.headers['content-type']).toBe('application/json');

    const list = await api.request('GET', '/v1/jobs?tag=follow-up');
    const followUp = list.body.data.find((j: any) => j.parentJobId === job.id);
    expect(followUp).toMatchObject({ url: `${sink.url}/receipt`, onComplete: null, callbackUrl: null, eventsUrl: null, parentJobId: job.id });
    await eventually(async () => ((await api.request('GET', `/v1/jobs/${followUp.id}`)).body.data.status === 'completed' ? true : undefined), 5_000, 'follow-up completed');
    await new Promise((r) => setTimeout(r, 300));
    expect(at(sink.arrivals, '/receipt')).toHaveLength(1);
  });

  it('a job that does not store response bodies still hands its callback the answer', async () => {
    const { api, sink } = t;
    const job = await api.createJob({ url: `${sink.url}/unstored`, schedule: { type: 'once', delay: 10 }, storeResponseBody: false, callbackUrl: `${sink.url}/unstored-callback` });
    const call = await eventually(() => at(sink.arrivals, '/unstored-callback')[0], 10_000, 'the callback');
    expect(json(call)).toMatchObject({ jobId: job.id, status: 'success', statusCode: 200, responseBody: '{"ok":true}' });
    expect(json(call).responseHeaders['x-answer']).toBe('42');
    const executions = (await api.request('GET', `/v1/jobs/${job.id}/executions`)).body.data as any[];
    expect(executions).toHaveLength(1);
    expect(executions[0].responseBody).toBeNull();
  });

  it('a failed run makes no follow-up', async () => {
    const { api, sink } = t;
    const job = await api.createJob({ url: `${sink.url}/fail-no-follow`, schedule: { type: 'once', delay: 10 }, retryPolicy: { strategy: 'none' }, onComplete: `${sink.url}/never` });
    await eventually(async () => ((await api.request('GET', `/v1/jobs/${job.id}`)).body.data.status === 'failed' ? true : undefined), 5_000, 'job failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(at(sink.arrivals, '/never')).toHaveLength(0);
  });

  it('callbackUrl receives each run’s result, signed, and a failed callback is retried', async () => {
    const { api, sink } = t;
    const secret = (await api.request('POST', '/v1/signing-secrets')).body.data.secret as string;
    const job = await api.createJob({ url: `${sink.url}/with-callback`, payload: { a: 1 }, schedule: { type: 'once', delay: 10 }, callbackUrl: `${sink.url}/flaky-callback` });
    const calls = await eventually(() => (at(sink.arrivals, '/flaky-callback').length >= 2 ? at(sink.arrivals, '/flaky-callback') : undefined), 10_000, 'callback retried');
    // The retry is the same message: same webhook-id, body and a valid signature.
    expect(calls[1]!.headers['webhook-id']).toBe(calls[0]!.headers['webhook-id']);
    expect(calls[1]!.body).toBe(calls[0]!.body);
    const verified = new Webhook(secret).verify(calls[1]!.body, calls[1]!.headers as Record<string, string>) as any;
    expect(verified).toMatchObject({ jobId: job.id, status: 'success', statusCode: 200, attempt: 1, responseBody: '{"ok":true}' });
    expect(verified.responseHeaders['x-answer']).toBe('42');
    expect(typeof verified.durationMs).toBe('number');
    expect(verified.executionId).toMatch(/^exe_/);
    expect(calls[0]!.headers['kairos-event']).toBe('callback');
    await api.request('DELETE', '/v1/signing-secrets/' + (await api.request('GET', '/v1/signing-secrets')).body.data[0].id);
  });

  it('callbacks are not retried forever: a callback target that stays down gets three attempts', async () => {
    const { api, sink } = t;
    await api.createJob({ url: `${sink.url}/ok-target`, schedule: { type: 'once', delay: 10 }, callbackUrl: `${sink.url}/always-down` });
    await eventually(() => (at(sink.arrivals, '/always-down').length >= 3 ? true : undefined), 10_000, 'three callback attempts');
    // 100 ms, then 400 ms, then it is given up; a fourth would have come 1.6 s later.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(at(sink.arrivals, '/always-down')).toHaveLength(3);
  });

  it('failureCallbackUrl is called once, when the run is dead-lettered, and callbackUrl after the run ends', async () => {
    const { api, sink } = t;
    const job = await api.createJob({
      url: `${sink.url}/fail-twice`,
      schedule: { type: 'once', delay: 10 },
      retryPolicy: { strategy: 'fixed', maxRetries: 1, initialDelayMs: 50 },
      callbackUrl: `${sink.url}/cb-after-run`,
      failureCallbackUrl: `${sink.url}/cb-failure`,
    });
    const failure = await eventually(() => at(sink.arrivals, '/cb-failure')[0], 10_000, 'failure callback');
    expect(json(failure)).toMatchObject({ jobId: job.id, status: 'dead_letter', statusCode: 500, attempt: 2, responseBody: 'broken' });
    await eventually(() => at(sink.arrivals, '/cb-after-run')[0], 5_000, 'run callback');
    await new Promise((r) => setTimeout(r, 300));
    expect(at(sink.arrivals, '/fail-twice')).toHaveLength(2);
    expect(at(sink.arrivals, '/cb-failure')).toHaveLength(1);
    // Sent once the run ended, not after the first (retried) attempt.
    expect(at(sink.arrivals, '/cb-after-run')).toHaveLength(1);
    expect(json(at(sink.arrivals, '/cb-after-run')[0]!).attempt).toBe(2);
  });

  it('eventsUrl receives the lifecycle of every attempt in order', async () => {
    const { api, sink } = t;
    const job = await api.createJob({
      url: `${sink.url}/fail-events`,
      payload: { x: 1 },
      schedule: { type: 'once', delay: 10 },
      retryPolicy: { strategy: 'fixed', maxRetries: 1, initialDelayMs: 50 },
      eventsUrl: `${sink.url}/events`,
    });
    const events = await eventually(() => (at(sink.arrivals, '/events').length >= 9 ? at(sink.arrivals, '/events').map(json) : undefined), 10_000, 'lifecycle events');
    expect(events.map((e) => e.type)).toEqual([
      'job.started', 'job.request', 'job.response', 'job.error',
      'job.started', 'job.request', 'job.response', 'job.error', 'job.finished',
    ]);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
      expect(e.data.jobId).toBe(job.id);
      expect(Number.isNaN(Date.parse(e.createdAt))).toBe(false);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(9);
    expect(events[1].data).toMatchObject({ method: 'POST', url: `${sink.url}/fail-events`, body: '{"x":1}' });
    expect(events[2].data).toMatchObject({ statusCode: 500, body: 'broken' });
    expect(events[3].data).toMatchObject({ willRetry: true, attempt: 1 });
    expect(events[7].data).toMatchObject({ willRetry: false, attempt: 2, status: 'dead_letter' });
    expect(events[8].data).toMatchObject({ status: 'dead_letter', attempt: 2 });
    expect(at(sink.arrivals, '/events')[0]!.headers['webhook-id']).toBe(events[0].id);
  });

  it('refuses private and malformed follow-up URLs with 422 naming the field', async () => {
    const { api, sink } = t;
    for (const field of ['onComplete', 'callbackUrl', 'failureCallbackUrl', 'eventsUrl']) {
      const r = await api.request('POST', '/v1/jobs', { url: `${sink.url}/x`, schedule: { type: 'once', delay: 1000 }, [field]: 'http://169.254.169.254/latest' });
      expect(r.status, field).toBe(422);
      expect(r.body.error.details[0].field).toBe(field);
      const bad = await api.request('POST', '/v1/jobs', { url: `${sink.url}/x`, schedule: { type: 'once', delay: 1000 }, [field]: 'ftp://example.com/' });
      expect(bad.status, field).toBe(422);
      const wrongType = await api.request('POST', '/v1/jobs', { url: `${sink.url}/x`, schedule: { type: 'once', delay: 1000 }, [field]: 5 });
      expect(wrongType.status, field).toBe(422);
      expect(wrongType.body.error.details[0].field).toBe(field);
    }
  });

  it('PATCH sets and clears follow-up URLs', async () => {
    const { api, sink } = t;
    const job = await api.createJob({ url: `${sink.url}/x`, schedule: { type: 'once', delay: 60_000 } });
    const set = await api.request('PATCH', `/v1/jobs/${job.id}`, { callbackUrl: `${sink.url}/cb` });
    expect(set.status).toBe(200);
    expect(set.body.data.callbackUrl).toBe(`${sink.url}/cb`);
    const cleared = await api.request('PATCH', `/v1/jobs/${job.id}`, { callbackUrl: null });
    expect(cleared.body.data.callbackUrl).toBeNull();
  });
});

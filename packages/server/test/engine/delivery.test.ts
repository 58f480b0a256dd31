import { describe, expect, it } from 'vitest';
import { databaseKinds } from '@kairos/testkit';
import { eventually, executionsOf, useTestServer } from '../support/server.js';

describe.each(databaseKinds)('delivery outcomes on %s', (kind) => {
  const t = useTestServer(kind, {
    respond: (a, sink) => {
      if (a.path.startsWith('/fail')) return { status: 500, body: 'broken' };
      if (a.path.startsWith('/slow')) return { delayMs: 1_500 };
      if (a.path.startsWith('/big')) return { body: 'y'.repeat(300 * 1024) };
      if (a.path.startsWith('/flaky')) {
        const seen = sink.arrivals.filter((x) => x.path === a.path).length;
        return seen === 1 ? { status: 503 } : { status: 204, body: '' };
      }
      return {};
    },
  });


  const arrivalsAt = (path: string) => t.sink.arrivals.filter((a) => a.path === path);

  it('retries a failing target with fixed backoff, then dead-letters the run and fails the job', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/fail-fixed`, payload: {}, schedule: { type: 'once', delay: 50 }, retryPolicy: { maxRetries: 2, strategy: 'fixed', initialDelayMs: 200 } });
    const executions = await executionsOf(t.api, job.id, 3);
    expect(executions.map((e) => [e.attempt, e.status, e.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'dead_letter', 500],
    ]);
    expect(executions[0].responseBody).toBe('broken');
    expect(executions[0].error).toBe('HTTP 500');
    const hits = arrivalsAt('/fail-fixed');
    expect(hits).toHaveLength(3);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(200);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(200);
    // One run, one delivery id, across every attempt.
    expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
    expect(hits.map((h) => h.headers['kairos-attempt'])).toEqual(['1', '2', '3']);
    const final = await eventually(async () => {
      const r = await t.api.request('GET', `/v1/jobs/${job.id}`);
      return r.body.data.status === 'failed' ? r.body.data : undefined;
    });
    expect(final).toMatchObject({ lastStatus: 'dead_letter', lastStatusCode: 500, nextRunAt: null });
  });

  it('spaces exponential retries by the multiplier', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/fail-exp`, schedule: { type: 'once', delay: 50 }, retryPolicy: { maxRetries: 2, strategy: 'exponential', initialDelayMs: 150, multiplier: 3 } });
    await executionsOf(t.api, job.id, 3);
    const [a, b, c] = arrivalsAt('/fail-exp');
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(150);
    expect(b!.at - a!.at).toBeLessThan(450);
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(450);
  });

  it('completes a job whose retry succeeds', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/flaky`, schedule: { type: 'once', delay: 50 }, retryPolicy: { maxRetries: 3, strategy: 'fixed', initialDelayMs: 100 } });
    const executions = await executionsOf(t.api, job.id, 2);
    expect(executions.map((e) => [e.attempt, e.status, e.statusCode])).toEqual([
      [1, 'failed', 503],
      [2, 'success', 204],
    ]);
    await eventually(async () => ((await t.api.request('GET', `/v1/jobs/${job.id}`)).body.data.status === 'completed' ? true : undefined));
  });

  it('times out a target that answers too late', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/slow`, timeoutMs: 1_000, schedule: { type: 'once', delay: 50 }, retryPolicy: { maxRetries: 1, strategy: 'fixed', initialDelayMs: 100 } });
    const executions = await executionsOf(t.api, job.id, 2);
    expect(executions[0]).toMatchObject({ attempt: 1, status: 'timeout', statusCode: null, error: 'timed out after 1000 ms' });
    expect(executions[0].durationMs).toBeGreaterThanOrEqual(990);
    expect(executions[0].durationMs).toBeLessThan(1_400);
    expect(executions[1]).toMatchObject({ attempt: 2, status: 'dead_letter' });
  });

  it('keeps the first 100 KiB of a response body', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/big`, schedule: { type: 'once', delay: 50 } });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e.status).toBe('success');
    expect(e.responseBody).toHaveLength(100 * 1024);
  });

  it('records a refused connection as a failure with its reason', async () => {
    const job = await t.api.createJob({ url: 'http://127.0.0.1:1/nothing-listens', schedule: { type: 'once', delay: 50 }, retryPolicy: { strategy: 'none' } });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e.status).toBe('dead_letter');
    expect(e.error).toMatch(/ECONNREFUSED/);
  });
});

describe('delivery refuses private addresses a name resolves to', () => {
  // Loopback not allowed, as in production, and every name resolving to it.
  const t = useTestServer('sqlite', { config: { allowTargets: undefined }, start: { resolver: async () => ['127.0.0.1'] } });

  it('does not connect when the target host resolves to loopback', async () => {
    const { api, sink } = t;
    // The name passes the static check at creation; only its resolution shows it is local.
    const job = await api.createJob({ url: `http://sink.example:${sink.port}/rebind`, schedule: { type: 'once', delay: 50 }, retryPolicy: { strategy: 'none' } });
    const e = await eventually(async () => (await api.request('GET', `/v1/jobs/${job.id}/executions`)).body.data[0]);
    expect(e.status).toBe('dead_letter');
    expect(e.error).toMatch(/refused.*127\.0\.0\.1/);
    expect(sink.arrivals).toHaveLength(0);
  });
});

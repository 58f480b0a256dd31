import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { eventually, useTestServer } from '../support/server.js';

/**
 * Issue 14: at the default `info` level the log shows each failed delivery (job, run, status,
 * error) and each request answered with a 5xx; successful deliveries only at `debug`.
 */
describe.each(['info', 'debug'] as const)('the log at %s', (level) => {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const t = useTestServer('sqlite', {
    respond: (a) => (a.path === '/fails' ? { status: 503, body: 'down' } : { status: 200, body: 'ok' }),
    // Redis that is down: /v1/health answers 503.
    config: { allowTargets: '127.0.0.0/8', logLevel: level, redisUrl: 'redis://127.0.0.1:1' },
    tuning: { shutdownGraceMs: 2_000 },
    start: { logger: pino({ level }, stream) },
  });

  it('has each failed delivery, with job, run, status and error', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/fails`, schedule: { type: 'once', delay: 0 }, retryPolicy: { strategy: 'fixed', maxRetries: 1, initialDelayMs: 50 } });
    const failed = await eventually(() => {
      const found = lines.filter((l) => l.msg === 'delivery failed' && l.jobId === job.id);
      return found.length >= 2 ? found : undefined;
    }, 10_000, 'two failed deliveries logged');
    const [first, last] = failed;
    expect(first).toMatchObject({ level: 30, jobId: job.id, runId: expect.stringMatching(/^run_/), attempt: 1, status: 'failed', statusCode: 503, error: expect.stringContaining('503') });
    expect(last).toMatchObject({ level: 30, runId: first!.runId, attempt: 2, status: 'dead_letter' });
  });

  it(level === 'info' ? 'leaves out successful deliveries' : 'has successful deliveries too', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/works`, schedule: { type: 'once', delay: 0 } });
    await eventually(async () => ((await t.api.request('GET', `/v1/jobs/${job.id}/executions`)).body.data.length > 0 ? true : undefined), 10_000, 'the delivery');
    const delivered = lines.filter((l) => l.jobId === job.id);
    if (level === 'info') expect(delivered).toEqual([]);
    else expect(delivered).toEqual([expect.objectContaining({ level: 20, msg: 'delivered', runId: expect.stringMatching(/^run_/), statusCode: 200 })]);
  });

  it('has each request answered with a 5xx', async () => {
    const r = await t.api.request('GET', '/v1/health');
    expect(r.status).toBe(503);
    expect(lines.find((l) => l.status === 503 && l.url === '/v1/health')).toMatchObject({ level: 30, method: 'GET', msg: expect.stringContaining('refused') });
  });
});

import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { databaseKinds, type Arrival } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

const at = (arrivals: readonly Arrival[], path: string) => arrivals.filter((a) => a.path === path);

describe.each(databaseKinds)('project event webhooks on %s', (kind) => {
  let healthy = false;
  const t = useTestServer(kind, {
    respond: (a) => (a.path === '/target' && !healthy ? { status: 500, body: 'nope' } : { status: 200 }),
    tuning: { messageRetryMs: 100 },
  });

  it('sends job.executed for every attempt, job.failed when a run is dead-lettered and job.recovered when the job succeeds again, signed', async () => {
    const { api, sink } = t;
    const secret = (await api.request('POST', '/v1/signing-secrets')).body.data.secret as string;
    const patched = await api.request('PATCH', '/v1/project', { eventsUrl: `${sink.url}/project-events` });
    expect(patched.status).toBe(200);

    const job = await api.createJob({ name: 'nightly', url: `${sink.url}/target`, schedule: { type: 'once', delay: 10 }, retryPolicy: { strategy: 'fixed', maxRetries: 1, initialDelayMs: 50 } });
    const failed = await eventually(() => (at(sink.arrivals, '/project-events').length >= 3 ? at(sink.arrivals, '/project-events') : undefined), 10_000, 'failure events');
    const verify = new Webhook(secret);
    const events = failed.map((a) => verify.verify(a.body, a.headers as Record<string, string>) as any);
    expect(events.map((e) => e.type)).toEqual(['job.executed', 'job.executed', 'job.failed']);
    expect(events[2]).toMatchObject({ type: 'job.failed', data: { jobId: job.id, jobName: 'nightly', statusCode: 500, consecutiveFailures: 1 } });
    expect(Object.keys(events[2].data).sort()).toEqual(['consecutiveFailures', 'durationMs', 'error', 'executedAt', 'executionId', 'jobId', 'jobName', 'jobUrl', 'responseExcerpt', 'status', 'statusCode']);
    expect(events[2].data.responseExcerpt).toBe('nope');
    expect(failed[2]!.headers['webhook-id']).toBe(events[2].id);

    healthy = true;
    const executions = await api.request('GET', `/v1/jobs/${job.id}/executions`);
    const last = executions.body.data[0];
    expect((await api.request('POST', `/v1/executions/${last.id}/replay`)).status).toBeLessThan(300);
    const all = await eventually(() => (at(sink.arrivals, '/project-events').length >= 5 ? at(sink.arrivals, '/project-events') : undefined), 10_000, 'recovery events');
    const later = all.slice(3).map((a) => JSON.parse(a.body));
    expect(later.map((e) => e.type)).toEqual(['job.executed', 'job.recovered']);
    expect(later[1].data).toMatchObject({ jobId: job.id, statusCode: 200, consecutiveFailures: 1 });

    // Events stop once the URL is cleared.
    await api.request('PATCH', '/v1/project', { eventsUrl: null });
    await api.createJob({ url: `${sink.url}/target`, schedule: { type: 'once', delay: 10 } });
    await eventually(() => (at(sink.arrivals, '/target').length >= 4 ? true : undefined), 5_000, 'delivery');
    await new Promise((r) => setTimeout(r, 300));
    expect(at(sink.arrivals, '/project-events')).toHaveLength(5);
  });
});

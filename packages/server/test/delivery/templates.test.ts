import { describe, expect, it } from 'vitest';
import { databaseKinds, type SinkResponse } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

describe.each(databaseKinds)('templates and job state on %s', (kind) => {
  const t = useTestServer(kind, {
    respond: (a, sink): SinkResponse => {
      const seen = sink.arrivals.filter((x) => x.path === a.path).length;
      if (a.path === '/templated' && seen === 1) return { status: 500 };
      if (a.path === '/cursor') {
        return { headers: { 'content-type': 'application/json', 'kairos-state': JSON.stringify({ cursor: seen }) }, body: JSON.stringify({ seen }) };
      }
      if (a.path === '/bad-state') return { headers: { 'kairos-state': seen === 1 ? '{not json' : JSON.stringify({ big: 'x'.repeat(17 * 1024) }) }, body: 'plain text' };
      return {};
    },
  });

  const hits = (path: string) => t.sink.arrivals.filter((a) => a.path === path);
  const executions = (jobId: string, count: number) =>
    eventually(async () => {
      const r = await t.api.request('GET', `/v1/jobs/${jobId}/executions?perPage=100`);
      return r.body.meta.total >= count ? (r.body.data as any[]).slice().reverse() : undefined;
    }, 15_000, `${count} executions`);

  it('substitutes placeholders in headers and the string body per attempt', async () => {
    const job = await t.api.createJob({
      name: 'nightly',
      url: `${t.sink.url}/templated`,
      method: 'POST',
      headers: { 'x-trace': 'exe={{execution.id}}', 'x-try': '{{ attempt }}', 'x-plain': 'as is' },
      body: 'job={{job.id}} name={{job.name}} exe={{execution.id}} attempt={{attempt}} due={{scheduledFor}} now={{now}} other={{unknown}}',
      schedule: { type: 'once', delay: 20 },
      retryPolicy: { maxRetries: 1, strategy: 'fixed', initialDelayMs: 100 },
    });
    const [first, second] = await executions(job.id, 2);
    const [a, b] = hits('/templated');
    expect(a!.headers['x-trace']).toBe(`exe=${first.id}`);
    expect(b!.headers['x-trace']).toBe(`exe=${second.id}`);
    expect([a!.headers['x-try'], b!.headers['x-try'], b!.headers['x-plain']]).toEqual(['1', '2', 'as is']);
    const due = first.scheduledFor as string;
    expect(a!.body).toMatch(new RegExp(`^job=${job.id} name=nightly exe=${first.id} attempt=1 due=${due.replace(/\./g, '\\.')} now=\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z other=\\{\\{unknown\\}\\}$`));
    expect(b!.body).toContain(`exe=${second.id} attempt=2`);
    expect(first.request.body).toBe(a!.body);
    expect(first.request.headers['x-trace']).toBe(`exe=${first.id}`);
  });

  it('leaves placeholders in a JSON payload as they are', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/payload-kept`, headers: { 'x-id': '{{job.id}}' }, payload: { t: '{{job.id}}' }, schedule: { type: 'once', delay: 20 } });
    await eventually(() => hits('/payload-kept')[0]);
    expect(hits('/payload-kept')[0]).toMatchObject({ body: '{"t":"{{job.id}}"}', headers: { 'x-id': job.id } });
  });

  it('fills $job, $state and $previous in a recurring payload; Kairos-State carries a cursor from run to run', async () => {
    const job = await t.api.createJob({
      name: 'poller',
      url: `${t.sink.url}/cursor`,
      method: 'POST',
      headers: { authorization: 'Bearer secret-token' },
      payload: { cursor: '$state', previous: '$previous', job: '$job', note: 'not $state', list: ['$state'] },
      schedule: { type: 'interval', every: '1s' },
    });
    await eventually(() => (hits('/cursor').length >= 3 ? true : undefined), 10_000, '3 runs');
    const bodies = hits('/cursor').map((a) => JSON.parse(a.body));
    expect(bodies[0]).toMatchObject({ cursor: null, previous: null, note: 'not $state', list: [null] });
    expect(bodies[0].job).toMatchObject({ id: job.id, name: 'poller', url: `${t.sink.url}/cursor` });
    expect(bodies[0].job.headers).toBeUndefined();
    expect(JSON.stringify(bodies[0])).not.toContain('secret-token');
    expect(bodies[1]).toMatchObject({ cursor: { cursor: 1 }, previous: { status: 'success', statusCode: 200, body: { seen: 1 } }, list: [{ cursor: 1 }] });
    expect(bodies[2]).toMatchObject({ cursor: { cursor: 2 }, previous: { body: { seen: 2 } } });

    // Paused, then run by hand: the run is planned from the stored row, which carries the state.
    await t.api.request('POST', `/v1/jobs/${job.id}/pause`);
    await new Promise((r) => setTimeout(r, 300));
    const before = hits('/cursor').length;
    const run = await t.api.request('POST', `/v1/jobs/${job.id}/run?wait=true`);
    expect(run.status).toBe(200);
    const manual = JSON.parse(hits('/cursor')[before]!.body);
    expect(manual.cursor).toEqual({ cursor: before });
    expect(manual.previous.body).toEqual({ seen: before });
  });

  it('records an invalid or too large Kairos-State as a note without failing the delivery', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/bad-state`, payload: { s: '$state', p: '$previous' }, schedule: { type: 'interval', every: '1s' } });
    const [first, second, third] = await executions(job.id, 3);
    await t.api.request('POST', `/v1/jobs/${job.id}/pause`);
    expect(first).toMatchObject({ status: 'success', error: 'Kairos-State header ignored: not valid JSON' });
    expect(second).toMatchObject({ status: 'success', error: 'Kairos-State header ignored: larger than 16384 bytes' });
    expect(third.status).toBe('success');
    const bodies = hits('/bad-state').map((a) => JSON.parse(a.body));
    expect(bodies[1]).toEqual({ s: null, p: { status: 'success', statusCode: 200, body: 'plain text' } });
    expect(bodies[2].s).toBeNull();
  });
});

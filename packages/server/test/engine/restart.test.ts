import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(databaseKinds)('restarts on %s', (kind) => {
  const t = useTestServer(kind);

  it('keeps jobs and history across a restart and delivers what comes due after it', async () => {
    const { api, sink } = t;
    const early = await api.createJob({ url: `${sink.url}/early`, schedule: { type: 'once', delay: 50 } });
    await eventually(async () => ((await api.request('GET', `/v1/jobs/${early.id}/executions`)).body.meta.total === 1 ? true : undefined));
    const later = await api.createJob({ url: `${sink.url}/later`, schedule: { type: 'once', delay: 1_500 } });

    await t.restart();
    const again = t.api;
    const history = await again.request('GET', `/v1/jobs/${early.id}/executions`);
    expect(history.body.data).toHaveLength(1);
    expect(history.body.data[0].status).toBe('success');
    const arrival = await eventually(() => sink.arrivals.find((a) => a.path === '/later'));
    expect(arrival.at).toBeGreaterThanOrEqual(Date.parse(later.nextRunAt));
    expect((await again.request('GET', '/v1/jobs')).body.meta.total).toBe(2);
  });

  it('fires occurrences missed while down once, then resumes the schedule', async () => {
    const { sink } = t;
    // A project of its own, so the first test's jobs are not counted here.
    const api = new Api(t.server.url);
    await api.register();
    const job = await api.createJob({ url: `${sink.url}/misfire`, schedule: { type: 'interval', every: '1s' } });
    await eventually(() => (sink.arrivals.some((a) => a.path === '/misfire') ? true : undefined));
    let downAt = 0;
    let before = 0;
    await t.restart(async () => {
      downAt = Date.now();
      before = sink.arrivals.filter((a) => a.path === '/misfire').length;
      await sleep(3_500);
    });

    const restartedAt = Date.now();
    await sleep(2_300);
    const after = sink.arrivals.filter((a) => a.path === '/misfire' && a.at >= restartedAt);
    const during = sink.arrivals.filter((a) => a.path === '/misfire' && a.at > downAt && a.at < restartedAt);
    expect(during).toHaveLength(0);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.length).toBeLessThanOrEqual(4);
    const scheduled = after.map((a) => Date.parse(a.headers['kairos-scheduled-for'] as string));
    // Three or four occurrences were missed; they collapse into one delivery, the first after the
    // start, of an occurrence due while the server was down (how soon it comes is the bench's to say).
    expect(scheduled.filter((s) => s < restartedAt)).toEqual([scheduled[0]]);
    expect(scheduled[0]).toBeGreaterThan(downAt - 1_000);
    expect(new Set(scheduled).size).toBe(scheduled.length);
    // After the catch-up, the job is back on its own 1 s grid.
    const grid = Date.parse(job.nextRunAt) % 1000;
    for (const s of scheduled.slice(1)) expect(s % 1000).toBe(grid);
    expect(before).toBeGreaterThanOrEqual(1);
  });
});

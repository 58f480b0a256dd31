import { describe, expect, it } from 'vitest';
import { databaseKinds } from '@kairos/testkit';
import { loadConfig } from '../../src/config.js';
import type { EngineSeams } from '../../src/engine/engine.js';
import { eventually, useTestServer } from '../support/server.js';

/**
 * Issue 14, defect 1: nothing thrown while an attempt is prepared, sent or recorded may hold its
 * run or a concurrency slot. The throws are injected where the engine calls out (the `$job` view
 * its plans take, the HTTP delivery, its observer), or made by a real target; every project runs
 * on a plan with one delivery in flight, so a slot that is never given back stops the project.
 */
describe.each(databaseKinds)('a throw anywhere in an attempt on %s', (kind) => {
  /** Which stage throws now; set by each test for its own job. */
  const faults = { observer: false };
  const deepJson = '['.repeat(25_000) + ']'.repeat(25_000);

  const seams = (real: EngineSeams): EngineSeams => ({
    jobVariable(row) {
      // Planning: the `$job` view of a job fails.
      if (row.url.endsWith('/plan-throws')) throw new Error('injected: the $job view failed');
      // Preparing the request: the view cannot be serialized into the payload.
      if (row.url.endsWith('/serialize-throws')) return { toJSON: () => { throw new Error('injected: $job cannot be serialized'); } };
      return real.jobVariable(row);
    },
    delivery: {
      // Sending: a delivery that throws at once, and one that rejects.
      deliver(request) {
        if (request.path === '/send-throws') throw new Error('injected: the delivery threw');
        if (request.path === '/send-rejects') return Promise.reject(new Error('injected: the delivery rejected'));
        // Recording: an answer the outcome cannot be made of (its headers do not serialize).
        if (request.path === '/answer-unrecordable') {
          const unrecordable = { toJSON: () => { throw new Error('injected: the answer cannot be recorded'); } } as unknown as Record<string, string>;
          return real.delivery.deliver(request).then((result) => ({ ...result, headers: unrecordable }));
        }
        return real.delivery.deliver(request);
      },
      close: () => real.delivery.close(),
    },
    observer: {
      // Recording: the observer told of each outcome throws.
      executed(status, durationMs, latenessMs) {
        if (faults.observer) throw new Error('injected: the observer threw');
        real.observer?.executed(status, durationMs, latenessMs);
      },
      claimed: (count) => real.observer?.claimed(count),
    },
  });

  const t = useTestServer(kind, {
    // A real target whose answer is too deep to keep as `$previous` (JSON.stringify overflows on it).
    respond: (a) => (a.path === '/deep-answer' ? { status: 200, body: deepJson, headers: { 'content-type': 'application/json' } } : { status: 200, body: 'ok' }),
    config: () => {
      const planned = loadConfig({ KAIROS_PLANS: '{"single":{"concurrency":1}}', KAIROS_DEFAULT_PLAN: 'single' });
      return { allowTargets: '127.0.0.0/8', plans: planned.plans, defaultPlan: planned.defaultPlan };
    },
    tuning: { shutdownGraceMs: 2_000 },
    start: { engineSeams: seams },
  });

  const executions = async (jobId: string) => (await t.api.request('GET', `/v1/jobs/${jobId}/executions`)).body.data as any[];
  const retryOnce = { strategy: 'fixed', maxRetries: 1, initialDelayMs: 100 };

  /** The job's two attempts failed with `error` and it was dead-lettered; then the project still delivers. */
  async function expectFailedAndFreed(jobId: string, error: RegExp): Promise<void> {
    const done = await eventually(async () => {
      const list = await executions(jobId);
      return list.length >= 2 ? list : undefined;
    }, 10_000, `two attempts of ${jobId}`);
    expect(done.map((e) => e.status)).toEqual(['dead_letter', 'failed']);
    for (const e of done) expect(e.error).toMatch(error);
    // The project's one slot is free: another job of it is delivered.
    const path = `/after-${jobId}`;
    await t.api.createJob({ url: `${t.sink.url}${path}`, schedule: { type: 'once', delay: 0 }, retryPolicy: { strategy: 'none' } });
    await eventually(() => (t.sink.arrivals.some((a) => a.path === path) ? true : undefined), 10_000, 'a delivery after the faulty job');
    // And nothing is held: no run leased for ever, no slot taken.
    await eventually(() => {
      const stats = t.server.engine.stats();
      return stats.held === 0 && stats.inFlight === 0 && stats.waiting === 0 ? true : undefined;
    }, 10_000, 'the engine to hold nothing');
  }

  it('a plan that throws (the $job view): each attempt fails with the error, is retried, and frees its slot', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/plan-throws`, payload: { job: '$job' }, schedule: { type: 'once', delay: '1h' }, retryPolicy: retryOnce });
    // A manual run is planned on the main thread, where the view is called (on SQLite a scheduled
    // run is planned on the engine's SQL thread).
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/run`)).status).toBe(202);
    await expectFailedAndFreed(job.id, /could not be prepared: the job cannot be planned: injected: the \$job view failed/);
  });

  it('a request that cannot be built: failed attempts, retried, slot freed', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/serialize-throws`, payload: { job: '$job' }, schedule: { type: 'once', delay: '1h' }, retryPolicy: retryOnce });
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/run`)).status).toBe(202);
    await expectFailedAndFreed(job.id, /could not be prepared: injected: \$job cannot be serialized/);
  });

  it('a delivery that throws, or rejects: failed attempts, retried, slot freed', async () => {
    const throws = await t.api.createJob({ url: `${t.sink.url}/send-throws`, schedule: { type: 'once', delay: 0 }, retryPolicy: retryOnce });
    await expectFailedAndFreed(throws.id, /injected: the delivery threw/);
    const rejects = await t.api.createJob({ url: `${t.sink.url}/send-rejects`, schedule: { type: 'once', delay: 0 }, retryPolicy: retryOnce });
    await expectFailedAndFreed(rejects.id, /injected: the delivery rejected/);
  });

  it('an answer whose outcome cannot be made: failed attempts with that error, retried, slot freed', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/answer-unrecordable`, schedule: { type: 'once', delay: 0 }, retryPolicy: retryOnce });
    await expectFailedAndFreed(job.id, /the outcome could not be recorded: injected: the answer cannot be recorded/);
  });

  it('an observer that throws while the outcome is recorded: the outcome is recorded all the same', async () => {
    faults.observer = true;
    try {
      const job = await t.api.createJob({ url: `${t.sink.url}/observed`, schedule: { type: 'once', delay: 0 }, retryPolicy: { strategy: 'none' } });
      const [execution] = await eventually(async () => {
        const list = await executions(job.id);
        return list.length > 0 ? list : undefined;
      }, 10_000, 'the attempt recorded');
      expect(execution.status).toBe('success');
      await eventually(() => (t.server.engine.stats().held === 0 ? true : undefined), 10_000, 'the engine to hold nothing');
    } finally {
      faults.observer = false;
    }
  });

  it('an answer too deep to keep as $previous: recorded (its body as text), the next attempt sends it', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/deep-answer`, payload: { previous: '$previous' }, schedule: { type: 'once', delay: '1h' }, retryPolicy: { strategy: 'none' } });
    for (let round = 1; round <= 2; round++) {
      expect((await t.api.request('POST', `/v1/jobs/${job.id}/run`)).status).toBe(202);
      await eventually(async () => ((await executions(job.id)).length >= round ? true : undefined), 10_000, `attempt ${round} recorded`);
    }
    expect((await executions(job.id)).map((e) => e.status)).toEqual(['success', 'success']);
    const second = t.sink.arrivals.filter((a) => a.path === '/deep-answer')[1]!;
    expect(JSON.parse(second.body).previous).toEqual({ status: 'success', statusCode: 200, body: deepJson });
    await eventually(() => (t.server.engine.stats().held === 0 ? true : undefined), 10_000, 'the engine to hold nothing');
  });
});

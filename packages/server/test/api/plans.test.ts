import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { loadConfig } from '../../src/config.js';
import { parsePlans } from '../../src/domain/plans.js';
import { pruneHistory } from '../../src/service/retention.js';
import { openStore } from '../../src/store/connect.js';
import { eventually, useServers, useSink, useTestServer } from '../support/server.js';

const yearly = { type: 'cron', expression: '@yearly' };

describe.each(databaseKinds)('plans, quotas and usage on %s', (kind) => {
  const servers = useServers(kind);
  const quotaSink = useSink();

  /** A server of its own with the plans an environment gives. */
  function serverWith(env: Record<string, string>) {
    const { plans, defaultPlan } = loadConfig(env);
    return servers.start({ config: { plans, defaultPlan } });
  }

  it('gives a self-hosted project the unlimited plan and shows its usage', async () => {
    const { server } = await serverWith({});
    const api = new Api(server.url);
    await api.register();
    await api.createJob({ url: 'http://127.0.0.1:9/x', schedule: yearly });
    const r = await api.request('GET', '/v1/usage');
    expect(r.status).toBe(200);
    expect(r.body.data.plan).toBe('unlimited');
    expect(r.body.data.usage.jobs).toEqual({ used: 1, limit: null, unlimited: true });
    expect(r.body.data.usage.dailyRuns).toMatchObject({ used: 0, unlimited: true });
    expect(Date.parse(r.body.data.usage.dailyRuns.resetsAt)).toBeGreaterThan(Date.now());
    expect((await new Api(server.url).request('GET', '/v1/usage')).status).toBe(401);
  });

  it('enforces the job, retry and timeout limits of the plan with 403s naming them', async () => {
    const { server } = await serverWith({ KAIROS_DEFAULT_PLAN: 'free' });
    const api = new Api(server.url);
    await api.register();
    const tooManyRetries = await api.request('POST', '/v1/jobs', { url: 'http://127.0.0.1:9/x', schedule: yearly, retryPolicy: { maxRetries: 4 } });
    expect(tooManyRetries.status).toBe(403);
    expect(tooManyRetries.body.error.code).toBe('max_retries_exceeded');
    const tooLong = await api.request('POST', '/v1/jobs', { url: 'http://127.0.0.1:9/x', schedule: yearly, timeoutMs: 60_000 });
    expect(tooLong.body.error.code).toBe('max_timeout_exceeded');
    for (let i = 0; i < 3; i++) await api.createJob({ url: 'http://127.0.0.1:9/x', schedule: yearly });
    const fourth = await api.request('POST', '/v1/jobs', { url: 'http://127.0.0.1:9/x', schedule: yearly });
    expect(fourth.status).toBe(403);
    expect(fourth.body.error.code).toBe('max_jobs_exceeded');
    const batch = await api.request('POST', '/v1/jobs/batch', { jobs: [{ url: 'http://127.0.0.1:9/x', schedule: yearly }] });
    expect(batch.body.error.code).toBe('max_jobs_exceeded');
    const job = (await api.request('GET', '/v1/jobs')).body.data[0];
    expect((await api.request('PATCH', `/v1/jobs/${job.id}`, { timeoutMs: 31_000 })).body.error.code).toBe('max_timeout_exceeded');
    const usage = (await api.request('GET', '/v1/usage')).body.data;
    expect(usage).toMatchObject({ plan: 'free', limits: { maxJobs: 3, maxDailyRuns: 200 }, usage: { jobs: { used: 3, limit: 3, unlimited: false } } });
    // A job that is done with (here cancelled) is history: it no longer takes a place.
    expect((await api.request('POST', `/v1/jobs/${job.id}/cancel`)).status).toBeLessThan(300);
    expect((await api.request('GET', '/v1/usage')).body.data.usage.jobs.used).toBe(2);
    expect((await api.request('POST', '/v1/jobs', { url: 'http://127.0.0.1:9/x', schedule: yearly })).status).toBe(201);
  });

  it('holds the job limit when creates arrive together, failing only those past it', async () => {
    const { server } = await serverWith({ KAIROS_PLANS: '{"five":{"maxJobs":5}}', KAIROS_DEFAULT_PLAN: 'five' });
    const api = new Api(server.url);
    await api.register();
    const bad = api.request('POST', '/v1/jobs', { url: 'http://127.0.0.1:9/x', schedule: { type: 'cron', expression: 'nope' } });
    const results = await Promise.all(Array.from({ length: 10 }, () => api.request('POST', '/v1/jobs', { url: 'http://127.0.0.1:9/x', schedule: yearly })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 403).map((r) => r.body.error.code)).toEqual(Array(5).fill('max_jobs_exceeded'));
    expect((await bad).status).toBe(422);
    expect((await api.request('GET', '/v1/jobs')).body.meta.total).toBe(5);
  });

  it('records runs past the daily quota as quota_exceeded without delivering them', async () => {
    const { sink } = quotaSink;
    const { server } = await serverWith({ KAIROS_PLANS: '{"tiny":{"maxDailyRuns":2}}', KAIROS_DEFAULT_PLAN: 'tiny' });
    const api = new Api(server.url);
    await api.register();
    const at = Date.now() + 300;
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await api.createJob({ url: `${sink.url}/q${i}`, schedule: { type: 'once', at }, retryPolicy: { maxRetries: 0 } }));
    const executions = await eventually(async () => {
      const r = await api.request('GET', '/v1/executions');
      if (!r.body.meta) throw new Error(JSON.stringify(r.body));
      return r.body.meta.total === 3 ? r.body.data : undefined;
    });
    expect(executions.filter((e: { status: string }) => e.status === 'success')).toHaveLength(2);
    const refused = executions.find((e: { status: string }) => e.status === 'quota_exceeded');
    expect(refused).toMatchObject({ statusCode: null, error: expect.stringMatching(/plan allows/) });
    expect(sink.arrivals).toHaveLength(2);
    expect((await api.request('GET', `/v1/jobs/${refused.jobId}`)).body.data.status).toBe('failed');
    const usage = (await api.request('GET', '/v1/usage')).body.data.usage;
    expect(usage.dailyRuns).toMatchObject({ used: 2, limit: 2, unlimited: false });
    expect(usage.monthlyRuns).toMatchObject({ used: 2, unlimited: true });
    expect((await api.request('GET', '/v1/executions?status=quota_exceeded')).body.meta.total).toBe(1);
  });

  it('lets the operator\'s admin assign a plan to a project', async () => {
    const { server } = await serverWith({});
    const admin = new Api(server.url);
    const registered = await admin.registerUser('admin@example.com');
    const user = new Api(server.url);
    const other = await user.registerUser('someone@example.com');
    const projectId = other.project.id as string;
    const refused = await user.request('PUT', `/v1/projects/${projectId}/plan`, { plan: 'free' });
    expect(refused.status).toBe(403);
    expect((await admin.request('PUT', `/v1/projects/${projectId}/plan`, { plan: 'gold' })).body.error.details[0].field).toBe('plan');
    const assigned = await admin.request('PUT', `/v1/projects/${projectId}/plan`, { plan: 'free' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.data.plan.name).toBe('free');
    expect((await user.request('GET', '/v1/usage')).body.data.plan).toBe('free');
    expect((await admin.request('PUT', `/v1/projects/prj_nope/plan`, { plan: 'free' })).status).toBe(404);
    expect((await admin.request('GET', '/v1/plans')).body.data.map((p: { name: string }) => p.name)).toContain('growth');
    expect(registered.user.isAdmin).toBe(true);
  });
});

describe('retention', () => {
  const plans = parsePlans('{"short":{"retentionDays":1}}');
  const t = useTestServer('postgres', { project: 'kept', config: { plans, defaultPlan: plans.get('unlimited')! } });

  it('prunes execution history and finished one-time jobs past the plan\'s retention, and only those', async () => {
    const { db, server, sink, api: kept } = t;
    const admin = new Api(server.url);
    const pruned = await admin.registerUser('ops@example.com');
    await admin.request('PUT', `/v1/projects/${pruned.project.id}/plan`, { plan: 'short' });
    await admin.createJob({ url: `${sink.url}/a`, schedule: { type: 'once', delay: 10 } });
    const waiting = await admin.createJob({ url: `${sink.url}/later`, schedule: { type: 'once', delay: 30 * 86_400_000 } });
    await kept.createJob({ url: `${sink.url}/b`, schedule: { type: 'once', delay: 10 } });
    await eventually(async () => ((await admin.request('GET', '/v1/executions')).body.meta.total === 1 && (await kept.request('GET', '/v1/executions')).body.meta.total === 1 ? true : undefined));
    const store = await openStore(db.url);
    try {
      expect(await pruneHistory(store, plans, plans.get('unlimited')!, Date.now())).toBe(0);
      // The execution and the one-time job it completed; the job still to run stays.
      expect(await pruneHistory(store, plans, plans.get('unlimited')!, Date.now() + 86_400_000 + 1_000)).toBe(2);
    } finally {
      await store.close();
    }
    expect((await admin.request('GET', '/v1/executions')).body.meta.total).toBe(0);
    expect((await admin.request('GET', '/v1/jobs')).body.data.map((j: { id: string }) => j.id)).toEqual([waiting.id]);
    expect((await kept.request('GET', '/v1/executions')).body.meta.total).toBe(1);
    expect((await kept.request('GET', '/v1/jobs')).body.meta.total).toBe(1);
  });
});

describe('plan delivery concurrency', () => {
  let inFlight = 0;
  let most = 0;
  const t = useTestServer('sqlite', {
    project: 'unbounded',
    respond: (a) => {
      if (!a.path.startsWith('/slow')) return {};
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => inFlight--, 300);
      return { delayMs: 300 };
    },
    config: () => {
      const { plans, defaultPlan } = loadConfig({ KAIROS_PLANS: '{"pair":{"concurrency":2}}' });
      return { plans, defaultPlan };
    },
  });

  it('keeps a project\'s deliveries in flight within its plan\'s concurrency, others unaffected', async () => {
    const { server, sink, api: free } = t;
    const admin = new Api(server.url);
    const limited = await admin.registerUser('limits@example.com');
    await admin.request('PUT', `/v1/projects/${limited.project.id}/plan`, { plan: 'pair' });
    const at = Date.now() + 500;
    for (let i = 0; i < 6; i++) await admin.createJob({ url: `${sink.url}/slow/${i}`, schedule: { type: 'once', at } });
    for (let i = 0; i < 4; i++) await free.createJob({ url: `${sink.url}/fast/${i}`, schedule: { type: 'once', at } });
    await sink.waitFor(10, 10_000);
    expect(most).toBe(2);
    const slow = sink.arrivals.filter((a) => a.path.startsWith('/slow')).map((a) => a.at - at);
    const fast = sink.arrivals.filter((a) => a.path.startsWith('/fast')).map((a) => a.at - at);
    // Six runs two at a time take three rounds of 300 ms; the other project is not held back.
    expect(Math.max(...slow)).toBeGreaterThanOrEqual(550);
    expect(Math.max(...fast)).toBeLessThan(250);
  });
});

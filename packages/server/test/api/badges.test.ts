import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';
import { xmlProblem } from '../support/xml.js';

describe.each(databaseKinds)('badges, sparklines and project settings on %s', (kind) => {
  // /flaky fails its first request and succeeds after; /fail always fails.
  let flakyHits = 0;
  const t = useTestServer(kind, {
    project: 'badges',
    respond: (a) => {
      if (a.path === '/fail') return { status: 500, body: 'down' };
      if (a.path === '/flaky') return ++flakyHits === 1 ? { status: 503 } : {};
      return {};
    },
  });

  /** A badge as any browser fetches it: no credentials. */
  async function badge(path: string): Promise<{ svg: string; headers: Headers; status: number }> {
    const res = await fetch(`${t.server.url}${path}`);
    return { svg: await res.text(), headers: res.headers, status: res.status };
  }

  function expectBadge(b: { svg: string; headers: Headers; status: number }, title: string): void {
    expect(b.status).toBe(200);
    expect(b.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(b.headers.get('cache-control')).toBe('public, max-age=60');
    expect(xmlProblem(b.svg), b.svg).toBeNull();
    expect(b.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(b.svg).toContain(`<title>${title}</title>`);
    expect(b.svg).toContain(`aria-label="${title}"`);
  }

  async function runOnce(path: string, retryPolicy: unknown = { strategy: 'none' }): Promise<any> {
    const job = await t.api.createJob({ url: `${t.sink.url}${path}`, schedule: { type: 'once', delay: 0 }, retryPolicy });
    return eventually(async () => {
      const r = await t.api.request('GET', `/v1/jobs/${job.id}`);
      return r.body.data.lastStatus !== null ? r.body.data : undefined;
    });
  }

  const ids: Record<string, string> = {};

  it('shows passing and 100% uptime for a job whose run succeeded, without credentials', async () => {
    ids.ok = (await runOnce('/ok')).id;
    expectBadge(await badge(`/badges/${ids.ok}/status.svg`), 'status: passing');
    expectBadge(await badge(`/badges/${ids.ok}/uptime.svg`), 'uptime: 100%');
  });

  it('shows failing and 0% for a job whose run failed', async () => {
    ids.fail = (await runOnce('/fail')).id;
    expectBadge(await badge(`/badges/${ids.fail}/status.svg`), 'status: failing');
    expectBadge(await badge(`/badges/${ids.fail}/uptime.svg`), 'uptime: 0%');
  });

  it('counts every attempt of the last 30 days in the uptime', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/flaky`, method: 'POST', schedule: { type: 'cron', expression: '@yearly' }, retryPolicy: { strategy: 'none' } });
    ids.flaky = job.id;
    for (let i = 0; i < 4; i++) expect((await t.api.request('POST', `/v1/jobs/${job.id}/run?wait=true`)).status).toBe(200);
    expectBadge(await badge(`/badges/${job.id}/uptime.svg`), 'uptime: 75%');
    expectBadge(await badge(`/badges/${job.id}/status.svg`), 'status: passing');
  });

  it('shows paused for a paused job and pending before a first run', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/later`, schedule: { type: 'cron', expression: '@yearly' } });
    ids.later = job.id;
    expectBadge(await badge(`/badges/${job.id}/status.svg`), 'status: pending');
    expectBadge(await badge(`/badges/${job.id}/uptime.svg`), 'uptime: no runs');
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/pause`)).status).toBe(200);
    expectBadge(await badge(`/badges/${job.id}/status.svg`), 'status: paused');
  });

  it('shows a grey unknown badge, not an error, for a deleted or unknown job', async () => {
    const job = await t.api.createJob({ url: `${t.sink.url}/x`, schedule: { type: 'cron', expression: '@yearly' } });
    expect((await t.api.request('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);
    for (const id of [job.id, 'job_nope', "'; drop table jobs; --", 'x'.repeat(90)]) {
      expectBadge(await badge(`/badges/${encodeURIComponent(id)}/status.svg`), 'status: unknown');
      expectBadge(await badge(`/badges/${encodeURIComponent(id)}/uptime.svg`), 'uptime: unknown');
    }
  });

  it('gives sparklines of the last 24 hours per job, oldest first, at a path no job id can take', async () => {
    const r = await t.api.request('GET', '/v1/jobs/sparklines?perPage=100');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.meta).toMatchObject({ page: 1, perPage: 100 });
    const byJob = new Map<string, number[]>(r.body.data.map((s: { jobId: string; points: number[] }) => [s.jobId, s.points]));
    expect(r.body.data.length).toBe(r.body.meta.total);
    expect(byJob.get(ids.ok!)).toEqual([1]);
    expect(byJob.get(ids.fail!)).toEqual([0]);
    expect(byJob.get(ids.flaky!)).toEqual([0, 1, 1, 1]);
    expect(byJob.get(ids.later!)).toEqual([]);
    for (const s of r.body.data) expect(Object.keys(s).sort()).toEqual(['jobId', 'points']);
    expect((await new Api(t.server.url).request('GET', '/v1/jobs/sparklines')).status).toBe(401);
    const paged = await t.api.request('GET', '/v1/jobs/sparklines?perPage=1&page=2');
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.data[0].jobId).toBe(r.body.data[1].jobId);
  });

  it('reads the current project with its settings', async () => {
    const r = await t.api.request('GET', '/v1/project');
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ id: expect.stringMatching(/^prj_/), name: 'badges', plan: 'unlimited', badgesEnabled: true, eventsUrl: null, createdAt: expect.any(String) });
    expect((await new Api(t.server.url).request('GET', '/v1/project')).status).toBe(401);
  });

  it('refuses an events URL that is not a public address with 422 naming eventsUrl', async () => {
    for (const eventsUrl of ['http://10.1.2.3/events', 'http://192.168.0.1/', 'file:///etc/passwd', 'not a url']) {
      const r = await t.api.request('PATCH', '/v1/project', { eventsUrl });
      expect(r.status, eventsUrl).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.details[0].field).toBe('eventsUrl');
    }
    const wrongType = await t.api.request('PATCH', '/v1/project', { badgesEnabled: 'yes' });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error.details[0].field).toBe('badgesEnabled');
    expect((await t.api.request('PATCH', '/v1/project', { plan: 'free' })).status).toBe(422);
    expect((await t.api.request('GET', '/v1/project')).body.data.eventsUrl).toBeNull();
  });

  it('renames the project and stores and clears its events URL', async () => {
    const set = await t.api.request('PATCH', '/v1/project', { name: 'renamed', eventsUrl: `${t.sink.url}/events` });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.data).toMatchObject({ name: 'renamed', eventsUrl: `${t.sink.url}/events` });
    expect((await t.api.request('GET', '/v1/project')).body.data).toMatchObject({ name: 'renamed', eventsUrl: `${t.sink.url}/events` });
    const cleared = await t.api.request('PATCH', '/v1/project', { eventsUrl: null });
    expect(cleared.body.data).toMatchObject({ name: 'renamed', eventsUrl: null });
  });

  it('shows only unknown badges while the project has badges turned off', async () => {
    const off = await t.api.request('PATCH', '/v1/project', { badgesEnabled: false });
    expect(off.body.data.badgesEnabled).toBe(false);
    expectBadge(await badge(`/badges/${ids.ok}/status.svg`), 'status: unknown');
    expectBadge(await badge(`/badges/${ids.ok}/uptime.svg`), 'uptime: unknown');
    await t.api.request('PATCH', '/v1/project', { badgesEnabled: true });
    expectBadge(await badge(`/badges/${ids.ok}/status.svg`), 'status: passing');
  });

  it('keeps a read-only key from changing the project', async () => {
    const key = await t.api.request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const reader = new Api(t.server.url, key.body.data.key ?? key.body.data.apiKey);
    expect((await reader.request('GET', '/v1/project')).status).toBe(200);
    expect((await reader.request('PATCH', '/v1/project', { name: 'nope' })).status).toBe(403);
  });
});

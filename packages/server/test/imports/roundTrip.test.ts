import { beforeAll, describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

type Job = Record<string, any>;

/** What must come through a move unchanged: the definition, the status and the next run. */
const portable = (j: Job) => {
  const { id: _id, spaceId, createdAt: _c, updatedAt: _u, lastRunAt: _l, lastStatus: _s, lastStatusCode: _sc, lastDurationMs: _d, destination, ...rest } = j;
  return { ...rest, space: spaceId === null ? null : 'in a space', destination };
};

describe('export from SQLite, import into PostgreSQL', () => {
  let cursor = 0;
  // The source's sink is every job's target; at /stateful it keeps a cursor in the job's state,
  // each answer moving it on.
  const a = useTestServer('sqlite', {
    project: 'moving out',
    respond: (arrival) => {
      if (!arrival.path.startsWith('/stateful')) return {};
      cursor++;
      return { headers: { 'kairos-state': JSON.stringify({ cursor }), 'content-type': 'application/json' }, body: JSON.stringify({ answered: cursor }) };
    },
  });
  const b = useTestServer('postgres', { project: 'moving in' });
  let exported: any;
  let masked: any;
  let slug: string;

  beforeAll(async () => {
    const api = a.api;
    const space = (await api.request('POST', '/v1/spaces', { name: 'billing', timezone: 'America/New_York' })).body.data;
    const jobs = [
      { name: 'cron in a zone', url: `${a.sink.url}/cron`, schedule: { type: 'cron', expression: '15 9 * * 1-5', timezone: 'Asia/Tokyo' }, headers: { Authorization: 'Bearer mv_secret_123456789' }, tags: ['a', 'b'] },
      { name: 'interval', url: `${a.sink.url}/interval`, method: 'POST', payload: { n: 1 }, schedule: { type: 'interval', every: '17m' }, retryPolicy: { strategy: 'linear', maxRetries: 5, initialDelayMs: 2000 }, timeoutMs: 12_000 },
      { name: 'daily in space', url: `${a.sink.url}/daily`, schedule: { type: 'daily', times: ['08:00', '17:30'] }, spaceId: space.id, query: { x: '1' } },
      { name: 'weekly', url: `${a.sink.url}/weekly`, body: 'raw text', method: 'PUT', schedule: { type: 'weekly', day: 'friday', hour: 16, minute: 45, timezone: 'Europe/Berlin' }, followRedirects: true, callbackUrl: `${a.sink.url}/callback` },
      { name: 'once later', url: `${a.sink.url}/once`, schedule: { type: 'once', at: new Date(Date.now() + 3 * 3_600_000).toISOString() } },
      { name: 'to slack', destination: { type: 'slack', webhookUrl: `${a.sink.url}/services/T1/B2/slacksecretvalue` }, payload: { text: 'hello' }, schedule: { type: 'preset', preset: 'evening' } },
    ];
    for (const job of jobs) await api.createJob(job);
    const paused = await api.createJob({ name: 'paused', url: `${a.sink.url}/paused`, schedule: { type: 'cron', expression: '0 0 1 * *' } });
    await api.request('POST', `/v1/jobs/${paused.id}/pause`);
    // A job that has run and carries state: it is paused before the export and resumed after the import.
    const stateful = await api.createJob({ name: 'stateful', url: `${a.sink.url}/stateful`, payload: { cursor: '$state', last: '$previous' }, schedule: { type: 'interval', every: '1s' } });
    await eventually(async () => ((await api.request('GET', `/v1/jobs/${stateful.id}`)).body.data.lastStatus === 'success' ? true : undefined), 15_000, 'a stateful run');
    await api.request('POST', `/v1/jobs/${stateful.id}/pause`);
    await eventually(() => (a.sink.arrivals.filter((x) => x.path.startsWith('/stateful')).length === cursor ? true : undefined), 5_000, 'the last answer');

    const channel = (await api.request('POST', '/v1/alerts/channels', { type: 'webhook', name: 'pager', config: { url: `${a.sink.url}/pager`, headers: { 'x-pager-key': 'pk_1234567890abcdef' } } })).body.data;
    await api.request('POST', '/v1/alerts/rules', { name: 'billing breaks', channelIds: [channel.id], spaceId: space.id, consecutiveFailuresThreshold: 2 });
    slug = (await api.request('POST', '/v1/inbound-webhooks', { targetUrl: `${a.sink.url}/inbound`, name: 'payments', delayMs: 0 })).body.data.slug;
    await api.request('PATCH', '/v1/project', { badgesEnabled: false, eventsUrl: `${a.sink.url}/events` });

    const r = await fetch(`${a.server.url}/v1/export?secrets=true`, { headers: { authorization: `Bearer ${api.key}` } });
    exported = await r.json();
    masked = await (await fetch(`${a.server.url}/v1/export`, { headers: { authorization: `Bearer ${api.key}` } })).json();
  });

  it('gives the same jobs, with the same next run instants, on the new server', async () => {
    const r = await b.api.request('POST', '/v1/imports', { format: 'kairos', source: exported });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ imported: 8, created: 8, errors: [], toFillIn: [], project: { spaces: 1, alertChannels: 1, alertRules: 1, inboundWebhooks: 1, signingSecrets: 0, settings: true } });
    const before: Job[] = (await a.api.request('GET', '/v1/jobs?perPage=100')).body.data;
    const after: Job[] = (await b.api.request('GET', '/v1/jobs?perPage=100')).body.data;
    const byName = (list: Job[]) => Object.fromEntries(list.map((j) => [j.name, portable(j)]));
    expect(byName(after)).toEqual(byName(before));
    expect(Object.keys(byName(after))).toHaveLength(8);
    // Spelled out, for the one that a naive import would move: an interval grid anchored at its last run.
    const interval = after.find((j) => j.name === 'interval')!;
    expect(interval.nextRunAt).toBe(before.find((j) => j.name === 'interval')!.nextRunAt);
    expect(after.find((j) => j.name === 'daily in space')!.spaceId).toMatch(/^sp_/);
  });

  it('brings the spaces, alert channel and rule, inbound webhook (same URL) and settings', async () => {
    const spaces = (await b.api.request('GET', '/v1/spaces')).body.data;
    expect(spaces).toMatchObject([{ name: 'billing', timezone: 'America/New_York', jobCount: 1 }]);
    const channels = (await b.api.request('GET', '/v1/alerts/channels')).body.data;
    expect(channels).toMatchObject([{ type: 'webhook', name: 'pager' }]);
    const rules = (await b.api.request('GET', '/v1/alerts/rules')).body.data;
    expect(rules).toMatchObject([{ name: 'billing breaks', channelIds: [channels[0].id], spaceId: spaces[0].id, consecutiveFailuresThreshold: 2 }]);
    const project = (await b.api.request('GET', '/v1/project')).body.data;
    expect(project).toMatchObject({ badgesEnabled: false, eventsUrl: `${a.sink.url}/events` });
    const posted = await new Api(b.server.url).request('POST', `/v1/inbound/${slug}`, { event: 'moved' });
    expect(posted.status).toBe(202);
  });

  it('carries $state and $previous: the imported job, resumed, sends the cursor and the answer its target last gave', async () => {
    const after: Job[] = (await b.api.request('GET', '/v1/jobs?perPage=100')).body.data;
    const stateful = after.find((j) => j.name === 'stateful')!;
    const last = a.sink.arrivals.filter((x) => x.path.startsWith('/stateful')).length;
    const n = a.sink.arrivals.length;
    await b.api.request('POST', `/v1/jobs/${stateful.id}/resume`);
    const hit = await eventually(() => a.sink.arrivals.slice(n).find((x) => x.path.startsWith('/stateful')), 10_000, 'the imported job firing');
    expect(JSON.parse(hit.body)).toEqual({ cursor: { cursor: last }, last: { status: 'success', statusCode: 200, body: { answered: last } } });
    await b.api.request('POST', `/v1/jobs/${stateful.id}/pause`);
  });

  it('imports the same document again without duplicating anything', async () => {
    // The inbound webhook's request above made a job of its own; nothing else is added.
    const jobs = (await b.api.request('GET', '/v1/jobs')).body.meta.total;
    const r = (await b.api.request('POST', '/v1/imports', { format: 'kairos', source: exported })).body.data;
    expect(r).toMatchObject({ imported: 0, errors: [], project: { spaces: 0, alertChannels: 0, alertRules: 0, inboundWebhooks: 0 } });
    expect((await b.api.request('GET', '/v1/jobs')).body.meta.total).toBe(jobs);
  });

  it('restores what a masked export left out as things to fill in', async () => {
    const c = new Api(b.server.url);
    await c.register('from a masked backup');
    const r = (await c.request('POST', '/v1/imports', { format: 'kairos', source: masked })).body.data;
    const keyed = (await c.request('GET', '/v1/jobs?q=cron%20in')).body.data[0];
    expect(keyed).toMatchObject({ status: 'paused', headers: { Authorization: '<to fill in>' } });
    expect(r.toFillIn).toEqual([
      { what: 'job', originalId: expect.stringMatching(/^job_/), name: 'cron in a zone', fields: ['headers.Authorization'], id: keyed.id },
      { what: 'alertChannel', originalId: expect.stringMatching(/^ch_/), name: 'pager', fields: ['config.headers.x-pager-key'], id: null },
      { what: 'alertRule', originalId: expect.stringMatching(/^alr_/), name: 'billing breaks', fields: ['channelIds'], id: null },
    ]);
    expect(r.errors).toEqual([{ index: expect.any(Number), originalName: 'to slack', reason: 'to fill in: destination.webhookUrl (exported without secrets)' }]);
    expect(r).toMatchObject({ created: 7, project: { inboundWebhooks: 1, alertChannels: 0, alertRules: 0 } });
    expect(JSON.stringify(r)).not.toContain('mv_secret');
  });

  it('restores a project\'s own export into it without duplicating, leaving next runs where they were', async () => {
    const before: Job[] = (await a.api.request('GET', '/v1/jobs?perPage=100')).body.data;
    const first = (await a.api.request('POST', '/v1/imports', { format: 'kairos', source: exported })).body.data;
    expect(first).toMatchObject({ created: 0, updated: 8, errors: [], project: { spaces: 0, alertChannels: 0, alertRules: 0, inboundWebhooks: 0 } });
    const after: Job[] = (await a.api.request('GET', '/v1/jobs?perPage=100')).body.data;
    const byId = (list: Job[]) => Object.fromEntries(list.map((j) => [j.id, { ...portable(j), space: j.spaceId }]));
    expect(byId(after)).toEqual(byId(before));
    const second = (await a.api.request('POST', '/v1/imports', { format: 'kairos', source: exported })).body.data;
    expect(second).toMatchObject({ created: 0, updated: 0, skipped: 8 });
  });

  it("keeps a job's delivery style: one made through Runner's door still sends Runner's User-Agent on the new server", async () => {
    const runner = new Api(`${a.server.url}/compat/runner`, a.api.key);
    const made = await runner.request('POST', '/api/v1/jobs', { url: `${a.sink.url}/runner-style`, runAt: Date.now() + 3_600_000, payload: { invoiceId: 'inv_1' } });
    expect(made.status).toBeLessThan(300);
    const doc = await (await fetch(`${a.server.url}/v1/export?secrets=true`, { headers: { authorization: `Bearer ${a.api.key}` } })).json();
    const exportedJob = doc.jobs.find((j: Job) => j.url === `${a.sink.url}/runner-style`);
    expect(exportedJob).toMatchObject({ deliveryStyle: 'runner' });
    const c = new Api(b.server.url);
    await c.register('runner style');
    const r = (await c.request('POST', '/v1/imports', { format: 'kairos', source: { ...doc, jobs: [exportedJob] } })).body.data;
    expect(r).toMatchObject({ created: 1, errors: [] });
    await c.request('POST', `/v1/jobs/${r.jobIds[0]}/run`);
    const hit = await eventually(() => a.sink.arrivals.find((x) => x.path === '/runner-style'), 10_000, 'the imported Runner job firing');
    expect(hit.headers['user-agent']).toBe('Runner/1.0');
    expect(JSON.parse(hit.body)).toEqual({ invoiceId: 'inv_1' });
  });
});

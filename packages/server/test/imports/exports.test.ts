import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

/** GET with the raw answer: status, headers and the body as text, read as it streams in. */
function getRaw(url: string, key: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; chunks: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { authorization: `Bearer ${key}` } }, (res) => {
        let text = '';
        let chunks = 0;
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          chunks++;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, chunks }));
      })
      .on('error', reject);
  });
}

describe.each(['sqlite', 'postgres'] as const)('GET /v1/export (%s)', (kind) => {
  const f = useTestServer(kind);
  const slackSecret = 'T000/B000/XXXXXXXXXXXXsecretpart';
  let signingSecret: string;
  let slug: string;
  let executions: number;

  beforeAll(async () => {
    const space = (await f.api.request('POST', '/v1/spaces', { name: 'ops', timezone: 'Europe/Paris' })).body.data;
    await f.api.createJob({ name: 'with key', url: `${f.sink.url}/keyed`, headers: { Authorization: 'Bearer job_secret_abcdef123456', 'X-Trace': 'visible' }, schedule: { type: 'cron', expression: '0 9 * * *' }, spaceId: space.id });
    await f.api.createJob({ name: 'to slack', destination: { type: 'slack', webhookUrl: `${f.sink.url}/services/${slackSecret}` }, payload: { text: 'hi' }, schedule: { type: 'preset', preset: 'morning' } });
    const channel = (await f.api.request('POST', '/v1/alerts/channels', { type: 'slack', name: 'alerts', config: { webhookUrl: `${f.sink.url}/services/${slackSecret}` } })).body.data;
    await f.api.request('POST', '/v1/alerts/rules', { name: 'all failures', channelIds: [channel.id] });
    slug = (await f.api.request('POST', '/v1/inbound-webhooks', { targetUrl: `${f.sink.url}/in`, secret: 'inbound_secret_0123456789' })).body.data.slug;
    signingSecret = (await f.api.request('POST', '/v1/signing-secrets')).body.data.secret;
    // Some history: a job that ran three times.
    const ticking = await f.api.createJob({ name: 'ticking', url: `${f.sink.url}/tick`, schedule: { type: 'interval', every: '1s' } });
    await eventually(async () => ((await f.api.request('GET', `/v1/jobs/${ticking.id}/executions`)).body.meta.total >= 3 ? true : undefined), 15_000, 'three executions');
    await f.api.request('POST', `/v1/jobs/${ticking.id}/pause`);
    executions = (await f.api.request('GET', '/v1/executions?perPage=100')).body.meta.total;
  });

  it('streams the project as one versioned document with its secrets masked', async () => {
    const r = await getRaw(`${f.server.url}/v1/export`, f.api.key!);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['transfer-encoding']).toBe('chunked');
    const doc = JSON.parse(r.text);
    expect(doc).toMatchObject({ kairos: 'export', version: 1, secrets: 'masked', spaces: [{ name: 'ops', timezone: 'Europe/Paris' }] });
    expect(doc.jobs.map((j: { name: string }) => j.name).sort()).toEqual(['ticking', 'to slack', 'with key']);
    const keyed = doc.jobs.find((j: { name: string }) => j.name === 'with key');
    expect(keyed).toMatchObject({ status: 'active', headers: { 'X-Trace': 'visible' }, schedule: { type: 'cron', expression: '0 9 * * *', timezone: 'Europe/Paris' }, spaceId: expect.stringMatching(/^sp_/), state: null });
    expect(typeof keyed.nextRunAt).toBe('string');
    expect(doc.alertChannels).toHaveLength(1);
    expect(doc.alertRules).toMatchObject([{ name: 'all failures' }]);
    expect(doc.inboundWebhooks).toHaveLength(1);
    expect(doc).not.toHaveProperty('signingSecrets');
    for (const secret of ['job_secret_abcdef123456', slackSecret, 'inbound_secret_0123456789', signingSecret, slug]) {
      expect(r.text).not.toContain(secret);
    }
  });

  it('includes every secret with ?secrets=true', async () => {
    const r = await getRaw(`${f.server.url}/v1/export?secrets=true`, f.api.key!);
    const doc = JSON.parse(r.text);
    expect(doc.secrets).toBe('included');
    for (const secret of ['job_secret_abcdef123456', slackSecret, 'inbound_secret_0123456789', signingSecret]) expect(r.text).toContain(secret);
    expect(doc.signingSecrets).toEqual([{ secret: signingSecret, createdAt: expect.any(String), expiresAt: null }]);
    expect(doc.inboundWebhooks[0].slug).toBe(slug);
  });

  it("restores the signing secret into a project that has none, so its receivers' checks still pass", async () => {
    const doc = JSON.parse((await getRaw(`${f.server.url}/v1/export?secrets=true`, f.api.key!)).text);
    const c = new Api(f.server.url);
    await c.register('restored with secrets');
    const r = (await c.request('POST', '/v1/imports', { format: 'kairos', source: { ...doc, jobs: [] } })).body.data;
    expect(r.project).toMatchObject({ signingSecrets: 1, errors: [] });
    const listed = (await c.request('GET', '/v1/signing-secrets')).body.data;
    expect(listed).toMatchObject([{ lastFour: signingSecret.slice(-4), expiresAt: null }]);
    // A project that has one keeps it: a second restore adds none.
    const again = (await c.request('POST', '/v1/imports', { format: 'kairos', source: { ...doc, jobs: [] } })).body.data;
    expect(again.project).toMatchObject({ signingSecrets: 0 });
  });

  describe("a job its space's pause paused", () => {
    let doc: any;
    const namesAndStatuses = async (c: Api) => Object.fromEntries((await c.request('GET', '/v1/jobs')).body.data.map((j: { name: string; status: string }) => [j.name, j.status]));
    /** A new project with the export imported, and the answer to resuming its space there. */
    async function importAndResume(source: unknown) {
      const c = new Api(f.server.url);
      await c.register('moved in');
      expect((await c.request('POST', '/v1/imports', { format: 'kairos', source })).body.data).toMatchObject({ created: 2, errors: [] });
      const spaces = (await c.request('GET', '/v1/spaces')).body.data;
      expect(spaces).toMatchObject([{ name: 'night shift', jobCount: 2, pausedJobCount: 2 }]);
      const resumed = (await c.request('POST', `/v1/spaces/${spaces[0].id}/resume`)).body.data.jobsAffected;
      return { resumed, statuses: await namesAndStatuses(c) };
    }

    beforeAll(async () => {
      const c = new Api(f.server.url);
      await c.register('space paused');
      const space = (await c.request('POST', '/v1/spaces', { name: 'night shift' })).body.data;
      await c.createJob({ name: 'by space', url: `${f.sink.url}/by-space`, schedule: { type: 'cron', expression: '0 2 * * *' }, spaceId: space.id });
      const byUser = await c.createJob({ name: 'by user', url: `${f.sink.url}/by-user`, schedule: { type: 'cron', expression: '0 3 * * *' }, spaceId: space.id });
      await c.request('POST', `/v1/jobs/${byUser.id}/pause`);
      expect((await c.request('POST', `/v1/spaces/${space.id}/pause`)).body.data.jobsAffected).toBe(1);
      doc = JSON.parse((await getRaw(`${f.server.url}/v1/export`, c.key!)).text);
    });

    it('is exported as paused by its space, apart from a job paused on its own', () => {
      const paused = Object.fromEntries(doc.jobs.map((j: { name: string; status: string; pausedBy: string | null }) => [j.name, [j.status, j.pausedBy]]));
      expect(paused).toEqual({ 'by space': ['paused', 'space'], 'by user': ['paused', 'user'] });
    });

    it('comes back paused by its space: resuming the space resumes it and not the job the user paused', async () => {
      expect(await importAndResume(doc)).toEqual({ resumed: 1, statuses: { 'by space': 'active', 'by user': 'paused' } });
    });

    it('comes back paused by the user from an export made before pausedBy was written', async () => {
      const older = { ...doc, jobs: doc.jobs.map(({ pausedBy: _, ...job }: Record<string, unknown>) => job) };
      expect(await importAndResume(older)).toEqual({ resumed: 0, statuses: { 'by space': 'paused', 'by user': 'paused' } });
    });

    it('hands the pause to the space when that older export is imported again as a newer one', async () => {
      const c = new Api(f.server.url);
      await c.register('moved in twice');
      const older = { ...doc, jobs: doc.jobs.map(({ pausedBy: _, ...job }: Record<string, unknown>) => job) };
      expect((await c.request('POST', '/v1/imports', { format: 'kairos', source: older })).body.data).toMatchObject({ created: 2 });
      expect((await c.request('POST', '/v1/imports', { format: 'kairos', source: doc })).body.data).toMatchObject({ created: 0, updated: 1, skipped: 1, errors: [] });
      const space = (await c.request('GET', '/v1/spaces')).body.data[0];
      expect((await c.request('POST', `/v1/spaces/${space.id}/resume`)).body.data.jobsAffected).toBe(1);
      expect(await namesAndStatuses(c)).toEqual({ 'by space': 'active', 'by user': 'paused' });
    });
  });

  it('adds the executions as JSON lines after the document with ?history=true', async () => {
    const r = await getRaw(`${f.server.url}/v1/export?history=true`, f.api.key!);
    expect(r.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(r.headers['transfer-encoding']).toBe('chunked');
    const lines = r.text.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ kairos: 'export', version: 1 });
    const rows = lines.slice(1).map((l) => JSON.parse(l));
    expect(rows.length).toBe(executions);
    expect(rows.every((e) => e.type === 'execution' && e.id.startsWith('exe_') && e.status === 'success')).toBe(true);
    expect(rows.map((e) => e.id)).toEqual([...rows.map((e) => e.id)].sort());
    expect(r.chunks).toBeGreaterThan(1);
  });

  it('pages through more jobs than one read holds, each once, in id order', async () => {
    const source = Array.from({ length: 1_100 }, (_, i) => `${i % 60} 3 * * * curl ${f.sink.url}/many/${i}`).join('\n');
    expect((await f.api.request('POST', '/v1/imports', { format: 'crontab', source })).body.data).toMatchObject({ created: 1_100 });
    const doc = JSON.parse((await getRaw(`${f.server.url}/v1/export`, f.api.key!)).text);
    const ids = doc.jobs.map((j: { id: string }) => j.id);
    expect(ids).toHaveLength(1_100 + 3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
  });

  it('wants the admin scope', async () => {
    const key = (await f.api.request('POST', '/v1/api-keys', { name: 'rw', scopes: ['read', 'write'] })).body.data.key;
    const r = await new Api(f.server.url, key).request('GET', '/v1/export');
    expect(r.status).toBe(403);
    expect(r.body.error.details).toEqual([{ field: 'scopes', issue: 'must include "admin"' }]);
  });

  it('refuses a query it does not know with a 422', async () => {
    const r = await f.api.request('GET', '/v1/export?secrets=maybe');
    expect(r.status).toBe(422);
  });
});

import { describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { loadConfig } from '../../src/config.js';
import { useServer, useTestServer } from '../support/server.js';

const total = async (api: Api) => (await api.request('GET', '/v1/jobs?perPage=100')).body.meta.total as number;

describe('POST /v1/imports', () => {
  const f = useTestServer('sqlite');

  const crontab = (sink: string) => `# Kairos import test
TOKEN=tok_live_7f3a9c
# Report
0 2 * * * curl -fsS -X POST -H "Authorization: Bearer $TOKEN" ${sink}/report >/dev/null 2>&1
*/5 * * * * cd /srv/app && php artisan schedule:run
0 3 * * * curl http://10.1.2.3/private
30 6 * * 1-5 wget -q -O - ${sink}/weekday
`;

  it('imports a crontab: HTTP calls become jobs, other lines are skipped or refused with the reason', async () => {
    const r = await f.api.request('POST', '/v1/imports', { format: 'crontab', source: crontab(f.sink.url) });
    expect(r.status).toBe(200);
    const data = r.body.data;
    expect(data).toMatchObject({ dryRun: false, imported: 2, created: 2, updated: 0, skipped: 1 });
    expect(data.skippedEntries).toEqual([{ index: 1, originalName: 'line 5', reason: 'line 5: not an HTTP call (runs cd)' }]);
    expect(data.errors).toHaveLength(1);
    expect(data.errors[0]).toMatchObject({ index: 2, originalName: 'line 6' });
    expect(data.errors[0].reason).toMatch(/^url: /);
    expect(data.jobIds).toHaveLength(2);
    const job = (await f.api.request('GET', `/v1/jobs/${data.jobIds[0]}`)).body.data;
    expect(job).toMatchObject({ name: 'Report', method: 'POST', url: `${f.sink.url}/report`, headers: { Authorization: 'Bearer tok_live_7f3a9c' }, schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'UTC' } });
  });

  it('never echoes the secrets of imported headers in its answer', async () => {
    const r = await f.api.request('POST', '/v1/imports', { format: 'crontab', source: crontab(f.sink.url), dryRun: true });
    expect(JSON.stringify(r.body)).not.toContain('tok_live_7f3a9c');
  });

  it('imports the same source again without duplicating: unchanged jobs are skipped, changed ones updated', async () => {
    const before = await total(f.api);
    const again = (await f.api.request('POST', '/v1/imports', { format: 'crontab', source: crontab(f.sink.url) })).body.data;
    expect(again).toMatchObject({ imported: 0, created: 0, updated: 0, skipped: 3 });
    expect(again.jobs.map((j: { outcome: string }) => j.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(again.skippedEntries.filter((e: { reason: string }) => e.reason === 'unchanged since the last import')).toHaveLength(2);
    const first = (await f.api.request('POST', '/v1/imports', { format: 'crontab', source: crontab(f.sink.url).replace('0 2 * * *', '0 4 * * *') })).body.data;
    expect(first).toMatchObject({ imported: 1, created: 0, updated: 1 });
    expect(first.jobs[0]).toMatchObject({ outcome: 'updated', name: 'Report', schedule: { expression: '0 4 * * *' }, scheduleDescription: 'every day at 04:00 (UTC)' });
    expect(Date.parse(first.jobs[0].nextRunAt) % 86_400_000).toBe(4 * 3_600_000);
    expect(await total(f.api)).toBe(before);
    const job = (await f.api.request('GET', `/v1/jobs/${first.jobIds[0]}`)).body.data;
    expect(job.schedule.expression).toBe('0 4 * * *');
    expect(Date.parse(job.nextRunAt) % 86_400_000).toBe(4 * 3_600_000);
  });

  it('answers a dry run the same without writing anything', async () => {
    const before = await total(f.api);
    const source = `0 1 * * * curl ${f.sink.url}/dry-a\n0 1 * * * curl ${f.sink.url}/dry-b\n`;
    const dry = (await f.api.request('POST', '/v1/imports', { format: 'crontab', source, dryRun: true })).body.data;
    expect(dry).toMatchObject({ dryRun: true, imported: 2, created: 2, jobIds: [] });
    // A preview of each job it would make, with the first run it would have.
    expect(dry.jobs).toEqual([
      { index: 0, originalName: 'line 1', outcome: 'created', id: null, name: `GET ${new URL(f.sink.url).host}/dry-a`, method: 'GET', url: `${f.sink.url}/dry-a`, destination: null, schedule: { type: 'cron', expression: '0 1 * * *', timezone: 'UTC' }, scheduleDescription: 'every day at 01:00 (UTC)', status: 'active', spaceId: null, nextRunAt: expect.stringMatching(/T01:00:00\.000Z$/) },
      expect.objectContaining({ index: 1, outcome: 'created', id: null, url: `${f.sink.url}/dry-b` }),
    ]);
    expect(await total(f.api)).toBe(before);
    // Nothing was remembered either: the real import creates them.
    const real = (await f.api.request('POST', '/v1/imports', { format: 'crontab', source })).body.data;
    expect(real).toMatchObject({ dryRun: false, created: 2 });
    expect(real.jobs.map((j: { id: string }) => j.id)).toEqual(real.jobIds);
    expect(await total(f.api)).toBe(before + 2);
  });

  it('imports a curl command with a schedule, and the job fires', async () => {
    const n = f.sink.arrivals.length;
    const r = await f.api.request('POST', '/v1/imports', {
      format: 'curl',
      source: `curl -X PUT '${f.sink.url}/fired?via=curl' \\\n  -H 'X-Api-Key: k_93ab' \\\n  --data-raw '{"ok":true}' -H 'content-type: application/json'`,
      schedule: { type: 'interval', every: '1s' },
    });
    expect(r.body.data).toMatchObject({ created: 1, errors: [] });
    const [hit] = (await f.sink.waitFor(n + 1)).slice(n).filter((a) => a.path.startsWith('/fired'));
    expect(hit).toMatchObject({ method: 'PUT', path: '/fired?via=curl', body: '{"ok":true}' });
    expect(hit!.headers['x-api-key']).toBe('k_93ab');
    await f.api.request('POST', `/v1/jobs/${r.body.data.jobIds[0]}/pause`);
  });

  it('imports JustRun job objects into a space', async () => {
    const space = (await f.api.request('POST', '/v1/spaces', { name: 'moved', timezone: 'Europe/Stockholm' })).body.data;
    const r = await f.api.request('POST', '/v1/imports', {
      format: 'justrun',
      spaceId: space.id,
      source: { jobs: [{ name: 'Nightly Report Generator', cron_expression: '0 2 * * *', url: `${f.sink.url}/reports`, method: 'POST', timeout_sec: 120, retry_policy: 'exponential', retry_max: 3, retry_delay_sec: 30, tags: ['reports'] }] },
    });
    expect(r.body.data).toMatchObject({ created: 1, errors: [] });
    const job = (await f.api.request('GET', `/v1/jobs/${r.body.data.jobIds[0]}`)).body.data;
    expect(job).toMatchObject({ spaceId: space.id, timeoutMs: 120_000, tags: ['reports'], retryPolicy: { strategy: 'exponential', maxRetries: 3, initialDelayMs: 30_000 }, schedule: { timezone: 'Europe/Stockholm' } });
  });

  it('refuses a request it cannot act on with a 422 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ format: 'crontab' }, 'source'],
      [{ format: 'crontab', source: { a: 1 } }, 'source'],
      [{ format: 'justrun', source: 'text' }, 'source'],
      [{ format: 'curl', source: 'curl https://e.example' }, 'schedule'],
      [{ format: 'curl', source: 'curl https://e.example', schedule: 'every day' }, 'schedule'],
      [{ format: 'curl', source: 'curl https://e.example', schedule: { type: 'cron', expression: '* * *' } }, 'schedule.expression'],
      [{ format: 'crontab', source: '', apiKey: 'k' }, 'apiKey'],
      [{ format: 'cronjob-org', source: { nope: true } }, 'source'],
      [{ format: 'kairos', source: { kairos: 'export', version: 9 } }, 'source.version'],
      [{ format: 'crontab', source: '', spaceId: 'sp_nope' }, 'spaceId'],
      [{ format: 'ftp', source: '' }, 'format'],
    ];
    for (const [body, field] of cases) {
      const r = await f.api.request('POST', '/v1/imports', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it("imports an export split in parts: a rule on a job of an earlier part finds it, one whose job is nowhere is an error", async () => {
    const head = { kairos: 'export', version: 1, secrets: 'included', alertChannels: [{ id: 'ch_old', type: 'webhook', name: 'split pager', config: { url: `${f.sink.url}/pager` } }] };
    const job = { id: 'job_old1', name: 'part one', url: `${f.sink.url}/part`, schedule: { type: 'cron', expression: '0 5 * * *' } };
    const first = (await f.api.request('POST', '/v1/imports', { format: 'kairos', source: { ...head, jobs: [job] } })).body.data;
    expect(first).toMatchObject({ created: 1 });
    const rules = [
      { id: 'alr_1', name: 'part one fails', channelIds: ['ch_old'], jobId: 'job_old1' },
      { id: 'alr_2', name: 'lost job fails', channelIds: ['ch_old'], jobId: 'job_gone' },
    ];
    const second = (await f.api.request('POST', '/v1/imports', { format: 'kairos', source: { ...head, alertRules: rules, jobs: [] } })).body.data;
    expect(second.project).toMatchObject({ alertRules: 1, errors: [{ what: 'alertRule', originalId: 'alr_2', name: 'lost job fails', reason: 'its job job_gone was not imported' }] });
    const made = (await f.api.request('GET', '/v1/alerts/rules')).body.data.find((r: { name: string }) => r.name === 'part one fails');
    expect(made.jobId).toBe(first.jobIds[0]);
  });

  it('wants the write scope', async () => {
    const key = (await f.api.request('POST', '/v1/api-keys', { name: 'ro', scopes: ['read'] })).body.data.key;
    const r = await new Api(f.server.url, key).request('POST', '/v1/imports', { format: 'crontab', source: '' });
    expect(r.status).toBe(403);
  });
});

describe('POST /v1/imports on a plan with a job limit', () => {
  const s = useServer('sqlite', { config: { defaultPlan: loadConfig({ KAIROS_DEFAULT_PLAN: 'free' }).defaultPlan } });

  it('imports up to the limit and reports each job past it as an error entry, not a half-import', async () => {
    const api = new Api(s.server.url);
    await api.register('free');
    const source = [1, 2, 3, 4, 5].map((i) => `0 ${i} * * * curl http://127.0.0.1:9/job-${i}`).join('\n');
    const r = (await api.request('POST', '/v1/imports', { format: 'crontab', source })).body.data;
    expect(r).toMatchObject({ imported: 3, created: 3 });
    expect(r.errors).toEqual([
      { index: 3, originalName: 'line 4', reason: 'The free plan allows at most 3 active or paused jobs; this project has 3.' },
      { index: 4, originalName: 'line 5', reason: 'The free plan allows at most 3 active or paused jobs; this project has 3.' },
    ]);
    expect(await total(api)).toBe(3);
    // A job past the plan's timeout is refused like a created one.
    const slow = (await api.request('POST', '/v1/imports', { format: 'curl', source: 'curl -m 120 http://127.0.0.1:9/slow', schedule: { type: 'cron', expression: '0 0 * * *' }, dryRun: true })).body.data;
    expect(slow.errors[0].reason).toMatch(/timeout/i);
  });
});

describe('POST /v1/imports on PostgreSQL', () => {
  const f = useTestServer('postgres');

  it('makes each job once when the same source is imported twice at the same time', async () => {
    const source = Array.from({ length: 20 }, (_, i) => `${i} 4 * * * curl ${f.sink.url}/twice/${i}`).join('\n');
    const [a, b] = await Promise.all([0, 1].map(async () => (await f.api.request('POST', '/v1/imports', { format: 'crontab', source })).body.data));
    expect(a.created + b.created).toBe(20);
    expect(a.skipped + b.skipped).toBe(20);
    expect(await total(f.api)).toBe(20);
  });
});

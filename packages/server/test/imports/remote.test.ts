import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type FakeApi, startFakeApi } from '@kairos/testkit';
import { useServers, useTestServer } from '../support/server.js';

// GET /jobs and GET /jobs/<jobId> as https://docs.cron-job.org/rest-api.html shows them.
const cronjobOrgJobs = [
  {
    jobId: 12345,
    enabled: true,
    title: 'Example Job',
    saveResponses: false,
    url: 'http://127.0.0.1:9/example',
    lastStatus: 0,
    lastDuration: 0,
    lastExecution: 0,
    nextExecution: 1640187240,
    type: 0,
    requestTimeout: 300,
    schedule: { timezone: 'Europe/Berlin', hours: [-1], mdays: [-1], minutes: [0, 15, 30, 45], months: [-1], wdays: [-1] },
    requestMethod: 0,
  },
  {
    jobId: 12346,
    enabled: false,
    title: 'Nightly sync',
    saveResponses: true,
    url: 'http://127.0.0.1:9/sync',
    type: 0,
    requestTimeout: 30,
    schedule: { timezone: 'UTC', expiresAt: 0, hours: [3], mdays: [-1], minutes: [30], months: [-1], wdays: [-1] },
    requestMethod: 1,
  },
];
const cronjobOrgDetails: Record<string, unknown> = {
  12345: { ...cronjobOrgJobs[0], auth: { enable: false, user: '', password: '' }, notification: { onFailure: false, onSuccess: false, onDisable: false }, extendedData: { headers: { 'X-Foo': 'Bar' }, body: '' } },
  12346: { ...cronjobOrgJobs[1], auth: { enable: false, user: '', password: '' }, notification: { onFailure: true, onSuccess: false, onDisable: false }, extendedData: { headers: { Authorization: 'Bearer cjo_secret_55' }, body: '{"full":true}' } },
};

describe('imports fetched from cron-job.org and EasyCron with the user\'s key', () => {
  let cronjobOrg: FakeApi;
  let easycron: FakeApi;

  beforeAll(async () => {
    cronjobOrg = await startFakeApi((req, url) => {
      if (req.headers.authorization !== 'Bearer cjo_key') return { status: 401, body: {} };
      if (url.pathname === '/jobs') return { body: { jobs: cronjobOrgJobs, someFailed: false } };
      const detail = cronjobOrgDetails[url.pathname.replace('/jobs/', '')];
      return detail ? { body: { jobDetails: detail } } : { status: 404, body: {} };
    });
    // /rest/list?token=… as https://www.easycron.com/document/list shows it, one page of two jobs.
    easycron = await startFakeApi((_req, url) => {
      if (url.pathname !== '/rest/list') return { status: 404, body: {} };
      if (url.searchParams.get('token') !== 'ec_token') return { body: { status: 'error', error: { code: 25, message: 'Invalid token.' } } };
      if (url.searchParams.get('page') !== '1') return { body: { status: 'success', cron_jobs: [] } };
      return {
        body: {
          status: 'success',
          cron_jobs: [
            { cron_job_id: '2107', cron_job_name: 'Read feeds', description: 'Triggers the script to read feeds.', user_id: '1', url: 'http://127.0.0.1:9/readfeeds', auth_user: 'user123', auth_pw: 'pw123', cron_expression: '15 1 * * * *', total_successes: '0', total_failures: '0', number_failed_time: '0', epds_occupied: '2', email_me: '1', http_method: 'GET', http_headers: '', http_message_body: '', custom_timeout: '30', status: '0', created: '2012-03-19 17:04:18', updated: '2012-08-11 14:25:23' },
            { cron_job_id: '7', cron_job_name: 'Legacy Cron #7', url: 'http://127.0.0.1:9/legacy', cron_expression: '@reboot', status: '1' },
          ],
        },
      };
    });
  });
  afterAll(async () => {
    await cronjobOrg?.close();
    await easycron?.close();
  });
  const t = useTestServer('sqlite', { project: 'remote', config: () => ({ cronjobOrgApiUrl: cronjobOrg.url, easycronApiUrl: easycron.url }) });
  /** Servers pointed at other fakes, for one test each. */
  const others = useServers('sqlite');

  it('lists the cron-job.org jobs, reads each one\'s details, and imports them', async () => {
    const r = await t.api.request('POST', '/v1/imports', { format: 'cronjob-org', apiKey: 'cjo_key' });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ imported: 2, created: 2, errors: [] });
    expect(cronjobOrg.seen.map((s) => s.path)).toEqual(['/jobs', '/jobs/12345', '/jobs/12346']);
    expect(cronjobOrg.seen.every((s) => s.authorization === 'Bearer cjo_key')).toBe(true);
    expect(JSON.stringify(r.body)).not.toContain('cjo_secret_55');
    const [a, b] = await Promise.all(r.body.data.jobIds.map(async (id: string) => (await t.api.request('GET', `/v1/jobs/${id}`)).body.data));
    expect(a).toMatchObject({ name: 'Example Job', method: 'GET', status: 'active', headers: { 'X-Foo': 'Bar' }, timeoutMs: 300_000, schedule: { type: 'cron', expression: '0,15,30,45 * * * *', timezone: 'Europe/Berlin' } });
    expect(b).toMatchObject({ name: 'Nightly sync', method: 'POST', status: 'paused', body: '{"full":true}', headers: { Authorization: 'Bearer cjo_secret_55' }, storeResponseBody: true, nextRunAt: null });
  });

  it('refuses a key cron-job.org does not take with a 422 on apiKey', async () => {
    const r = await t.api.request('POST', '/v1/imports', { format: 'cronjob-org', apiKey: 'wrong' });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([{ field: 'apiKey', issue: 'cron-job.org refused this key (HTTP 401)' }]);
  });

  it('lists the EasyCron jobs with the token and imports them, @reboot as an error entry', async () => {
    const r = await t.api.request('POST', '/v1/imports', { format: 'easycron', apiKey: 'ec_token' });
    expect(r.body.data).toMatchObject({ imported: 1, errors: [{ index: 1, originalName: 'Legacy Cron #7', reason: 'Unsupported cron expression: @reboot' }] });
    expect(easycron.seen[0]!.path).toMatch(/^\/rest\/list\?token=ec_token&page=1&size=100/);
    const job = (await t.api.request('GET', `/v1/jobs/${r.body.data.jobIds[0]}`)).body.data;
    expect(job).toMatchObject({ name: 'Read feeds', status: 'paused', timeoutMs: 30_000, schedule: { expression: '15 1 * * *' }, headers: { Authorization: `Basic ${Buffer.from('user123:pw123').toString('base64')}` } });
    const wrong = await t.api.request('POST', '/v1/imports', { format: 'easycron', apiKey: 'nope' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0]).toEqual({ field: 'apiKey', issue: 'EasyCron refused this token: Invalid token.' });
  });

  it("imports the jobs read before cron-job.org's rate limit, and names the others as not read, for an import later", async () => {
    let limited = true;
    const strict = await startFakeApi((_req, url) => {
      if (url.pathname === '/jobs') return { body: { jobs: cronjobOrgJobs, someFailed: false } };
      if (url.pathname === '/jobs/12346' && limited) return { status: 429, body: {} };
      return { body: { jobDetails: cronjobOrgDetails[url.pathname.replace('/jobs/', '')] } };
    });
    const { server: other } = await others.start({ config: { cronjobOrgApiUrl: strict.url } });
    try {
      const c = new Api(other.url);
      await c.register('rate limited');
      const r = (await c.request('POST', '/v1/imports', { format: 'cronjob-org', apiKey: 'k' })).body.data;
      expect(r).toMatchObject({ imported: 1, jobs: [{ name: 'Example Job' }] });
      expect(r.errors).toEqual([{ index: 1, originalName: 'Nightly sync', reason: expect.stringMatching(/^not read: cron-job.org answered HTTP 429/) }]);
      limited = false;
      const later = (await c.request('POST', '/v1/imports', { format: 'cronjob-org', apiKey: 'k' })).body.data;
      expect(later).toMatchObject({ imported: 1, skipped: 1, errors: [], jobs: [{ outcome: 'unchanged' }, { outcome: 'created', name: 'Nightly sync' }] });
    } finally {
      await strict.close();
    }
  });

  it('says when the service cannot be reached, as a 503', async () => {
    const closed = await startFakeApi(() => ({ body: {} }));
    await closed.close();
    const { server: other } = await others.start({ config: { cronjobOrgApiUrl: closed.url } });
    const c = new Api(other.url);
    await c.register('down');
    const r = await c.request('POST', '/v1/imports', { format: 'cronjob-org', apiKey: 'k' });
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/^cron-job.org could not be reached/);
  });
  describe("JustRun's /v1/migrate/* over the same imports", () => {
    let jr: Api;
    let space: string;

    beforeAll(async () => {
      const owner = new Api(t.server.url);
      await owner.register('moving from JustRun');
      jr = new Api(`${t.server.url}/compat/justrun`, owner.key);
      space = (await owner.request('POST', '/v1/spaces', { name: 'moved' })).body.data.id;
    });

    it('imports from cron-job.org with the api_key into the space_id, answering as its document shows', async () => {
      const r = await jr.request('POST', '/v1/migrate/cronjob-org', { api_key: 'cjo_key', space_id: space });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ data: { imported: 2, skipped: 0, errors: [], job_ids: [expect.stringMatching(/^job_/), expect.stringMatching(/^job_/)] } });
      const job = (await jr.request('GET', `/v1/jobs/${r.body.data.job_ids[0]}`)).body.data;
      expect(job).toMatchObject({ name: 'Example Job', space_id: space, cron_expression: '0,15,30,45 * * * *', timezone: 'Europe/Berlin' });
      expect(JSON.stringify(r.body)).not.toContain('cjo_secret_55');
    });

    it('imports from EasyCron, each job it cannot take an error with its original_name', async () => {
      const r = await jr.request('POST', '/v1/migrate/easycron', { api_key: 'ec_token' });
      expect(r.status).toBe(200);
      // As its document's example answers: the @reboot job counted as skipped, and its reason in errors.
      expect(r.body.data).toMatchObject({ imported: 1, skipped: 1, errors: [{ original_name: 'Legacy Cron #7', reason: 'Unsupported cron expression: @reboot' }] });
    });

    it("imports the document's /v1/migrate/json example, and again without duplicating", async () => {
      const body = {
        space_id: space,
        jobs: [
          { name: 'Health Check', cron_expression: '*/5 * * * *', url: 'http://127.0.0.1:9/health', method: 'GET', timeout_sec: 10 },
          {
            name: 'Sync Inventory',
            cron_expression: '0 */2 * * *',
            url: 'http://127.0.0.1:9/inventory/sync',
            method: 'POST',
            timezone: 'America/New_York',
            timeout_sec: 120,
            retry_policy: 'exponential',
            retry_max: 3,
            retry_delay_sec: 30,
            headers: { 'X-API-Key': 'inv_key_abc123', 'X-Correlation-ID': 'jr-{{execution_id}}' },
            body: '{"full_sync": true}',
            tags: ['inventory', 'critical'],
          },
          { name: 'No URL', cron_expression: '* * * * *' },
          { name: 'Bad cron', cron_expression: '* * *', url: 'http://127.0.0.1:9/bad', timeout_sec: 900 },
        ],
      };
      const r = await jr.request('POST', '/v1/migrate/json', body);
      expect(r.status).toBe(200);
      // Each refusal names JustRun's fields, not Kairos's.
      expect(r.body.data).toMatchObject({
        imported: 2,
        skipped: 2,
        errors: [
          { original_name: 'No URL', reason: 'has no url' },
          { original_name: 'Bad cron', reason: expect.stringMatching(/^cron_expression: .*; timeout_sec: /) },
        ],
      });
      expect(r.body.data.job_ids).toHaveLength(2);
      expect(JSON.stringify(r.body)).not.toContain('inv_key_abc123');
      // The same job as JustRun's own create endpoint makes of those fields.
      const imported = (await jr.request('GET', `/v1/jobs/${r.body.data.job_ids[1]}`)).body.data;
      const created = (await jr.request('POST', '/v1/jobs', { ...body.jobs[1], space_id: space })).body.data;
      const same = ({ id: _i, created_at: _c, updated_at: _u, next_run_at: _n, ...rest }: Record<string, unknown>) => rest;
      expect(same(imported)).toEqual(same(created));
      const again = await jr.request('POST', '/v1/migrate/json', body);
      expect(again.body.data).toMatchObject({ imported: 0, skipped: 4, job_ids: r.body.data.job_ids });
    });

    it("puts a job in its own space_id when it is one of this project's, and leaves another account's out", async () => {
      const r = await jr.request('POST', '/v1/migrate/json', {
        jobs: [
          { name: 'Mine', cron_expression: '0 1 * * *', url: 'http://127.0.0.1:9/mine', space_id: space },
          { name: 'Theirs', cron_expression: '0 1 * * *', url: 'http://127.0.0.1:9/theirs', space_id: 'sp_xyz789' },
        ],
      });
      expect(r.body.data).toMatchObject({ imported: 2, errors: [] });
      expect((await jr.request('POST', '/v1/migrate/json', { jobs: [], space_id: null })).status).toBe(200);
      const [mine, theirs] = await Promise.all(r.body.data.job_ids.map(async (id: string) => (await jr.request('GET', `/v1/jobs/${id}`)).body.data));
      expect(mine.space_id).toBe(space);
      expect(theirs.space_id).toBeNull();
    });

    it('refuses what it cannot act on in its own error shape, naming its fields', async () => {
      const wrongKey = await jr.request('POST', '/v1/migrate/cronjob-org', { api_key: 'wrong' });
      expect(wrongKey.status).toBe(422);
      expect(wrongKey.body.error).toMatchObject({ code: 'validation_error', details: [{ field: 'api_key' }] });
      const noKey = await jr.request('POST', '/v1/migrate/easycron', {});
      expect(noKey.status).toBe(400);
      expect(JSON.stringify(noKey.body.error)).toContain('api_key');
      const noJobs = await jr.request('POST', '/v1/migrate/json', { jobs: 'x' });
      expect(noJobs.status).toBe(400);
      expect(JSON.stringify(noJobs.body.error)).toContain('jobs');
      const noSpace = await jr.request('POST', '/v1/migrate/json', { jobs: [], space_id: 'sp_nope' });
      expect(noSpace.status).toBe(422);
      expect(noSpace.body.error.details).toEqual([{ field: 'space_id', issue: expect.stringContaining('sp_nope') }]);
    });

    it('wants the write scope', async () => {
      const key = (await new Api(t.server.url, jr.key).request('POST', '/v1/api-keys', { name: 'ro', scopes: ['read'] })).body.data.key;
      const r = await new Api(`${t.server.url}/compat/justrun`, key).request('POST', '/v1/migrate/json', { jobs: [] });
      expect(r.status).toBe(403);
    });
  });
});

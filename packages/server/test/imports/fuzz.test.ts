import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';

/**
 * Sources are whatever the user pastes: every generated source, of every format, is answered with
 * a 2xx or a 4xx in the error envelope, never a 5xx. Dry runs, and the engine stopped, so nothing
 * generated is ever kept or delivered.
 */
describe('imports of generated sources', () => {
  const t = useTestServer('sqlite', { project: 'fuzz' });
  const numRuns = 60;

  beforeAll(async () => {
    await t.server.engine.stop();
  });

  async function check(body: unknown): Promise<void> {
    const r = await t.api.request('POST', '/v1/imports', body);
    const what = JSON.stringify(body).slice(0, 300);
    expect(r.status, `${what} -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`).toBeLessThan(500);
    if (r.status >= 400) expect(r.body, what).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
    else expect(r.body.data.jobIds).toEqual([]);
  }

  // Values of the wrong type where a job's fields go, and the fields of each format.
  const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.oneof(fc.integer({ min: -2, max: 70 }), fc.string({ maxLength: 5 })), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer())));
  const jobOf = (fields: readonly string[]) => fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: fields.length });
  const kairosJob = jobOf(['id', 'status', 'name', 'url', 'destination', 'method', 'headers', 'query', 'body', 'payload', 'schedule', 'retryPolicy', 'timeoutMs', 'tags', 'spaceId', 'description', 'nextRunAt', 'state', 'onComplete', 'followRedirects', 'storeResponseBody']);
  const justrunJob = jobOf(['id', 'name', 'cron_expression', 'url', 'method', 'timezone', 'timeout_sec', 'retry_policy', 'retry_max', 'retry_delay_sec', 'tags', 'headers', 'body', 'store_response_body', 'status']);
  const cronjobOrgJob = fc.record({ jobId: value, url: value, title: value, enabled: value, requestMethod: value, requestTimeout: value, saveResponses: value, auth: value, extendedData: fc.record({ headers: value, body: value }), schedule: fc.dictionary(fc.constantFrom('timezone', 'expiresAt', 'hours', 'mdays', 'minutes', 'months', 'wdays'), value) }, { requiredKeys: [] });
  const easycronJob = jobOf(['cron_job_id', 'cron_job_name', 'url', 'cron_expression', 'http_method', 'http_headers', 'http_message_body', 'posts', 'auth_user', 'auth_pw', 'custom_timeout', 'timezone_from', 'timezone', 'status', 'description']);
  const shellText = fc.string({ unit: fc.constantFrom(...'curl wget -XHdum \'"\\$`%#;|&<>\n{}=:/.@*0123456789abc'.split('')), maxLength: 120 });

  it('kairos, justrun, cron-job.org and EasyCron JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ format: fc.constant('kairos'), source: fc.oneof(fc.anything(), fc.record({ kairos: fc.constant('export'), version: fc.constant(1), secrets: fc.constantFrom('masked', 'included'), spaces: fc.array(value, { maxLength: 3 }), jobs: fc.array(kairosJob, { maxLength: 4 }), alertChannels: fc.array(value, { maxLength: 2 }), alertRules: fc.array(value, { maxLength: 2 }), inboundWebhooks: fc.array(value, { maxLength: 2 }), project: value })) }),
          fc.record({ format: fc.constant('justrun'), source: fc.oneof(fc.anything(), fc.record({ jobs: fc.array(justrunJob, { maxLength: 4 }) })) }),
          fc.record({ format: fc.constant('cronjob-org'), source: fc.oneof(fc.anything(), fc.record({ jobs: fc.array(cronjobOrgJob, { maxLength: 4 }) }), fc.array(fc.record({ jobDetails: cronjobOrgJob }), { maxLength: 3 })) }),
          fc.record({ format: fc.constant('easycron'), source: fc.oneof(fc.anything(), fc.record({ status: fc.constant('success'), cron_jobs: fc.array(easycronJob, { maxLength: 4 }) })) }),
        ),
        async (body) => check({ ...body, dryRun: true }),
      ),
      { numRuns },
    );
  });

  it('crontab text and curl commands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ format: fc.constant('crontab'), source: fc.array(fc.oneof(shellText, shellText.map((c) => `* * * * * ${c}`), fc.string({ maxLength: 40 })), { maxLength: 6 }).map((l) => l.join('\n')) }),
          fc.record({ format: fc.constant('curl'), source: fc.oneof(shellText, shellText.map((c) => `curl ${c}`)), schedule: fc.oneof(value, fc.constant({ type: 'interval', every: '1h' })) }),
        ),
        async (body) => check({ ...body, dryRun: true }),
      ),
      { numRuns },
    );
  });
});

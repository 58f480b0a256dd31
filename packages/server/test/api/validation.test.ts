import { describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { useServer, useTestServer } from '../support/server.js';

// Validation is the same code on either database, so one is enough here.
describe('job validation', () => {
  const t = useTestServer('sqlite');
  // As an operator runs it: loopback and private targets not allowed.
  const strictServer = useServer('sqlite', { config: { allowTargets: undefined } });
  const url = 'http://127.0.0.1:9/x';

  async function rejected(body: unknown, field: string, status = 422) {
    const r = await t.api.request('POST', '/v1/jobs', body);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error.code).toBe(status === 422 ? 'validation_failed' : r.body.error.code);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(typeof r.body.error.message).toBe('string');
  }

  const soon = () => new Date(Date.now() + 60_000).toISOString();

  it('names the missing schedule and url', async () => {
    await rejected({ url }, 'schedule');
    await rejected({ schedule: { type: 'once', delay: 1000 } }, 'url');
  });
  it('refuses unknown fields and wrong types', async () => {
    await rejected({ url, schedule: { type: 'once', delay: 1000 }, colour: 'red' }, 'colour');
    await rejected({ url, schedule: { type: 'once', delay: 1000 }, timeoutMs: '5000' }, 'timeoutMs');
    await rejected({ url, schedule: { type: 'once', delay: 1000 }, headers: { a: 1 } }, 'headers.a');
    await rejected({ url, schedule: 'every day' }, 'schedule');
    await rejected({ url, schedule: { type: 'sometimes' } }, 'schedule.type');
  });
  it('refuses a doubled or malformed schedule', async () => {
    await rejected({ url, schedule: { type: 'once', at: soon(), delay: 5000 } }, 'schedule.delay');
    await rejected({ url, schedule: { type: 'once', at: '2001-01-01T00:00:00Z' } }, 'schedule.at');
    await rejected({ url, schedule: { type: 'once', at: 'tomorrow' } }, 'schedule.at');
    await rejected({ url, schedule: { type: 'once', delay: 'soon' } }, 'schedule.delay');
    await rejected({ url, schedule: { type: 'cron', expression: '61 * * * *' } }, 'schedule.expression');
    await rejected({ url, schedule: { type: 'cron', expression: '* * * * *', timezone: 'Mars/Olympus' } }, 'schedule.timezone');
    await rejected({ url, schedule: { type: 'interval', every: '500ms' } }, 'schedule.every');
    await rejected({ url, schedule: { type: 'preset', preset: 'noon' } }, 'schedule.preset');
    await rejected({ url, schedule: { type: 'weekly', day: 'funday' } }, 'schedule.day');
    await rejected({ url, schedule: { type: 'daily', times: ['08:00', '24:30'] } }, 'schedule.times[1]');
  });
  it('refuses bad targets, methods, sizes and timeouts', async () => {
    await rejected({ url: 'ftp://example.com/x', schedule: { type: 'once', delay: 1000 } }, 'url');
    await rejected({ url: 'https://user:pw@example.com/', schedule: { type: 'once', delay: 1000 } }, 'url');
    await rejected({ url, method: 'FETCH', schedule: { type: 'once', delay: 1000 } }, 'method');
    await rejected({ url, method: 'GET', payload: { a: 1 }, schedule: { type: 'once', delay: 1000 } }, 'payload');
    await rejected({ url, body: 'x', payload: {}, schedule: { type: 'once', delay: 1000 } }, 'body');
    await rejected({ url, payload: { big: 'x'.repeat(256 * 1024) }, schedule: { type: 'once', delay: 1000 } }, 'payload');
    await rejected({ url, timeoutMs: 999, schedule: { type: 'once', delay: 1000 } }, 'timeoutMs');
    await rejected({ url, timeoutMs: 300_001, schedule: { type: 'once', delay: 1000 } }, 'timeoutMs');
    await rejected({ url, name: 'n'.repeat(256), schedule: { type: 'once', delay: 1000 } }, 'name');
    await rejected({ url, headers: { Host: 'evil' }, schedule: { type: 'once', delay: 1000 } }, 'headers.Host');
    await rejected({ url, retryPolicy: { maxRetries: 11 }, schedule: { type: 'once', delay: 1000 } }, 'retryPolicy.maxRetries');
    await rejected({ url, retryPolicy: { strategy: 'random' }, schedule: { type: 'once', delay: 1000 } }, 'retryPolicy.strategy');
  });
  it('accepts a body of 1 MiB and refuses a larger request with 413', async () => {
    const ok = await t.api.request('POST', '/v1/jobs', { url, body: 'x'.repeat(1024 * 1024), schedule: { type: 'cron', expression: '@yearly' } });
    expect(ok.status).toBe(201);
    await rejected({ url, body: 'x'.repeat(1024 * 1024 + 1), schedule: { type: 'once', delay: 1000 } }, 'body');
    const huge = await t.api.request('POST', '/v1/jobs', { url, body: 'x'.repeat(2 * 1024 * 1024), schedule: { type: 'once', delay: 1000 } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });
  it('refuses a request body over the limit with 413 and the JSON error on routes other than jobs too', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    for (const [path, body] of [
      ['/v1/auth/register', { email: 'big@example.com', password: big, name: 'Big' }],
      ['/v1/auth/login', { email: 'big@example.com', password: big }],
      ['/v1/projects', { name: big }],
      ['/v1/api-keys', { name: big, scopes: ['read'] }],
    ] as const) {
      const r = await t.api.request('POST', path, body);
      expect(r.status, path).toBe(413);
      expect(r.body.error, path).toEqual({ code: 'payload_too_large', message: expect.stringMatching(/larger than the \d+ bytes/), details: [] });
    }
  });
  it('answers malformed JSON with 400 and a JSON error', async () => {
    const r = await t.api.request('POST', '/v1/jobs', '{"url": ');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_json');
  });
  it('refuses loopback targets unless the operator allows them', async () => {
    const strict = new Api(strictServer.server.url);
    await strict.register();
    for (const target of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://[::1]/', 'http://10.0.0.1/', 'http://169.254.169.254/latest']) {
      const r = await strict.request('POST', '/v1/jobs', { url: target, schedule: { type: 'once', delay: 1000 } });
      expect(r.status, target).toBe(422);
      expect(r.body.error.details[0].field).toBe('url');
    }
  });
  it('gives a JSON 404 for unknown routes and jobs', async () => {
    const r = await t.api.request('GET', '/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    expect((await t.api.request('GET', '/v1/jobs/job_doesnotexist')).status).toBe(404);
  });
});

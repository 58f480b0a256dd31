import { describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { rawRequest } from '../support/rawHttp.js';
import { useTestServer } from '../support/server.js';

/** Issue 14: bad input is a clear 4xx in the error envelope naming the field, never a 500. */

const deep = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);
const nestingIssue = 'nests deeper than 64 levels of objects and arrays';
const envelope = { error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } };

describe('bad input on the native API', () => {
  const t = useTestServer('sqlite', { project: 'bad input' });
  const job = (payload: string) => `{"url":"${t.sink.url}/x","schedule":{"type":"once","delay":"1h"},"payload":${payload}}`;

  describe('deeply nested JSON (defect 2)', () => {
    it('POST /v1/jobs: 422 naming payload, at 65 levels and at 10 000; 64 levels are taken', async () => {
      for (const levels of [65, 3_000, 10_000]) {
        const r = await t.api.request('POST', '/v1/jobs', job(deep(levels)));
        expect(r.status, `${levels} levels`).toBe(422);
        expect(r.body.error).toEqual({ code: 'validation_failed', message: `payload: ${nestingIssue}`, details: [{ field: 'payload', issue: nestingIssue }] });
      }
      expect((await t.api.request('POST', '/v1/jobs', job(deep(64)))).status).toBe(201);
    });

    it('a "$job" nested 3 000 levels deep is refused, not accepted to hold its run for ever', async () => {
      const r = await t.api.request('POST', '/v1/jobs', job(`{"a":${deep(3_000, '"$job"')}}`));
      expect(r.status).toBe(422);
      expect(r.body.error.details).toEqual([{ field: 'payload', issue: nestingIssue }]);
    });

    it('with an Idempotency-Key, whose hash walks the body', async () => {
      const r = await t.api.request('POST', '/v1/jobs', job(deep(10_000)), { 'idempotency-key': 'deep-1' });
      expect(r.status).toBe(422);
      expect(r.body.error.details).toEqual([{ field: 'payload', issue: nestingIssue }]);
    });

    it('PATCH /v1/jobs/:id and POST /v1/jobs/batch name the field', async () => {
      const made = await t.api.createJob({ url: `${t.sink.url}/x`, schedule: { type: 'once', delay: '1h' } });
      const patch = await t.api.request('PATCH', `/v1/jobs/${made.id}`, `{"payload":${deep(10_000)}}`);
      expect(patch.status).toBe(422);
      expect(patch.body.error.details).toEqual([{ field: 'payload', issue: nestingIssue }]);
      const batch = await t.api.request('POST', '/v1/jobs/batch', `{"jobs":[${job('1')},${job(deep(10_000))}]}`);
      expect(batch.status).toBe(422);
      expect(batch.body.error.details).toEqual([{ field: 'jobs[1].payload', issue: nestingIssue }]);
    });

    it('POST /v1/inbound/:slug answers 400 naming the body', async () => {
      const hook = (await t.api.request('POST', '/v1/inbound-webhooks', { targetUrl: `${t.sink.url}/in`, delayMs: 3_600_000 })).body.data;
      const r = await new Api(t.server.url).request('POST', `/v1/inbound/${hook.slug}`, deep(10_000));
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual({ code: 'bad_request', message: `The body ${nestingIssue}.`, details: [{ field: 'body', issue: nestingIssue }] });
      expect((await new Api(t.server.url).request('POST', `/v1/inbound/${hook.slug}`, deep(64))).status).toBe(202);
    });
  });

  describe('absurd page numbers (defect 3)', () => {
    const lists = [
      '/v1/jobs',
      '/v1/executions',
      '/v1/jobs/JOB/executions',
      '/v1/jobs/sparklines',
      '/v1/spaces',
      '/v1/api-keys',
      '/v1/inbound-webhooks',
      '/v1/alerts/channels',
      '/v1/alerts/rules',
      '/v1/alerts/notices',
      '/v1/projects',
    ];

    it('answers 422 naming page on all 11 lists; the last page there can be is served', async () => {
      const made = await t.api.createJob({ url: `${t.sink.url}/x`, schedule: { type: 'once', delay: '1h' } });
      // /v1/projects is an account's: a user's access token.
      const user = new Api(t.server.url);
      await user.registerUser('pages@example.com');
      for (const list of lists) {
        const api = list === '/v1/projects' ? user : t.api;
        const path = list.replace('JOB', made.id);
        for (const page of ['99999999999999999999', '1e309', 'Infinity', '-Infinity', '10000001']) {
          const r = await api.request('GET', `${path}?page=${page}`);
          expect(r.status, `${path}?page=${page}: ${JSON.stringify(r.body)}`).toBe(422);
          expect(r.body.error.details[0].field, path).toBe('page');
        }
        const last = await api.request('GET', `${path}?page=10000000&perPage=100`);
        expect(last.status, `${path}: ${JSON.stringify(last.body)}`).toBe(200);
        expect(last.body.data).toEqual([]);
      }
    });
  });

  describe("absurd page numbers on the dialects' lists (defect 3)", () => {
    it('answers 400 naming page, in the dialect\'s own error shape', async () => {
      for (const list of ['/compat/runner/api/v1/jobs', '/compat/donutwork/2026-02-01/job-runner.json']) {
        for (const page of ['99999999999999999999', '1e309', 'Infinity', '10000001']) {
          const r = await t.api.request('GET', `${list}?page=${page}`);
          expect(r.status, `${list}?page=${page}: ${JSON.stringify(r.body)}`).toBe(400);
          expect(r.body, list).toEqual({ error: 'page: must be at most 10000000' });
        }
        expect((await t.api.request('GET', `${list}?page=10000000`)).status, list).toBe(200);
      }
    });
  });

  describe('raw non-ASCII in a query string (defect 4)', () => {
    it('answers with the error envelope, as every error does', async () => {
      for (const target of ['/v1/jobs?q=café', '/v1/jobs?q=日本', '/v1/health?x=ü', '/nope/é']) {
        const r = await rawRequest(t.server.url, 'GET', target, { authorization: `Bearer ${t.api.key}` });
        expect(r.status, target).toBe(400);
        expect(JSON.parse(r.body), target).toEqual(envelope);
        expect(JSON.parse(r.body).error.code).toBe('bad_request');
      }
      // Percent-encoded, the same search works.
      expect((await t.api.request('GET', `/v1/jobs?q=${encodeURIComponent('café')}`)).status).toBe(200);
    });

    it("answers under a dialect's mount in that dialect's error shape, as its other errors", async () => {
      const auth = { authorization: `Bearer ${t.api.key}` };
      const runner = await rawRequest(t.server.url, 'GET', '/compat/runner/api/v1/jobs?q=café', auth);
      expect(runner.status).toBe(400);
      expect(JSON.parse(runner.body)).toEqual({ error: expect.stringContaining('percent-encode non-ASCII text') });
      const donutwork = await rawRequest(t.server.url, 'GET', '/compat/donutwork/2026-02-01/job-runner.json?x=ü', auth);
      expect(JSON.parse(donutwork.body)).toEqual({ error: expect.stringContaining('percent-encode non-ASCII text') });
      const booper = await rawRequest(t.server.url, 'GET', '/compat/booper/api/jobs/é', auth);
      expect(booper.status).toBe(400);
      expect(JSON.parse(booper.body)).toEqual({ errors: { detail: expect.stringContaining('percent-encode non-ASCII text') } });
      // So is a path whose %-escapes do not decode, which the router refuses before any route.
      const escape = await rawRequest(t.server.url, 'GET', '/compat/booper/api/jobs/%zz', auth);
      expect(JSON.parse(escape.body)).toEqual({ errors: { detail: 'The URL path is not valid (check its %-escapes).' } });
      // A path that only begins like a mount is the native API's.
      expect(JSON.parse((await rawRequest(t.server.url, 'GET', '/compat/runnerx?q=é')).body)).toEqual(envelope);
    });
  });

  describe('clearer answers', () => {
    it('a body that is not a JSON object says the request body must be one', async () => {
      for (const body of ['[1]', '"text"', '42', 'null']) {
        const r = await t.api.request('POST', '/v1/jobs', body);
        expect(r.status, body).toBe(422);
        expect(r.body.error.details, body).toEqual([{ field: 'request body', issue: 'must be a JSON object' }]);
        expect(r.body.error.message).toBe('request body: must be a JSON object');
      }
    });

    it('a body that is not JSON by its content type is a 415, as inbound webhooks answer', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const r = await t.api.request('POST', '/v1/jobs', 'url=x', { 'content-type': type });
        expect(r.status, type).toBe(415);
        expect(r.body.error.code).toBe('unsupported_media_type');
      }
    });

    it('"at": 1e20 and "delay": "99999999w" are out of range, and the answer gives the range', async () => {
      const at = await t.api.request('POST', '/v1/jobs', { url: `${t.sink.url}/x`, schedule: { type: 'once', at: 1e20 } });
      expect(at.status).toBe(422);
      expect(at.body.error.details).toEqual([{ field: 'schedule.at', issue: 'is out of range: epoch milliseconds go from 0 to 8640000000000000 (+275760-09-13T00:00:00.000Z)' }]);
      const delay = await t.api.request('POST', '/v1/jobs', { url: `${t.sink.url}/x`, schedule: { type: 'once', delay: '99999999w' } });
      expect(delay.status).toBe(422);
      expect(delay.body.error.details[0]).toEqual({ field: 'schedule.delay', issue: expect.stringMatching(/^is out of range: a delay goes from 0 to \d+ milliseconds \(it must end by \+275760-09-13T00:00:00.000Z\)$/) });
    });
  });
});

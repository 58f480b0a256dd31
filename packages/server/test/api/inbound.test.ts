import { createHmac } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { loadConfig } from '../../src/config.js';
import { eventually, useServer, useTestServer } from '../support/server.js';

describe.each(databaseKinds)('inbound webhooks on %s', (kind) => {
  const t = useTestServer(kind, { project: 'inbound' });
  const anonymous = () => new Api(t.server.url);

  async function createWebhook(body: Record<string, unknown>): Promise<any> {
    const r = await t.api.request('POST', '/v1/inbound-webhooks', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.data;
  }

  it('forwards a posted payload to the target once its delay has passed', async () => {
    const hook = await createWebhook({ targetUrl: `${t.sink.url}/hook`, delayMs: 600, headers: { 'x-from': 'inbound' }, name: 'payments' });
    expect(hook.id).toMatch(/^ibw_/);
    // 128 random bits: the slug is the URL's only credential.
    expect(hook.slug).toMatch(/^wh_[0-9a-f]{32}$/);
    expect(hook).toMatchObject({ url: `${t.server.url}/v1/inbound/${hook.slug}`, targetUrl: `${t.sink.url}/hook`, method: 'POST', headers: { 'x-from': 'inbound' }, delayMs: 600, name: 'payments', hasSecret: false });

    const sentAt = Date.now();
    const r = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, { event: 'payment.completed', amount: 2999 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.data.jobId).toMatch(/^job_/);
    expect(Date.parse(r.body.data.scheduledFor)).toBeGreaterThanOrEqual(sentAt + 600);

    const arrival = await eventually(() => t.sink.arrivals.find((a) => a.path === '/hook'));
    expect(arrival.at).toBeGreaterThanOrEqual(sentAt + 600);
    expect(arrival.method).toBe('POST');
    expect(JSON.parse(arrival.body)).toEqual({ event: 'payment.completed', amount: 2999 });
    expect(arrival.headers['x-from']).toBe('inbound');

    const job = await t.api.request('GET', `/v1/jobs/${r.body.data.jobId}`);
    expect(job.body.data.tags).toEqual(['inbound']);
    expect(job.body.data.name).toBe(`inbound ${hook.slug.slice(0, 9)}`);
  });

  it('lists, reads and deletes webhooks; a deleted URL answers 404', async () => {
    const hook = await createWebhook({ targetUrl: `${t.sink.url}/gone`, method: 'PUT' });
    const list = await t.api.request('GET', '/v1/inbound-webhooks');
    expect(list.status).toBe(200);
    expect(list.body.data.map((w: { id: string }) => w.id)).toContain(hook.id);
    expect(list.body.meta).toMatchObject({ page: 1, perPage: 20 });
    expect((await t.api.request('GET', `/v1/inbound-webhooks/${hook.id}`)).body.data).toEqual(hook);
    expect((await t.api.request('DELETE', `/v1/inbound-webhooks/${hook.id}`)).status).toBe(204);
    expect((await t.api.request('GET', `/v1/inbound-webhooks/${hook.id}`)).status).toBe(404);
    const r = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, { a: 1 });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });

  it('lists the requests a webhook accepted, newest first, with their payloads and how their delivery went', async () => {
    const hook = await createWebhook({ targetUrl: `${t.sink.url}/recorded` });
    const other = await createWebhook({ targetUrl: `${t.sink.url}/elsewhere`, delayMs: 86_400_000 });
    const first = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, { n: 1 });
    const second = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, { n: 2 });
    expect((await anonymous().request('POST', `/v1/inbound/${other.slug}`, { n: 3 })).status).toBe(202);

    const list = await t.api.request('GET', `/v1/inbound-webhooks/${hook.id}/requests`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.meta).toEqual({ page: 1, perPage: 20, total: 2 });
    expect(list.body.data.map((r: { jobId: string }) => r.jobId)).toEqual([second.body.data.jobId, first.body.data.jobId]);
    expect(list.body.data.map((r: { payload: unknown }) => r.payload)).toEqual([{ n: 2 }, { n: 1 }]);
    expect(Date.parse(list.body.data[0].receivedAt)).toBeGreaterThan(0);

    // Once delivered, each says how it went.
    const delivered = await eventually(async () => {
      const r = await t.api.request('GET', `/v1/inbound-webhooks/${hook.id}/requests?perPage=1&page=2`);
      return r.body.data[0]?.lastStatus === 'success' ? r.body : undefined;
    });
    expect(delivered.meta).toEqual({ page: 2, perPage: 1, total: 2 });
    expect(delivered.data[0]).toMatchObject({ jobId: first.body.data.jobId, jobStatus: 'completed', lastStatus: 'success', lastStatusCode: 200, payload: { n: 1 } });
    expect(Date.parse(delivered.data[0].deliveredAt)).toBeGreaterThan(0);

    const waiting = await t.api.request('GET', `/v1/inbound-webhooks/${other.id}/requests`);
    expect(waiting.body.data).toEqual([expect.objectContaining({ payload: { n: 3 }, jobStatus: 'active', deliveredAt: null, lastStatus: null })]);
    expect(Date.parse(waiting.body.data[0].scheduledFor)).toBeGreaterThan(Date.now() + 3_600_000);

    const unknown = await t.api.request('GET', '/v1/inbound-webhooks/ibw_unknown/requests');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await anonymous().request('GET', `/v1/inbound-webhooks/${hook.id}/requests`)).status).toBe(401);
    const bad = await t.api.request('GET', `/v1/inbound-webhooks/${hook.id}/requests?perPage=1000`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe('perPage');
  });

  it('keeps a request in the list when its job is edited, and lists no job merely described like one', async () => {
    const hook = await createWebhook({ targetUrl: `${t.sink.url}/linked`, delayMs: 86_400_000 });
    const made = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, { n: 1 });
    expect(made.status).toBe(202);
    const jobId = made.body.data.jobId;
    expect((await t.api.request('GET', `/v1/jobs/${jobId}`)).body.data.description).toBe(`Created by inbound webhook ${hook.id}`);

    const edited = await t.api.request('PATCH', `/v1/jobs/${jobId}`, { description: 'renamed by a user', name: 'mine now' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    // A job a caller made with the text the webhook's jobs carry was not made by the webhook.
    const lookalike = await t.api.request('POST', '/v1/jobs', { url: `${t.sink.url}/linked`, schedule: { type: 'once', delay: 86_400_000 }, description: `Created by inbound webhook ${hook.id}` });
    expect(lookalike.status, JSON.stringify(lookalike.body)).toBe(201);

    const list = await t.api.request('GET', `/v1/inbound-webhooks/${hook.id}/requests`);
    expect(list.status).toBe(200);
    expect(list.body.meta.total).toBe(1);
    expect(list.body.data).toEqual([expect.objectContaining({ jobId, payload: { n: 1 } })]);
  });

  it('answers 404 with the JSON error shape for an unknown slug', async () => {
    const r = await anonymous().request('POST', '/v1/inbound/wh_00000000000000000000000000000000', { a: 1 });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'not_found', message: expect.any(String), details: [] } });
  });

  it('needs an API key to manage webhooks but none to post to one', async () => {
    expect((await anonymous().request('GET', '/v1/inbound-webhooks')).status).toBe(401);
    expect((await anonymous().request('POST', '/v1/inbound-webhooks', { targetUrl: `${t.sink.url}/x` })).status).toBe(401);
  });

  it('refuses a target that is not a public address, naming targetUrl', async () => {
    for (const targetUrl of ['http://10.0.0.1/hook', 'ftp://example.com/x', 'http://user:pw@example.com/']) {
      const r = await t.api.request('POST', '/v1/inbound-webhooks', { targetUrl });
      expect(r.status, targetUrl).toBe(422);
      expect(r.body.error.details[0].field, targetUrl).toBe('targetUrl');
    }
    const r = await t.api.request('POST', '/v1/inbound-webhooks', { targetUrl: `${t.sink.url}/x`, delayMs: 31 * 24 * 3600 * 1000, method: 'GET' });
    expect(r.status).toBe(422);
    expect(r.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['delayMs', 'method']);
  });

  it('refuses bodies past 256 KiB with 413, and bodies that are not JSON', async () => {
    const hook = await createWebhook({ targetUrl: `${t.sink.url}/big`, delayMs: 86_400_000 });
    const big = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, { blob: 'x'.repeat(256 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const justUnder = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, { blob: 'x'.repeat(255 * 1024) });
    expect(justUnder.status).toBe(202);
    const notJson = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, '{"a":', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('bad_request');
    const text = await anonymous().request('POST', `/v1/inbound/${hook.slug}`, 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const empty = await anonymous().request('POST', `/v1/inbound/${hook.slug}`);
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'bad_request', details: [] });
  });

  it('requires an HMAC-SHA256 signature of the raw body when the webhook has a secret', async () => {
    const secret = 'a-shared-secret-of-some-length';
    const hook = await createWebhook({ targetUrl: `${t.sink.url}/signed`, delayMs: 86_400_000, secret });
    expect(hook.hasSecret).toBe(true);
    expect(JSON.stringify(hook)).not.toContain(secret);
    // Spacing that JSON.parse would erase: the signature covers the bytes as sent.
    const body = '{ "event":  "signed" }';
    const sign = (key: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
    const post = (headers: Record<string, string>) => anonymous().request('POST', `/v1/inbound/${hook.slug}`, body, { 'content-type': 'application/json', ...headers });

    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(missing.body.error.details).toEqual([{ field: 'x-kairos-signature', issue: 'is required' }]);
    expect((await post({ 'x-kairos-signature': sign('another secret') })).status).toBe(401);
    expect((await post({ 'x-kairos-signature': 'sha256=abc' })).status).toBe(401);
    expect((await post({ 'x-kairos-signature': `sha256=${createHmac('sha256', secret).update(JSON.stringify(JSON.parse(body))).digest('hex')}` })).status).toBe(401);
    const ok = await post({ 'x-kairos-signature': sign(secret) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
  });

  it('takes 60 requests a minute per URL; the 61st is 429 with Retry-After, other URLs unaffected', async () => {
    const hook = await createWebhook({ targetUrl: `${t.sink.url}/busy`, delayMs: 86_400_000 });
    const other = await createWebhook({ targetUrl: `${t.sink.url}/calm`, delayMs: 86_400_000 });
    const client = anonymous();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await client.request('POST', `/v1/inbound/${hook.slug}`, { i })).status);
    expect(statuses.every((s) => s === 202), statuses.join(',')).toBe(true);
    const limited = await client.request('POST', `/v1/inbound/${hook.slug}`, { i: 60 });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await client.request('POST', `/v1/inbound/${other.slug}`, { i: 0 })).status).toBe(202);
  });
});

describe('inbound webhook URLs', () => {
  const t = useTestServer('sqlite');
  const withPublicUrl = useServer('sqlite', { config: { publicUrl: 'https://kairos.example.com' } });

  it('are built from the request host when no public URL is configured', async () => {
    // fetch will not send another Host, so a plain node:http request does.
    const body = JSON.stringify({ targetUrl: `${t.sink.url}/x` });
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${t.server.url}/v1/inbound-webhooks`, {
        method: 'POST',
        headers: { host: 'kairos.example.com:8443', 'content-type': 'application/json', authorization: `Bearer ${t.api.key}` },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(body);
    });
    const data = JSON.parse(answer).data;
    expect(data.url).toBe(`http://kairos.example.com:8443/v1/inbound/${data.slug}`);
  });

  it('are built on KAIROS_PUBLIC_URL when it is set', async () => {
    expect(loadConfig({ KAIROS_PUBLIC_URL: 'https://kairos.example.com/' }).publicUrl).toBe('https://kairos.example.com');
    expect(() => loadConfig({ KAIROS_PUBLIC_URL: 'kairos.example.com' })).toThrow(/KAIROS_PUBLIC_URL/);
    const api = new Api(withPublicUrl.server.url);
    await api.register();
    const r = await api.request('POST', '/v1/inbound-webhooks', { targetUrl: `${t.sink.url}/x` });
    expect(r.body.data.url).toBe(`https://kairos.example.com/v1/inbound/${r.body.data.slug}`);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, InternalServerError, Kairos, RateLimitError, TimeoutError, ValidationError } from '../src/index.js';
import { type Fault, type FaultProxy, startFaultProxy } from './support/faultProxy.js';
import { useClientFixture } from './support/fixture.js';

describe('retries, idempotency, timeouts and cancellation', () => {
  const f = useClientFixture('transport');
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  const through = async (decide: (n: number) => Fault, options: { maxRetries?: number; timeoutMs?: number } = {}) => {
    proxy = await startFaultProxy(f.server.url, decide);
    return new Kairos({ baseUrl: proxy.url, apiKey: f.apiKey, ...options });
  };

  it('retries a create whose answer was lost with the same idempotency key, so one job is made', async () => {
    const kairos = await through((n) => (n === 1 ? { kind: 'lose-answer' } : { kind: 'forward' }));
    const job = await kairos.jobs.create({ name: 'exactly-once', url: `${f.sink.url}/x`, schedule: { type: 'once', delay: '1h' } });
    expect(proxy!.requests).toHaveLength(2);
    const keys = proxy!.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const { data } = await f.kairos.jobs.list({ q: 'exactly-once' });
    expect(data.map((j) => j.id)).toEqual([job.id]);
    // A second call is a new create, with a new key.
    await kairos.jobs.create({ name: 'exactly-once', url: `${f.sink.url}/x`, schedule: { type: 'once', delay: '1h' } });
    expect(proxy!.requests[2]!.headers['idempotency-key']).not.toBe(keys[0]);
    expect((await f.kairos.jobs.list({ q: 'exactly-once' })).meta.total).toBe(2);
  });

  it('retries 5xx with backoff and gives up after maxRetries with the last error', async () => {
    let kairos = await through((n) => (n <= 2 ? { kind: 'answer', status: 503, body: '{"error":{"code":"unavailable","message":"down","details":[]}}' } : { kind: 'forward' }));
    expect(await kairos.settings.get()).toMatchObject({ name: 'transport' });
    expect(proxy!.requests).toHaveLength(3);
    const gaps = [proxy!.requests[1]!.at - proxy!.requests[0]!.at, proxy!.requests[2]!.at - proxy!.requests[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(350); // 500 ms less at most 25 % jitter
    expect(gaps[1]).toBeGreaterThanOrEqual(700); // then 1 s
    await proxy!.close();

    kairos = await through(() => ({ kind: 'answer', status: 500, body: '{"error":{"code":"internal","message":"broken","details":[]}}' }), { maxRetries: 1 });
    const err = await kairos.settings.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 500, code: 'internal', message: 'broken' });
    expect(proxy!.requests).toHaveLength(2);
  });

  it('honours Retry-After on a 429, and throws RateLimitError once the retries are spent', async () => {
    let kairos = await through((n) => (n === 1 ? { kind: 'answer', status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"code":"rate_limited","message":"slow down","details":[]}}' } : { kind: 'forward' }));
    await kairos.jobs.list();
    expect(proxy!.requests[1]!.at - proxy!.requests[0]!.at).toBeGreaterThanOrEqual(950);
    await proxy!.close();

    kairos = await through(() => ({ kind: 'answer', status: 429, headers: { 'retry-after': '0' }, body: '{"error":{"code":"rate_limited","message":"slow down","details":[]}}' }), { maxRetries: 2 });
    const err = await kairos.spaces.create({ name: 'never' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(0);
    expect(proxy!.requests).toHaveLength(3);
  });

  it('does not repeat a write the server may have done when it is not safe to (run now on a 5xx)', async () => {
    const kairos = await through(() => ({ kind: 'answer', status: 502, body: 'bad gateway' }));
    const err = await kairos.jobs.run('job_anything').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 502, code: 'http_502', message: 'HTTP 502: bad gateway' });
    expect(proxy!.requests).toHaveLength(1);
  });

  it('never retries a 4xx other than 429', async () => {
    const kairos = await through(() => ({ kind: 'forward' }));
    await expect(kairos.jobs.create({ url: 'ftp://nope', schedule: { type: 'once', delay: '1h' } })).rejects.toBeInstanceOf(ValidationError);
    expect(proxy!.requests).toHaveLength(1);
  });

  it('times out an attempt, retries it, and throws TimeoutError', async () => {
    const kairos = await through(() => ({ kind: 'hang' }), { timeoutMs: 200, maxRetries: 1 });
    const started = Date.now();
    const err = await kairos.jobs.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ status: 0, code: 'timeout' });
    expect(proxy!.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3_000);
    // A per-call timeout overrides the client's.
    await expect(kairos.jobs.list({}, { timeoutMs: 50, maxRetries: 0 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('stops at once when the caller aborts, with the signal\'s reason', async () => {
    const kairos = await through(() => ({ kind: 'hang' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    await expect(kairos.jobs.get('job_x', { signal: controller.signal })).rejects.toThrow('user gave up');
    expect(proxy!.requests).toHaveLength(1);
  });

  it('reports an unreachable server as a ConnectionError after retrying', async () => {
    proxy = await startFaultProxy(f.server.url, () => ({ kind: 'forward' }));
    const url = proxy.url;
    await proxy.close();
    proxy = undefined;
    const err = await new Kairos({ baseUrl: url, apiKey: f.apiKey, maxRetries: 1 }).jobs.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect((err as ConnectionError).message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:\d+/);
  });

  it('takes its key and address from KAIROS_API_KEY and KAIROS_URL', async () => {
    const saved = { key: process.env.KAIROS_API_KEY, url: process.env.KAIROS_URL };
    process.env.KAIROS_API_KEY = f.apiKey;
    process.env.KAIROS_URL = f.server.url;
    try {
      const kairos = new Kairos();
      expect(kairos.baseUrl).toBe(f.server.url);
      expect(await kairos.settings.get()).toMatchObject({ name: 'transport' });
    } finally {
      for (const [name, value] of [['KAIROS_API_KEY', saved.key], ['KAIROS_URL', saved.url]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

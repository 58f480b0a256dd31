import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { classifyRoute } from '../../src/api/plugins/rateLimits.js';
import { type Config, loadConfig, type RateLimits, rateProfiles } from '../../src/config.js';
import { useServers } from '../support/server.js';

const redisUrl = process.env.KAIROS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Nothing listens here: a Redis that is down. */
const deadRedisUrl = 'redis://127.0.0.1:1';
const password = 'correct horse battery';

const limitsWith = (overrides: Partial<RateLimits>): RateLimits => ({ ...rateProfiles.default, ...overrides });
/** Keys of this test run only, so parallel files and earlier runs never share a counter. */
const uniquePrefix = () => `kairos-test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;

/** Servers started by the tests of a describe block, each with its settings on a fresh SQLite database. */
function servers() {
  const started = useServers('sqlite');
  return {
    async start(config: Partial<Config> = {}) {
      return (await started.start({ config })).server;
    },
  };
}

function expectLimitHeaders(headers: Headers) {
  for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    expect(headers.get(name), name).toMatch(/^\d+$/);
  }
}

function expectRateLimited(r: { status: number; body: any; headers: Headers }) {
  expect(r.status, JSON.stringify(r.body)).toBe(429);
  expect(r.body).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/Retry after \d+ seconds?/), details: [] } });
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(r.headers.get('ratelimit-remaining')).toBe('0');
  expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
}

describe('route classes', () => {
  it('sorts routes into their rate-limit class', () => {
    expect(classifyRoute('GET', '/v1/jobs')).toBe('general');
    expect(classifyRoute('GET', '/v1/jobs/:id/executions')).toBe('general');
    expect(classifyRoute('POST', '/v1/jobs')).toBe('jobWrites');
    expect(classifyRoute('POST', '/v1/jobs/batch')).toBe('jobWrites');
    expect(classifyRoute('PATCH', '/v1/jobs/:id')).toBe('jobWrites');
    expect(classifyRoute('PUT', '/v1/jobs/:id')).toBe('jobWrites');
    expect(classifyRoute('DELETE', '/v1/jobs/:id')).toBe('jobWrites');
    expect(classifyRoute('POST', '/v1/jobs/:id/pause')).toBe('jobWrites');
    expect(classifyRoute('POST', '/v1/jobs/:id/run')).toBe('runNow');
    expect(classifyRoute('POST', '/v1/executions/:id/replay')).toBe('replay');
    expect(classifyRoute('POST', '/v1/auth/register')).toBe('registration');
    expect(classifyRoute('POST', '/v1/auth/register-anonymous')).toBe('registration');
    expect(classifyRoute('POST', '/v1/auth/login')).toBe('login');
    expect(classifyRoute('POST', '/v1/auth/refresh')).toBe('login');
    expect(classifyRoute('GET', '/v1/auth/me')).toBe('general');
    expect(classifyRoute('POST', '/v1/api-keys')).toBe('general');
    expect(classifyRoute('GET', '/docs')).toBe('general');
  });

  it('reads the profile and overrides from the environment', () => {
    expect(loadConfig({}).rateLimits).toEqual(rateProfiles.default);
    expect(loadConfig({}).rateLimits.general).toEqual({ max: 1_000_000, windowMs: 60_000 });
    expect(loadConfig({ KAIROS_RATE_PROFILE: 'strict' }).rateLimits).toEqual(rateProfiles.strict);
    expect(rateProfiles.strict).toMatchObject({
      ip: { max: 100, windowMs: 15 * 60_000 },
      jobWrites: { max: 30, windowMs: 60_000 },
      replay: { max: 10, windowMs: 60_000 },
      registration: { max: 5, windowMs: 3_600_000 },
      login: { max: 10, windowMs: 60_000 },
    });
    const custom = loadConfig({ KAIROS_RATE_PROFILE: 'strict', KAIROS_RATE_LIMITS: '{"jobWrites":{"max":1000},"login":{"max":20,"windowMs":30000}}' }).rateLimits;
    expect(custom.jobWrites).toEqual({ max: 1000, windowMs: 60_000 });
    expect(custom.login).toEqual({ max: 20, windowMs: 30_000 });
    expect(custom.replay).toEqual(rateProfiles.strict.replay);
    expect(rateProfiles.default.jobWrites.max).toBe(1_000_000); // the tables themselves are untouched
    expect(() => loadConfig({ KAIROS_RATE_PROFILE: 'lenient' })).toThrow(/KAIROS_RATE_PROFILE/);
    expect(() => loadConfig({ KAIROS_RATE_LIMITS: 'max=5' })).toThrow(/KAIROS_RATE_LIMITS must be a JSON object/);
    expect(() => loadConfig({ KAIROS_RATE_LIMITS: '{"jobs":{"max":5}}' })).toThrow(/unknown class "jobs"/);
    expect(() => loadConfig({ KAIROS_RATE_LIMITS: '{"login":{"max":0}}' })).toThrow(/login\.max must be a positive integer/);
    expect(() => loadConfig({ KAIROS_RATE_LIMITS: '{"login":{"limit":5}}' })).toThrow(/unknown field "limit"/);
    expect(loadConfig({ KAIROS_REDIS_URL: 'redis://r:6379' })).toMatchObject({ redisUrl: 'redis://r:6379', redisPrefix: 'kairos:' });
    expect(loadConfig({ KAIROS_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ KAIROS_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });
});

describe('rate limits in memory', () => {
  const pool = servers();

  it('puts both spellings of the headers on every response, the 401s and 404s too', async () => {
    const server = await pool.start();
    const api = new Api(server.url);
    await api.register();
    const first = await api.request('GET', '/v1/jobs');
    expect(first.status).toBe(200);
    expectLimitHeaders(first.headers);
    expect(first.headers.get('ratelimit-limit')).toBe('1000000');
    expect(first.headers.get('x-ratelimit-limit')).toBe('1000000');
    const remaining = Number(first.headers.get('ratelimit-remaining'));
    expect(remaining).toBe(999_999);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    // X-RateLimit-Reset is the instant the window ends, in Unix seconds (JustRun, GitHub).
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
    const second = await api.request('GET', '/v1/jobs');
    expect(Number(second.headers.get('ratelimit-remaining'))).toBe(remaining - 1);

    expectLimitHeaders((await new Api(server.url).request('GET', '/v1/jobs')).headers);
    expectLimitHeaders((await api.request('GET', '/v1/nothing-here')).headers);
    expectLimitHeaders((await api.request('GET', '/openapi.json')).headers);
    // Probes and scrapers are neither counted nor refused.
    expect((await api.request('GET', '/v1/health')).headers.get('ratelimit-limit')).toBeNull();
    expect((await api.request('GET', '/metrics')).headers.get('ratelimit-limit')).toBeNull();
  });

  it('refuses sign-ins over the limit per address with 429, Retry-After and the JSON error', async () => {
    const server = await pool.start({ rateLimits: limitsWith({ login: { max: 2, windowMs: 60_000 } }) });
    const api = new Api(server.url);
    await api.registerUser('limited@example.com', password);
    for (let i = 0; i < 2; i++) expect((await api.request('POST', '/v1/auth/login', { email: 'limited@example.com', password })).status).toBe(200);
    const refused = await api.request('POST', '/v1/auth/login', { email: 'limited@example.com', password });
    expectRateLimited(refused);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.body.error.message).toMatch(/at most 2 per minute/);
    // Refresh is the same class; the rest of the API is not.
    expectRateLimited(await api.request('POST', '/v1/auth/refresh', { refreshToken: 'kr_refresh_whatever' }));
    expect((await api.request('GET', '/v1/auth/me')).status).toBe(200);
    const metrics = (await api.request('GET', '/metrics')).body as string;
    expect(metrics).toContain('kairos_rate_limited_total{class="login"} 2');
  });

  it('counts job writes per API key, apart from reads and from other keys', async () => {
    const server = await pool.start({ rateLimits: limitsWith({ jobWrites: { max: 2, windowMs: 60_000 } }) });
    const one = new Api(server.url);
    await one.register('one');
    const other = new Api(server.url);
    await other.register('other');
    const job = { url: 'http://127.0.0.1:9/x', schedule: { type: 'cron', expression: '@yearly' } };
    const created = await one.createJob(job);
    expect((await one.request('DELETE', `/v1/jobs/${created.id}`)).status).toBe(204);
    const refused = await one.request('POST', '/v1/jobs', job);
    expectRateLimited(refused);
    expect(refused.headers.get('ratelimit-limit')).toBe('2');
    expectRateLimited(await one.request('POST', '/v1/jobs/batch', { jobs: [job] }));
    expect((await one.request('GET', '/v1/jobs')).status).toBe(200);
    expect((await other.request('POST', '/v1/jobs', job)).status).toBe(201);
  });

  it('counts a signed-in user across sessions, not per token', async () => {
    const server = await pool.start({ rateLimits: limitsWith({ general: { max: 3, windowMs: 60_000 } }) });
    const first = new Api(server.url);
    const registered = await first.registerUser('user@example.com', password);
    const login = await new Api(server.url).request('POST', '/v1/auth/login', { email: 'user@example.com', password });
    const second = new Api(server.url, login.body.data.accessToken);
    expect((await first.request('GET', '/v1/jobs')).status).toBe(200);
    expect((await second.request('GET', '/v1/jobs')).status).toBe(200);
    expect((await first.request('GET', '/v1/projects')).status).toBe(200);
    expectRateLimited(await second.request('GET', '/v1/jobs'));
    // The project's API key is another caller.
    expect((await new Api(server.url, registered.apiKey).request('GET', '/v1/jobs')).status).toBe(200);
  });

  it('counts every request from one address, whatever key it carries', async () => {
    const server = await pool.start({ rateLimits: limitsWith({ ip: { max: 4, windowMs: 60_000 } }) });
    const one = new Api(server.url);
    await one.register('one');
    const two = new Api(server.url);
    await two.register('two');
    expect((await one.request('GET', '/v1/jobs')).status).toBe(200);
    const last = await two.request('GET', '/v1/jobs');
    expect(last.status).toBe(200);
    expect(last.headers.get('ratelimit-limit')).toBe('4');
    expect(last.headers.get('ratelimit-remaining')).toBe('0');
    const refused = await two.request('GET', '/v1/jobs');
    expectRateLimited(refused);
    expect(refused.body.error.message).toMatch(/from one address/);
    // Bad tokens are counted and refused before they cost a lookup.
    expectRateLimited(await new Api(server.url, 'kr_live_garbage').request('GET', '/v1/jobs'));
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const rateLimits = limitsWith({ login: { max: 1, windowMs: 60_000 } });
    const login = { email: 'nobody@example.com', password };
    const behindProxy = new Api((await pool.start({ rateLimits, trustProxy: '127.0.0.1' })).url);
    expect((await behindProxy.request('POST', '/v1/auth/login', login, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(401);
    expect((await behindProxy.request('POST', '/v1/auth/login', login, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(401);
    expectRateLimited(await behindProxy.request('POST', '/v1/auth/login', login, { 'x-forwarded-for': '203.0.113.1' }));
    const direct = new Api((await pool.start({ rateLimits })).url);
    expect((await direct.request('POST', '/v1/auth/login', login, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(401);
    expectRateLimited(await direct.request('POST', '/v1/auth/login', login, { 'x-forwarded-for': '203.0.113.2' }));
  });

  it('ships the Runhooks table as the strict profile', async () => {
    const server = await pool.start({ rateLimits: loadConfig({ KAIROS_RATE_PROFILE: 'strict' }).rateLimits });
    const api = new Api(server.url);
    // From the second on, each carries the previous project's key: sign-ups still count per address.
    for (let i = 0; i < 5; i++) await api.register(`p${i}`);
    const refused = await api.request('POST', '/v1/auth/register-anonymous', { name: 'sixth' });
    expectRateLimited(refused);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3_500);
    expect(refused.body.error.message).toMatch(/at most 5 per hour/);
    const r = await api.request('GET', '/v1/jobs');
    expect(r.status).toBe(200);
    // 100 per 15 minutes per address, 6 spent on sign-ups and this one.
    expect(r.headers.get('ratelimit-limit')).toBe('100');
    expect(r.headers.get('ratelimit-remaining')).toBe('93');
  });
});

describe('rate limits in Redis', () => {
  const pool = servers();
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('shares one counter between two nodes', async () => {
    const prefix = uniquePrefix();
    const config = { redisUrl, redisPrefix: prefix, rateLimits: limitsWith({ login: { max: 3, windowMs: 60_000 } }) };
    const a = new Api((await pool.start(config)).url);
    const b = new Api((await pool.start(config)).url);
    const login = { email: 'nobody@example.com', password };
    expect((await a.request('POST', '/v1/auth/login', login)).status).toBe(401);
    expect((await b.request('POST', '/v1/auth/login', login)).headers.get('ratelimit-remaining')).toBe('1');
    expect((await a.request('POST', '/v1/auth/login', login)).status).toBe(401);
    expectRateLimited(await b.request('POST', '/v1/auth/login', login));
    expectRateLimited(await a.request('POST', '/v1/auth/login', login));
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`${prefix}rl:`))).toBe(true);
    // Issue 14, defect 8: keyed `<prefix>rl:<class>|<caller>`, not `rl:undefinedundefined-…`.
    expect(keys.some((k) => k.startsWith(`${prefix}rl:login|`))).toBe(true);
    expect(keys.filter((k) => k.includes('undefined'))).toEqual([]);
    // Counters expire with their window.
    expect(await redis.pttl(keys[0]!)).toBeGreaterThan(0);
  });

  it('reports Redis in /v1/health when it is configured', async () => {
    const server = await pool.start({ redisUrl, redisPrefix: uniquePrefix() });
    const r = await new Api(server.url).request('GET', '/v1/health');
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ status: 'ok', database: { status: 'ok' }, redis: { status: 'ok' } });
    expect(typeof r.body.data.redis.latencyMs).toBe('number');
    const without = await pool.start();
    expect((await new Api(without.url).request('GET', '/v1/health')).body.data.redis).toBeUndefined();
  });

  it('fails open when Redis is down, and health says so with 503', async () => {
    const started = Date.now();
    const server = await pool.start({ redisUrl: deadRedisUrl, redisPrefix: uniquePrefix(), rateLimits: limitsWith({ login: { max: 1, windowMs: 60_000 } }) });
    expect(Date.now() - started).toBeLessThan(10_000);
    const api = new Api(server.url);
    await api.register();
    const r = await api.request('GET', '/v1/jobs');
    expect(r.status).toBe(200);
    expectLimitHeaders(r.headers);
    // Uncounted, so never over the limit.
    for (let i = 0; i < 3; i++) expect((await api.request('POST', '/v1/auth/login', { email: 'x@example.com', password })).status).toBe(401);
    const health = await api.request('GET', '/v1/health');
    expect(health.status).toBe(503);
    expect(health.body.data).toMatchObject({ status: 'degraded', database: { status: 'ok' }, redis: { status: 'down' } });
    expect(health.body.data.redis.error).toEqual(expect.any(String));
  });
});

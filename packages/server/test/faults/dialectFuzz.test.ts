import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';

/**
 * Bad input on every route of the Runhooks and JustRun doors: valid requests with one field
 * (top-level or nested) replaced by anything or removed, any JSON, raw text, odd content types,
 * ids and query strings. Every answer is a 2xx or a 4xx in the door's own error shape, never a
 * 5xx, as the native API's fuzz (apiFuzz.test.ts) holds for `/v1`.
 */

const numRuns = 150;

interface Answer {
  status: number;
  text: string;
}

const runhooksShape = (body: unknown) => expect(body).toEqual({ success: false, error: expect.any(String) });
const justRunShape = (body: any) => {
  expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  if (body.error.details !== undefined) for (const d of body.error.details) expect(d).toEqual({ field: expect.any(String), issue: expect.any(String) });
};

describe('dialect bad input fuzz', () => {
  const t = useServer('sqlite');
  let pool: Pool;
  let key: string;
  const ids: Record<string, string> = {};

  /** How often each status came back, per route: shows the generators reach past auth and parsing. */
  const seen = new Map<string, number>();

  async function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    const res = await pool.request({ method: method as 'GET', path, headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const route = `${method} ${path.replace(/\?.*$/, '').replace(/\/(job|sp|alr|ch|key)_[^/]+/, '/:id')} -> ${res.statusCode}`;
    seen.set(route, (seen.get(route) ?? 0) + 1);
    return { status: res.statusCode, text: await res.body.text() };
  }

  function check(r: Answer, what: string): void {
    // 501 billing_not_configured is what checkout and portal answer until billing exists.
    const documented = r.status === 501 && / \/compat\/justrun\/v1\/billing\/(checkout|portal)[ ?]/.test(what);
    if (!documented) expect(r.status, `${what} -> ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
    if (r.status < 400) return;
    let body: unknown;
    expect(() => (body = JSON.parse(r.text)), `${what}: error body is not JSON: ${r.text.slice(0, 200)}`).not.toThrow();
    if (what.includes('/compat/runhooks')) runhooksShape(body);
    else justRunShape(body);
  }

  const json = () => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

  beforeAll(async () => {
    // Valid input makes real jobs and channels; with the engine stopped nothing is delivered.
    await t.server.engine.stop();
    pool = new Pool(t.server.url, { connections: 8 });
    const r = await send('POST', '/compat/runhooks/api/v1/auth/register-anonymous', { 'content-type': 'application/json' }, '{"name":"fuzz"}');
    key = JSON.parse(r.text).data.apiKey;
    const job = await send('POST', '/compat/justrun/v1/jobs', json(), JSON.stringify({ name: 'fuzz', cron_expression: '0 0 1 1 *', url: 'http://127.0.0.1:9/x' }));
    ids.job = JSON.parse(job.text).data.id;
    ids.space = JSON.parse((await send('POST', '/compat/justrun/v1/spaces', json(), '{"name":"fuzz"}')).text).data.id;
    ids.alert = JSON.parse((await send('POST', '/compat/runhooks/api/v1/alerts', json(), JSON.stringify({ name: 'fuzz', channel: 'webhook', target: 'http://127.0.0.1:9/a' }))).text).data.id;
  });

  afterAll(async () => {
    const body = [...seen.entries()].filter(([k]) => /^(POST|PATCH|PUT) \S*(\/:id|\/jobs|\/alerts|\/spaces|\/channels|\/api-keys|\/bulk|\/login|\/refresh|\/checkout) ->/.test(k)).sort();
    console.info(`dialect fuzz answers:\n${body.map(([k, n]) => `  ${k}: ${n}`).join('\n')}`);
    await pool?.close();
  });

  const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined), fc.string({ maxLength: 300 }), fc.double(), fc.constant(-1), fc.constant(1e309 as number), fc.constant(''));

  /** A valid body with the value at one path replaced by anything (undefined removes it). */
  function mutated(valid: Record<string, unknown>, paths: string[][]) {
    return fc.record({ path: fc.constantFrom(...paths), value: anything }).map(({ path, value }) => {
      const body = structuredClone(valid);
      let at: any = body;
      for (const step of path.slice(0, -1)) at = at[step] = typeof at[step] === 'object' && at[step] !== null ? at[step] : {};
      if (value === undefined) delete at[path[path.length - 1]!];
      else at[path[path.length - 1]!] = value;
      return JSON.stringify(body);
    });
  }

  const bodies = (valid: Record<string, unknown>, paths: string[][]) =>
    fc.oneof(mutated(valid, paths), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 }), fc.constant(''), fc.constant('{"a":'));

  async function property(method: string, path: string, body: fc.Arbitrary<string>) {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded'), async (b, type) => {
        check(await send(method, path, { ...json(), 'content-type': type }, b), `${method} ${path} ${type} ${b.slice(0, 200)}`);
      }),
      { numRuns },
    );
  }

  it('Runhooks: jobs, alerts and accounts', async () => {
    const job = { name: 'j', schedule: { type: 'interval', expression: '60000', timezone: 'UTC' }, httpConfig: { url: 'http://127.0.0.1:9/j', method: 'POST', headers: { a: 'b' }, body: 'x', timeoutMs: 5000 }, retryPolicy: { maxRetries: 1, initialDelay: 500, backoffMultiplier: 2, maxDelay: 5000 }, tags: ['t'], description: 'd' };
    const jobPaths = [['name'], ['schedule'], ['schedule', 'type'], ['schedule', 'expression'], ['schedule', 'timezone'], ['httpConfig'], ['httpConfig', 'url'], ['httpConfig', 'method'], ['httpConfig', 'headers'], ['httpConfig', 'headers', 'a'], ['httpConfig', 'body'], ['httpConfig', 'timeoutMs'], ['retryPolicy'], ['retryPolicy', 'maxRetries'], ['retryPolicy', 'backoffMultiplier'], ['tags'], ['description'], ['status'], ['extra']];
    await property('POST', '/compat/runhooks/api/v1/jobs', bodies(job, jobPaths));
    await property('PATCH', `/compat/runhooks/api/v1/jobs/${ids.job}`, bodies(job, jobPaths));
    await property('PUT', `/compat/runhooks/api/v1/jobs/${ids.job}`, bodies({ status: 'paused' }, [['status'], ['schedule'], ['httpConfig', 'url']]));
    const alert = { name: 'a', channel: 'webhook', target: 'http://127.0.0.1:9/a', jobId: null, consecutiveFailuresThreshold: 2, cooldownMinutes: 5, enabled: true };
    const alertPaths = Object.keys(alert).map((k) => [k]);
    await property('POST', '/compat/runhooks/api/v1/alerts', bodies(alert, alertPaths));
    await property('PUT', `/compat/runhooks/api/v1/alerts/${ids.alert}`, bodies(alert, alertPaths));
    await property('POST', '/compat/runhooks/api/v1/auth/login', bodies({ email: 'a@example.com', password: 'password1' }, [['email'], ['password']]));
    await property('POST', '/compat/runhooks/api/v1/auth/refresh', bodies({ refreshToken: 'x' }, [['refreshToken']]));
  });

  it('JustRun: jobs, bulk, spaces, channels, keys and billing', async () => {
    const job = { name: 'j', cron_expression: '*/5 * * * *', url: 'http://127.0.0.1:9/j', method: 'POST', timezone: 'UTC', timeout_sec: 10, retry_policy: 'fixed', retry_max: 1, retry_delay_sec: 5, tags: ['t'], space_id: ids.space, headers: { a: '{{execution_id}}' }, body: 'x', store_response_body: true };
    const jobPaths = [...Object.keys(job).map((k) => [k]), ['headers', 'a'], ['extra']];
    await property('POST', '/compat/justrun/v1/jobs', bodies(job, jobPaths));
    await property('PATCH', `/compat/justrun/v1/jobs/${ids.job}`, bodies(job, jobPaths));
    await property('POST', '/compat/justrun/v1/jobs/bulk', bodies({ job_ids: [ids.job], action: 'add_tags', space_id: ids.space, tags: ['x'] }, [['job_ids'], ['job_ids', '0'], ['action'], ['space_id'], ['tags']]));
    await property('POST', '/compat/justrun/v1/spaces', bodies({ name: 's', timezone: 'UTC' }, [['name'], ['timezone']]));
    await property('PATCH', `/compat/justrun/v1/spaces/${ids.space}`, bodies({ name: 's', timezone: 'UTC' }, [['name'], ['timezone']]));
    const channel = { type: 'webhook', name: 'c', config: { url: 'http://127.0.0.1:9/c', headers: { a: 'b' }, secret: 's', webhook_url: 'http://127.0.0.1:9/w', addresses: ['a@example.com'] } };
    await property('POST', '/compat/justrun/v1/alerts/channels', bodies(channel, [['type'], ['name'], ['config'], ['config', 'url'], ['config', 'headers'], ['config', 'secret'], ['config', 'webhook_url'], ['config', 'addresses']]));
    await property('POST', '/compat/justrun/v1/api-keys', bodies({ name: 'k' }, [['name']]));
    await property('POST', '/compat/justrun/v1/billing/checkout', bodies({ price_id: 'p' }, [['price_id']]));
  });

  it('both: ids and query strings', async () => {
    const idText = fc.oneof(fc.string({ unit: fc.constantFrom(...'abcxyz_-.~%20019AZ'), minLength: 1, maxLength: 80 }), fc.constant('a'.repeat(70)));
    const query = fc.oneof(
      fc.constant(''),
      fc.tuple(fc.constantFrom('page', 'limit', 'per_page', 'status', 'tag', 'name', 'jobId', 'space_id'), fc.string({ unit: fc.constantFrom(...'ab0-9.e+()[]*^$|\\?{},'), maxLength: 60 })).map(([k, v]) => `?${k}=${encodeURIComponent(v)}`),
    );
    const target = fc
      .tuple(
        fc.constantFrom(
          '/compat/runhooks/api/v1/jobs/',
          '/compat/runhooks/api/v1/executions/',
          '/compat/runhooks/api/v1/alerts/',
          '/compat/justrun/v1/jobs/',
          '/compat/justrun/v1/spaces/',
          '/compat/justrun/v1/alerts/channels/',
          '/compat/justrun/v1/api-keys/',
          '/compat/justrun/badges/',
        ),
        idText,
        fc.constantFrom('', '/executions', '/replay', '/run', '/pause', '/resume', '/test', '/status.svg', '/uptime.svg'),
        query,
      )
      .map(([base, id, tail, q]) => `${base}${encodeURIComponent(id)}${tail}${q}`);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE'), target, async (method, path) => {
        check(await send(method, path, json()), `${method} ${path}`);
      }),
      { numRuns: numRuns * 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/compat/runhooks/api/v1/jobs', '/compat/runhooks/api/v1/executions', '/compat/justrun/v1/jobs'), query, async (list, q) => {
        check(await send('GET', `${list}${q}`, json()), `GET ${list}${q}`);
      }),
      { numRuns },
    );
  });
});

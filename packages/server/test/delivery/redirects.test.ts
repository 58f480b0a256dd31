import { beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '@kairos/testkit';
import { eventually, useTestServer } from '../support/server.js';

// Every name resolves to 127.0.0.1; only `allowed.example` may be called, so a hop to any other
// name or to a literal loopback address is refused, as a private address would be in production.
describe.each(databaseKinds)('redirects on %s', (kind) => {
  const t = useTestServer(kind, {
    config: { allowTargets: 'allowed.example' },
    start: { resolver: async () => ['127.0.0.1'] },
    respond: (a, sink) => {
      const base = `http://allowed.example:${sink.port}`;
      const chain = /^\/chain(\d+)\/(\d+)$/.exec(a.path);
      if (chain) {
        const [, total, at] = chain.map(Number) as [number, number, number];
        return at < total ? { status: 302, headers: { location: `/chain${total}/${at + 1}` } } : { body: 'end of chain' };
      }
      if (a.path === '/to-final') return { status: 302, headers: { location: `${base}/final` } };
      if (a.path.startsWith('/post-307')) return { status: 307, headers: { location: '/final-post' } };
      if (a.path === '/post-303') return { status: 303, headers: { location: '/final-get' } };
      if (a.path === '/to-evil') return { status: 302, headers: { location: `http://evil.example:${sink.port}/secret` } };
      if (a.path === '/to-loopback') return { status: 301, headers: { location: `http://127.0.0.1:${sink.port}/secret` } };
      return { body: 'landed' };
    },
  });
  let base: string;
  beforeAll(() => {
    base = `http://allowed.example:${t.sink.port}`;
  });

  const firstExecution = async (job: Record<string, unknown>) => {
    const created = await t.api.createJob({ schedule: { type: 'once', delay: 20 }, retryPolicy: { strategy: 'none' }, ...job });
    return eventually(async () => (await t.api.request('GET', `/v1/jobs/${created.id}/executions`)).body.data[0], 10_000, 'an execution');
  };
  const hits = (path: string) => t.sink.arrivals.filter((a) => a.path === path);

  it('follows an allowed redirect of a GET', async () => {
    const e = await firstExecution({ url: `${base}/to-final`, method: 'GET' });
    expect(e).toMatchObject({ status: 'success', statusCode: 200, responseBody: 'landed' });
    expect(hits('/final')).toHaveLength(1);
    expect(hits('/final')[0]!.headers['webhook-id']).toBe(hits('/to-final')[0]!.headers['webhook-id']);
  });

  it('refuses a hop to a name that resolves to a refused address, naming it', async () => {
    const e = await firstExecution({ url: `${base}/to-evil`, method: 'GET' });
    expect(e.status).toBe('dead_letter');
    expect(e.error).toMatch(/refused.*evil\.example.*127\.0\.0\.1/);
    expect(hits('/secret')).toHaveLength(0);
  });

  it('refuses a hop to a literal refused address, naming it', async () => {
    const e = await firstExecution({ url: `${base}/to-loopback`, method: 'GET' });
    expect(e.status).toBe('dead_letter');
    expect(e.error).toMatch(/refused.*127\.0\.0\.1.*loopback/);
    expect(hits('/secret')).toHaveLength(0);
  });

  it('follows 5 hops and fails on the 6th', async () => {
    const five = await firstExecution({ url: `${base}/chain5/0`, method: 'GET' });
    expect(five).toMatchObject({ status: 'success', responseBody: 'end of chain' });
    const six = await firstExecution({ url: `${base}/chain6/0`, method: 'GET' });
    expect(six).toMatchObject({ status: 'dead_letter', statusCode: 302, error: 'too many redirects (more than 5)' });
    expect(hits('/chain6/6')).toHaveLength(0);
    expect(hits('/chain6/5')).toHaveLength(1);
  });

  it('does not follow a redirect of a POST unless the job opts in', async () => {
    const refused = await firstExecution({ url: `${base}/post-307a`, payload: { a: 1 } });
    expect(refused).toMatchObject({ status: 'dead_letter', statusCode: 307 });
    expect(refused.error).toMatch(/not followed/);
    expect(hits('/final-post')).toHaveLength(0);

    const job = await t.api.request('POST', '/v1/jobs', { url: `${base}/post-307b`, payload: { a: 1 }, followRedirects: true, schedule: { type: 'once', delay: 20 } });
    expect(job.body.data.followRedirects).toBe(true);
    await eventually(() => (hits('/final-post').length === 1 ? true : undefined));
    expect(hits('/final-post')[0]).toMatchObject({ method: 'POST', body: '{"a":1}' });

    const seeOther = await firstExecution({ url: `${base}/post-303`, payload: { a: 1 }, followRedirects: true });
    expect(seeOther.status).toBe('success');
    expect(hits('/final-get')[0]).toMatchObject({ method: 'GET', body: '' });
  });
});

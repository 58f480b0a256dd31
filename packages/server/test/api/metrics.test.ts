import { describe, expect, it } from 'vitest';
import { Api } from '@kairos/testkit';
import { eventually, useServers, useTestServer } from '../support/server.js';

/** The value of one sample line, e.g. `kairos_executions_total{status="success"}`; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  const t = useTestServer('sqlite', { project: 'metrics', respond: (a) => (a.path.startsWith('/fail') ? { status: 500 } : {}) });
  const others = useServers('sqlite');

  const scrape = async () => {
    const r = await new Api(t.server.url).request('GET', '/metrics');
    expect(r.status).toBe(200);
    return r.body as string;
  };

  it('is public Prometheus text with every series declared', async () => {
    const res = await fetch(`${t.server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of ['kairos_executions_total', 'kairos_delivery_duration_seconds', 'kairos_delivery_lateness_seconds', 'kairos_queue_depth', 'kairos_claim_batch_size']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('kairos_queue_depth{state="in_flight"} 0');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('counts deliveries by status, with their duration, lateness and claims', async () => {
    const before = await scrape();
    const success = sample(before, 'kairos_executions_total{status="success"}');
    const dead = sample(before, 'kairos_executions_total{status="dead_letter"}');
    const durations = sample(before, 'kairos_delivery_duration_seconds_count');

    await t.api.createJob({ url: `${t.sink.url}/ok`, schedule: { type: 'once', delay: 50 } });
    await t.api.createJob({ url: `${t.sink.url}/fail`, schedule: { type: 'once', delay: 50 }, retryPolicy: { strategy: 'none' } });

    const after = await eventually(async () => {
      const text = await scrape();
      return sample(text, 'kairos_executions_total{status="success"}') === success + 1 && sample(text, 'kairos_executions_total{status="dead_letter"}') === dead + 1
        ? text
        : undefined;
    }, 10_000, 'both deliveries counted');
    expect(sample(after, 'kairos_delivery_duration_seconds_count')).toBe(durations + 2);
    expect(sample(after, 'kairos_delivery_lateness_seconds_count')).toBe(durations + 2);
    // Fired on time: well under a second late.
    expect(sample(after, 'kairos_delivery_lateness_seconds_bucket{le="1"}')).toBe(durations + 2);
    expect(sample(after, 'kairos_claim_batch_size_count')).toBeGreaterThanOrEqual(1);
  });

  it('wants the token when KAIROS_METRICS_TOKEN is set', async () => {
    const { server: guarded } = await others.start({ config: { metricsToken: 'scrape-me-please' } });
    const none = await new Api(guarded.url).request('GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await new Api(guarded.url, 'wrong').request('GET', '/metrics')).status).toBe(401);
    const ok = await new Api(guarded.url, 'scrape-me-please').request('GET', '/metrics');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('kairos_executions_total');
    const doc = (await new Api(guarded.url).request('GET', '/openapi.json')).body;
    expect(doc.paths['/metrics'].get.security).toBeUndefined();
  });
});

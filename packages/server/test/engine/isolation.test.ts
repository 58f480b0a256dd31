import { describe, expect, it } from 'vitest';
import { useSink, useTestServer } from '../support/server.js';

describe('a hanging target and the claim bound', () => {
  // Memory for 20 runs, 2 at a time per origin: 40 runs for a target that hangs would hold
  // every place if they counted.
  const t = useTestServer('sqlite', { respond: () => ({ delayMs: 4_000 }), tuning: { maxHeld: 20, claimBatch: 10, perOriginConcurrency: 2, globalConcurrency: 8 } });
  const healthySink = useSink();

  it('keeps claiming for healthy targets while runs queue behind a hanging one', async () => {
    const { api, sink: hanging } = t;
    const { sink: healthy } = healthySink;
    const at = Date.now() + 1_000;
    const jobs = [];
    for (let i = 0; i < 40; i++) jobs.push({ url: `${hanging.url}/hang/${i}`, schedule: { type: 'once', at }, timeoutMs: 5_000, retryPolicy: { strategy: 'none' } });
    for (let i = 0; i < 40; i++) jobs.push({ url: `${healthy.url}/ok/${i}`, schedule: { type: 'once', at: at + 10 }, retryPolicy: { strategy: 'none' } });
    expect((await api.request('POST', '/v1/jobs/batch', { jobs })).status).toBe(201);
    await healthy.waitFor(40, 3_500);
    expect(Math.max(...healthy.arrivals.map((a) => a.at)) - at).toBeLessThan(2_500);
  });
});

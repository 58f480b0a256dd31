import { afterAll, describe, expect, it } from 'vitest';
import { Api, createSqliteDatabase, killAllServers, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';

/**
 * Issue 6, fault 5: a target that never answers must not hold back the jobs of other targets.
 * With small bounds (8 deliveries at once, 4 per origin) a hanging origin fills its own 4 slots
 * and no more; jobs to a healthy origin due at the same instant go out on time, and keep doing
 * so while the hanging ones wait for their timeout. Once they time out, the hanging origin's
 * window is halved.
 */

const globalLimit = 8;
const originLimit = 4;
const timeoutMs = 5_000;

describe('a hanging target', () => {
  let db: TestDatabase | undefined;
  const sinks: Sink[] = [];
  let client: Api | undefined;

  afterAll(async () => {
    await killAllServers();
    await client?.close();
    await Promise.all(sinks.map((s) => s.close()));
    await db?.drop();
  });

  it('does not hold back jobs to other targets due at the same instant', async () => {
    db = await createSqliteDatabase();
    const hanging = await startSink();
    const healthy = await startSink();
    sinks.push(hanging, healthy);
    hanging.respond = () => ({ hang: true });
    // Both sinks count against the one global bound: track the sum as it moves.
    let both = 0;
    let maxBoth = 0;
    for (const s of [hanging, healthy]) {
      s.onArrival = () => {
        both = hanging.open + healthy.open;
        maxBoth = Math.max(maxBoth, both);
      };
    }

    const server = await spawnServer({
      databaseUrl: db.url,
      env: { KAIROS_CONCURRENCY: String(globalLimit), KAIROS_ORIGIN_CONCURRENCY: String(originLimit), KAIROS_SHUTDOWN_GRACE_MS: '1000' },
    });
    client = new Api(server.url, { connections: 8 });
    await client.register('hanging');

    const dueAt = Date.now() + 3_000;
    const secondWave = dueAt + 2_500;
    // The hanging jobs first, so that they come first wherever creation order counts.
    const stuck = await client.createJobs(40, (i) => ({
      url: `${hanging.url}/hang/${i}`,
      schedule: { type: 'once', at: dueAt },
      timeoutMs,
      retryPolicy: { strategy: 'none' },
    }));
    const fine = await client.createJobs(40, (i) => ({ url: `${healthy.url}/now/${i}`, schedule: { type: 'once', at: dueAt }, retryPolicy: { strategy: 'none' } }));
    const later = await client.createJobs(20, (i) => ({ url: `${healthy.url}/later/${i}`, schedule: { type: 'once', at: secondWave }, retryPolicy: { strategy: 'none' } }));
    expect(Date.now(), 'jobs created before their instant').toBeLessThan(dueAt - 200);

    await healthy.until(() => healthy.arrivals.length >= 40, dueAt - Date.now() + 5_000, 'the healthy jobs');
    const first = healthy.arrivals.slice(0, 40);
    expect(new Set(first.map((d) => d.jobId))).toEqual(new Set(fine));
    for (const d of first) {
      expect(d.at).toBeGreaterThanOrEqual(dueAt);
      expect(d.at - dueAt, 'healthy delivery, ms after its instant').toBeLessThan(1_000);
    }
    // The hanging origin has its share of the slots, and not one more.
    expect(hanging.open).toBe(originLimit);

    // Still on time while the hanging requests wait for their timeout.
    await healthy.until(() => healthy.arrivals.length >= 60, secondWave - Date.now() + 5_000, 'the second wave');
    const second = healthy.arrivals.slice(40, 60);
    expect(new Set(second.map((d) => d.jobId))).toEqual(new Set(later));
    for (const d of second) {
      expect(d.at).toBeGreaterThanOrEqual(secondWave);
      expect(d.at - secondWave, 'second-wave delivery, ms after its instant').toBeLessThan(1_000);
    }
    expect(hanging.arrivals.length, 'no new hanging request before the first ones time out').toBe(originLimit);

    // The timeout frees the slots, and halves the origin's window: once the first requests give
    // up, half as many start in their place.
    const secondRound = originLimit + originLimit / 2;
    await hanging.until(() => hanging.arrivals.length >= secondRound, dueAt + timeoutMs + 3_000 - Date.now(), 'the next hanging requests');
    const firstFour = hanging.arrivals.slice(0, originLimit);
    for (const d of firstFour) expect(d.abortedAt, 'the engine gave up on the hanging request').toBeDefined();
    for (const d of hanging.arrivals.slice(originLimit)) {
      expect(d.at - dueAt).toBeGreaterThanOrEqual(timeoutMs - 100);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(hanging.arrivals.length, 'a timed-out origin gets half its window').toBe(secondRound);
    expect(hanging.open).toBe(originLimit / 2);
    expect(hanging.maxOpen).toBeLessThanOrEqual(originLimit);
    expect(maxBoth).toBeLessThanOrEqual(globalLimit);
    console.info(`hanging: healthy deliveries at most ${Math.max(...first.map((d) => d.at - dueAt))} ms and ${Math.max(...second.map((d) => d.at - secondWave))} ms after their instants`);
    // Recorded as given up: a dead letter (no retries) whose error names the timeout.
    const ids = firstFour.map((d) => d.jobId);
    await expect
      .poll(async () => [...(await client!.executions(ids)).values()].map((list) => list.map((e) => [e.status, e.error])), { timeout: 3_000 })
      .toEqual(ids.map(() => [['dead_letter', `timed out after ${timeoutMs} ms`]]));
    expect(stuck).toEqual(expect.arrayContaining(ids));

  });

  // Found while writing the test above: SIGTERM waits for the engine's grace period, then closes
  // the HTTP agent with undici's graceful close(), which waits for the requests still in flight,
  // so a hanging target holds the shutdown up to its job's timeoutMs (as much as 300 s) instead
  // of KAIROS_SHUTDOWN_GRACE_MS. Flip to `it` once the agent is destroyed after the grace.
  it('SIGTERM with a hanging delivery exits within the grace period', async () => {
    const hanging = await startSink();
    sinks.push(hanging);
    hanging.respond = () => ({ hang: true });
    const own = await createSqliteDatabase();
    try {
      const server = await spawnServer({ databaseUrl: own.url, env: { KAIROS_SHUTDOWN_GRACE_MS: '1000' } });
      const api = new Api(server.url, { connections: 2 });
      try {
        await api.register('grace');
        await api.createJobs(1, () => ({ url: `${hanging.url}/forever`, schedule: { type: 'once', delay: 100 }, timeoutMs: 60_000, retryPolicy: { strategy: 'none' } }));
        await hanging.until(() => hanging.open === 1, 5_000, 'the hanging delivery');
        const signalled = Date.now();
        server.signal('SIGTERM');
        // Grace (1 s), the final write of outcomes (up to 2 s), and 1 s to spare.
        const exit = await server.waitForExit(4_000);
        expect(exit.code).toBe(0);
        expect(exit.at - signalled).toBeLessThan(4_000);
        await hanging.until(() => hanging.arrivals[0]!.abortedAt !== undefined, 1_000, 'the request to be given up');
      } finally {
        await api.close();
      }
    } finally {
      await killAllServers();
      await own.drop();
    }
  });
});

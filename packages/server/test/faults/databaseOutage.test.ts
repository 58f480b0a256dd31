import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Api, byJob, createPostgresDatabase, killAllServers, type ServerProcess, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';
import { type CutMode, startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

/**
 * Issue 6, fault 3: the connection to PostgreSQL is cut for 5 s under load. The server runs
 * through a TCP proxy that the test cuts (every connection reset, new ones refused or left
 * hanging) and restores. The server must not crash, must not record a run as done that was not
 * delivered, and must deliver and record everything once the database is back.
 */

const jobs = 1_200;
const outageMs = 5_000;

describe('PostgreSQL connection cut for 5 s under load', () => {
  let db: TestDatabase | undefined;
  let sink: Sink | undefined;
  let proxy: TcpProxy | undefined;
  let admin: pg.Client | undefined;
  let client: Api | undefined;

  afterEach(async () => {
    await killAllServers();
    await client?.close();
    await admin?.end();
    await proxy?.close();
    await sink?.close();
    await db?.drop();
    db = sink = proxy = admin = client = undefined;
  });

  // Fails today: the server process dies. A pooled pg Client whose connection is reset while it
  // is checked out (a query in flight) emits 'error', and node-postgres's pool only listens for
  // that on idle clients; with no listener the EventEmitter throws and the process exits
  // ("Unhandled 'error' event ... read ECONNRESET", from Client._handleErrorEvent).
  // src/store/connect.ts needs `pool.on('connect', (c) => c.on('error', () => {}))` beside its
  // pool.on('error') (the query itself still fails and is retried). Flip to `it.each` then.
  it.each<CutMode>(['refuse', 'hold'])('new connections %s: no crash, nothing recorded undelivered, everything delivered after', async (mode) => {
    db = await createPostgresDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    sink = await startSink();
    const s = sink;
    s.respond = () => ({ delayMs: 5 + Math.floor(Math.random() * 16) });

    const server = await spawnServer({ databaseUrl: viaProxy.toString(), env: { KAIROS_LEASE_MS: '3000' } });
    client = new Api(server.url, { connections: 32 });
    await client.register('outage');

    // Runs spread evenly over 10 s from 7 s ahead (created before any is due within the claim
    // horizon); the cut comes 2 s into them. By then the engine holds (claimed ahead) the runs
    // due during the cut, and cannot claim the later ones until the database is back.
    const createdFrom = Date.now();
    const from = createdFrom + 7_000;
    const spread = 10_000;
    const dueOf = (i: number) => from + Math.floor((i * spread) / jobs);
    const ids = await client.createJobs(jobs, (i) => ({
      url: `${s.url}/load/${i}`,
      schedule: { type: 'once', at: dueOf(i) },
      retryPolicy: { strategy: 'fixed', maxRetries: 5, initialDelayMs: 500 },
    }));
    expect(Date.now(), 'jobs created before the first is due').toBeLessThan(from - 200);

    await new Promise((r) => setTimeout(r, from + 2_000 - Date.now()));
    const beforeCut = s.arrivals.length;
    expect(beforeCut, 'the load is under way').toBeGreaterThan(0);
    // The cut lands while a query is in flight, as it would under any real load (a timed cut
    // only usually does): that query's connection is reset under it.
    const cutting = proxy.cutOn(() => true, { mode });
    await Promise.race([cutting, new Promise((_, reject) => setTimeout(() => reject(new Error('no query to cut within 3 s')), 3_000))]);
    const cutAt = Date.now();

    // While the database is away the server stays up and says so.
    const health = await waitForHealth(server, 503, 4_000);
    expect(health.data.database.status).toBe('down');
    await new Promise((r) => setTimeout(r, cutAt + outageMs - Date.now()));
    expect(server.exit, `the server died during the outage:\n${server.tail()}`).toBeUndefined();
    const duringCut = s.arrivals.length - beforeCut;
    proxy.restore();
    const restoredAt = Date.now();

    // Everything delivered, then everything recorded.
    await s.until(() => s.jobIds().size >= jobs || server.exit !== undefined, 30_000, 'every job to be delivered after the outage');
    expect(server.exit, `the server died:\n${server.tail()}`).toBeUndefined();
    const allDeliveredAt = Date.now();
    const successes = async () =>
      (
        await admin!.query<{ job_id: string; delivery_id: string; n: string }>(
          `SELECT job_id, min(delivery_id) AS delivery_id, count(*) AS n FROM executions WHERE status = 'success' GROUP BY job_id`,
        )
      ).rows;
    let recorded = await successes();
    for (const deadline = Date.now() + 20_000; recorded.length < jobs && Date.now() < deadline && !server.exit; recorded = await successes()) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(server.exit, `the server died:\n${server.tail()}`).toBeUndefined();
    expect(await waitForHealth(server, 200, 5_000)).toMatchObject({ data: { status: 'ok' } });

    const deliveries = byJob(s.arrivals);
    expect(new Set(deliveries.keys())).toEqual(new Set(ids));
    // Caught up at once: runs due during the outage went out on time from memory, and those
    // that could not be claimed while it lasted went out within moments of its end.
    const late = ids
      .map((id, i) => ({ id, due: dueOf(i), first: deliveries.get(id)![0]!.at }))
      .filter(({ due, first }) => first > Math.max(due, restoredAt) + 4_000);
    expect(late.slice(0, 5), `${late.length} runs delivered more than 4 s after they could be`).toEqual([]);
    // Nothing recorded as a success that the sink did not answer, under the same delivery id.
    const phantom = recorded.filter((r) => !(deliveries.get(r.job_id) ?? []).some((d) => d.webhookId === r.delivery_id && d.answeredAt !== undefined));
    expect(phantom, 'success recorded without a delivery').toEqual([]);
    expect(recorded.length, `${jobs - recorded.length} jobs delivered but never recorded`).toBe(jobs);
    expect((await admin.query<{ n: string }>('SELECT count(*) AS n FROM runs')).rows[0]!.n, 'runs left over').toBe('0');
    // A redelivery, if any, is the same delivery (same id), never a new one.
    const duplicates = [...deliveries.values()].filter((list) => list.length > 1);
    for (const list of duplicates) expect(new Set(list.map((d) => d.webhookId)).size).toBe(1);
    const recordedTwice = recorded.filter((r) => r.n !== '1');

    server.signal('SIGTERM');
    expect((await server.waitForExit(15_000)).code, server.tail()).toBe(0);
    console.info(
      `outage (${mode}): ${beforeCut} delivered before the cut, ${duringCut} during it, all ${jobs} delivered ${allDeliveredAt - restoredAt} ms after the restore; ` +
        `${duplicates.length} delivered twice, ${recordedTwice.length} recorded twice; proxy ${JSON.stringify(proxy!.stats)}`,
    );
    expect(recordedTwice.map((r) => r.job_id), 'jobs with two success executions').toEqual([]);
  });
});

async function waitForHealth(server: ServerProcess, status: number, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${server.url}/v1/health`, { signal: AbortSignal.timeout(3_000) });
      const body = await res.json();
      if (res.status === status) return body;
      last = `${res.status} ${JSON.stringify(body)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`health did not answer ${status} within ${timeoutMs} ms (last: ${last})\n${server.tail()}`);
}

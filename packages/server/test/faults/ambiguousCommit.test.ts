import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Api, byJob, createPostgresDatabase, killAllServers, type ServerProcess, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';
import { startTcpProxy, type TcpProxy, type Transaction } from '../support/tcpProxy.js';

/**
 * Issue 6, fault 3 continued: the connection drops right after a COMMIT reached PostgreSQL, so
 * the transaction happened but the server saw it fail (an ambiguous commit; any connection
 * loss can land there). Whatever the server does next, it must neither stall nor lose runs:
 * - a group commit of outcomes that is retried must not get stuck on its own earlier success;
 * - runs whose claim was committed but whose answer was lost must still be delivered.
 */

const leaseMs = 3_000;

const isCommit = (message: string) => /commit\0/i.test(message);
const sentAny = (tx: Transaction, pattern: RegExp) => tx.sent.some((m) => pattern.test(m));

describe('PostgreSQL connection lost right after a COMMIT', () => {
  let db: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let admin: pg.Client | undefined;
  let client: Api | undefined;
  const sinks: Sink[] = [];

  afterEach(async () => {
    await killAllServers();
    await client?.close();
    await admin?.end();
    await proxy?.close();
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    await db?.drop();
    db = proxy = admin = client = undefined;
  });

  async function start(): Promise<{ server: ServerProcess; proxy: TcpProxy; admin: pg.Client; client: Api }> {
    db = await createPostgresDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const server = await spawnServer({ databaseUrl: viaProxy.toString(), env: { KAIROS_LEASE_MS: String(leaseMs) } });
    client = new Api(server.url, { connections: 16 });
    await client.register('ambiguous commit');
    return { server, proxy, admin, client };
  }

  async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // Fails today, twice over: first the server dies of the cut (see databaseOutage.test.ts); with
  // that fixed, the group commit is retried, its executions insert hits executions_pkey (the
  // rows went in with the lost COMMIT), the retry fails the same way forever, and every outcome
  // queued behind it waits with it: runs stay leased (renewed) and are never recorded. Fix:
  // make recordOutcomes idempotent (insert executions ON CONFLICT (id) DO NOTHING; the rest is
  // already safe to repeat). Flip to `it` once both are fixed.
  it('outcomes whose COMMIT was lost in transit are recorded once, and later outcomes are not held up', async () => {
    const { server, proxy, admin, client } = await start();
    const sink = await startSink();
    sinks.push(sink);
    sink.respond = () => ({ delayMs: 5 + Math.floor(Math.random() * 16) });

    const jobs = 400;
    const from = Date.now() + 6_000;
    const spread = 3_000;
    const ids = await client.createJobs(jobs, (i) => ({
      url: `${sink.url}/load/${i}`,
      schedule: { type: 'once', at: from + Math.floor((i * spread) / jobs) },
      retryPolicy: { strategy: 'fixed', maxRetries: 5, initialDelayMs: 500 },
    }));
    await new Promise((r) => setTimeout(r, from + 1_000 - Date.now()));

    // The COMMIT of a group commit of outcomes reaches the database; its answer never comes back.
    await within(
      proxy.cutOn((m, tx) => isCommit(m) && sentAny(tx, /insert into "?executions"?/i), { mode: 'refuse', deliver: true }),
      5_000,
      'a group commit to cut',
    );
    await new Promise((r) => setTimeout(r, 1_000));
    proxy.restore();
    const restoredAt = Date.now();

    await sink.until(() => sink.jobIds().size >= jobs || server.exit !== undefined, 15_000, 'every job delivered');
    expect(server.exit, `the server died:\n${server.tail()}`).toBeUndefined();
    const counts = async () =>
      (
        await admin.query<{ recorded: string; twice: string; runs: string }>(
          `SELECT (SELECT count(DISTINCT job_id) FROM executions WHERE status = 'success') AS recorded,
                  (SELECT count(*) FROM (SELECT job_id FROM executions GROUP BY job_id HAVING count(*) > 1) t) AS twice,
                  (SELECT count(*) FROM runs) AS runs`,
        )
      ).rows[0]!;
    let c = await counts();
    for (const deadline = Date.now() + 10_000; (c.recorded !== String(jobs) || c.runs !== '0') && Date.now() < deadline; c = await counts()) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const stuck = server.logs.filter((l) => l.msg === 'could not record delivery outcomes; will retry');
    expect(
      { recorded: Number(c.recorded), left: Number(c.runs), twice: Number(c.twice) },
      `10 s after the restore (at ${restoredAt}); ${stuck.length} failed writes, the last: ${JSON.stringify((stuck.at(-1)?.err as { message?: string } | undefined)?.message)}`,
    ).toEqual({ recorded: jobs, left: 0, twice: 0 });
    const deliveries = byJob(sink.arrivals);
    expect(new Set(deliveries.keys())).toEqual(new Set(ids));
  });

  // Fails today, twice over: first the server dies of the cut; with that fixed, the claim's
  // runs are leased to this node in the database but not held in its memory, and renewLeases
  // extends every lease the node owns (WHERE lease_owner = node) every lease/3 for as long as it
  // holds anything at all, so those runs are never delivered while the node is busy. Fix: renew
  // only the runs held (WHERE id = ANY(held ids)), or adopt owned-but-unknown runs after a
  // failed claim. Flip to `it` once both are fixed.
  it('runs whose claim was committed but whose answer was lost are still delivered, while other work goes on', async () => {
    const { server, proxy, client } = await start();
    const sink = await startSink();
    const slow = await startSink();
    sinks.push(sink, slow);
    // One delivery that stays in flight throughout, as a busy node always has some.
    slow.respond = () => ({ hang: true });
    await client.createJobs(1, () => ({ url: `${slow.url}/slow`, schedule: { type: 'once', delay: 200 }, timeoutMs: 60_000, retryPolicy: { strategy: 'none' } }));
    await slow.until(() => slow.arrivals.length === 1, 5_000, 'the slow delivery to start');

    // Due beyond the claim horizon (5 s), so that one look-ahead claims them all, later.
    const jobs = 20;
    const dueAt = Date.now() + 7_000;
    const ids = await client.createJobs(jobs, (i) => ({ url: `${sink.url}/lost/${i}`, schedule: { type: 'once', at: dueAt }, retryPolicy: { strategy: 'none' } }));

    // The claim that leases them commits; its answer (the runs) never reaches the server.
    await within(
      proxy.cutOn((m, tx) => isCommit(m) && sentAny(tx, /update\s+"?runs"?\s+set\s+"?lease_owner"?/i) && /UPDATE [1-9]/.test(tx.received), { mode: 'refuse', deliver: true }),
      dueAt - Date.now(),
      'a claim to cut',
    );
    await new Promise((r) => setTimeout(r, 1_000));
    proxy.restore();
    expect(Date.now()).toBeLessThan(dueAt);

    // A lost claim is a lost lease: the runs may come a lease late, but they must come.
    const deadline = dueAt + leaseMs + 4_000;
    await sink.until(() => sink.jobIds().size >= jobs || Date.now() > deadline || server.exit !== undefined, deadline - Date.now() + 1_000, 'the lost runs').catch(() => {});
    expect(server.exit, `the server died:\n${server.tail()}`).toBeUndefined();
    expect(sink.jobIds().size, `runs delivered within a lease and 4 s of their instant`).toBe(jobs);
    expect(new Set(sink.jobIds())).toEqual(new Set(ids));
    expect(sink.arrivals, 'each delivered once').toHaveLength(jobs);
  });
});

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Api, byJob, createPostgresDatabase, killAllServers, type ServerProcess, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';

/**
 * Issue 6, fault 2: two servers share one PostgreSQL database and one is killed (SIGKILL)
 * mid-burst. The survivor takes over the dead node's runs once their leases lapse, and no run
 * is delivered twice except those the dead node had in flight (same delivery id both times).
 */

const maxJobs = 3_000;
const leaseMs = 3_000;
const concurrency = 512;
const groupCommitBatch = 2_000;

describe('two servers on PostgreSQL, one killed mid-burst', () => {
  let db: TestDatabase | undefined;
  let sink: Sink | undefined;
  let admin: pg.Client | undefined;
  const clients: Api[] = [];

  afterAll(async () => {
    await killAllServers();
    await Promise.all(clients.map((c) => c.close()));
    await admin?.end();
    await sink?.close();
    await db?.drop();
  });

  it('the survivor delivers every run once the dead node\'s leases lapse; only its in-flight runs come twice', async () => {
    db = await createPostgresDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    sink = await startSink();
    const s = sink;
    s.respond = () => ({ delayMs: 5 + Math.floor(Math.random() * 16) });

    const env = { KAIROS_LEASE_MS: String(leaseMs) };
    const nodes: ServerProcess[] = [await spawnServer({ databaseUrl: db.url, env }), await spawnServer({ databaseUrl: db.url, env })];
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const viaA = new Api(a.url, { connections: 16 });
    clients.push(viaA);
    const key = await viaA.register('failover');
    const viaB = new Api(b.url, { key, connections: 16 });
    clients.push(viaB);

    // Due within the claim horizon (5 s) while they are created, so both nodes claim a share as
    // the creates wake them (directly, or through NOTIFY). Creating stops a second before the
    // instant, however many that makes on a slow machine; ten a call, so that a machine busy with
    // other tests still makes the 300 the test needs.
    const createdFrom = Date.now();
    const dueAt = createdFrom + 5_000;
    const make = (i: number) => ({
      url: `${s.url}/burst/${i}`,
      schedule: { type: 'once', at: dueAt },
      retryPolicy: { strategy: 'fixed', maxRetries: 5, initialDelayMs: 500 },
    });
    const [viaAIds, viaBIds] = await Promise.all([
      viaA.createJobsUntil(maxJobs / 2, dueAt - 1_200, (i) => make(2 * i)),
      viaB.createJobsUntil(maxJobs / 2, dueAt - 1_200, (i) => make(2 * i + 1)),
    ]);
    const createdIn = Date.now() - createdFrom;
    const ids = [...viaAIds, ...viaBIds];
    const jobs = ids.length;
    expect(Date.now(), 'jobs created before their due instant').toBeLessThan(dueAt - 500);
    expect(jobs, 'jobs created in time (too slow a machine?)').toBeGreaterThanOrEqual(300);

    // Just before the instant: who holds what. The node holding more is the one to kill.
    await new Promise((r) => setTimeout(r, dueAt - 500 - Date.now()));
    const held = new Map(
      (await admin.query<{ owner: string | null; n: string }>('SELECT lease_owner AS owner, count(*) AS n FROM runs GROUP BY lease_owner')).rows.map((r) => [r.owner, Number(r.n)]),
    );
    const victim = (held.get(a.nodeId) ?? 0) >= (held.get(b.nodeId) ?? 0) ? a : b;
    const survivor = victim === a ? b : a;
    expect(held.get(victim.nodeId), 'runs claimed ahead by the node to kill').toBeGreaterThan(0);

    let killedAt = 0;
    const killAfter = Math.floor(jobs * 0.4);
    s.onArrival = () => {
      if (killedAt === 0 && s.arrivals.length >= killAfter) {
        killedAt = Date.now();
        process.kill(victim.pid, 'SIGKILL');
      }
    };
    expect((await victim.waitForExit(20_000)).signal).toBe('SIGKILL');
    s.onArrival = undefined;
    const atKill = s.arrivals.filter((d) => d.at <= killedAt).length;
    expect(atKill, 'killed mid-burst').toBeLessThan(jobs * 0.9);
    const leftWithVictim = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM runs WHERE lease_owner = $1', [victim.nodeId])).rows[0]!.n);

    await s.until(() => s.jobIds().size >= jobs, leaseMs + 20_000, 'the survivor to deliver every job');
    const allDeliveredAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_000));

    const deliveries = byJob(s.arrivals);
    expect(new Set(deliveries.keys())).toEqual(new Set(ids));
    const unanswered = ids.filter((id) => !deliveries.get(id)!.some((d) => d.answeredAt !== undefined));
    expect(unanswered, 'jobs never answered').toEqual([]);

    // Duplicates are the dead node's runs in flight: delivered by it before the kill, and once
    // more by the survivor only after the dead node's lease ran out (leases are renewed every
    // lease/3, so at least 2/3 of a lease after the kill; 1/3 is the margin).
    const duplicates = [...deliveries.values()].filter((list) => list.length > 1);
    for (const list of duplicates) {
      expect(list, `job ${list[0]!.jobId} delivered more than twice`).toHaveLength(2);
      const [first, again] = list as [(typeof list)[0], (typeof list)[0]];
      expect(first.at, 'first of a pair before the kill (and read by the sink soon after)').toBeLessThanOrEqual(killedAt + 1_000);
      expect(again.at - killedAt, 'redelivery only after the dead node\'s lease lapsed').toBeGreaterThanOrEqual(leaseMs / 3);
      expect(again.webhookId).toBe(first.webhookId);
      expect(again.attempt).toBe(first.attempt);
    }
    expect(duplicates.length).toBeLessThanOrEqual(concurrency + groupCommitBatch);
    expect(duplicates.length).toBeLessThanOrEqual(leftWithVictim);
    // Something was in flight on the dead node: the pairs are not an artefact of an idle moment.
    expect(leftWithVictim).toBeGreaterThan(0);

    // Recorded: one success per job, none twice, nothing left to run.
    const rows = (
      await admin.query<{ job_id: string; ok: string; n: string }>(
        `SELECT job_id, count(*) FILTER (WHERE status = 'success') AS ok, count(*) AS n FROM executions GROUP BY job_id`,
      )
    ).rows;
    expect(rows).toHaveLength(jobs);
    expect(rows.filter((r) => r.ok !== '1' || r.n !== '1').slice(0, 5)).toEqual([]);
    expect((await admin.query<{ n: string }>('SELECT count(*) AS n FROM runs')).rows[0]!.n).toBe('0');

    survivor.signal('SIGTERM');
    expect((await survivor.waitForExit(15_000)).code, survivor.tail()).toBe(0);
    console.info(
      `failover: split before the burst ${[...held.entries()].map(([k, v]) => `${k === null ? 'unclaimed' : k === victim.nodeId ? 'victim' : 'survivor'}=${v}`).join(' ')}, ` +
        `created ${jobs} in ${createdIn} ms, killed at ${atKill}/${jobs} arrivals leaving ${leftWithVictim} runs leased, ${duplicates.length} redelivered, ` +
        `all delivered ${allDeliveredAt - killedAt} ms after the kill`,
    );
  });
});

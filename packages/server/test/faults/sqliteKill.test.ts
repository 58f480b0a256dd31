import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Api, byJob, createSqliteDatabase, spawnServer, startSink } from '@kairos/testkit';
import { useScene } from '../support/scene.js';

/**
 * Issue 6, fault 1: `kill -9` of a SQLite server in the middle of a burst. The file survives
 * the process; on restart the engine takes back every lease at once and delivers what is owed.
 * At-least-once: every job is delivered and recorded, and the only deliveries made twice are
 * those the dead process had in flight, with the same delivery id both times.
 */

const jobs = 5_000;
/** The engine's default global concurrency, and its group-commit batch. */
const concurrency = 512;
const groupCommitBatch = 2_000;

describe('SIGKILL of a SQLite server mid-burst', () => {
  const scene = useScene();

  it('delivers every run after a restart; duplicates only among the runs in flight', async () => {
    const db = (scene.db = await createSqliteDatabase());
    const file = db.url.slice('sqlite:'.length);
    const sink = (scene.sink = await startSink());
    const s = sink;
    // A small delay keeps a few hundred deliveries in flight at any moment of the burst.
    s.respond = () => ({ delayMs: 5 + Math.floor(Math.random() * 16) });

    const first = await spawnServer({ databaseUrl: db.url });
    const client = new Api(first.url, { connections: 32 });
    scene.clients.push(client);
    await client.register('sigkill');

    const createdFrom = Date.now();
    // Creating 5 000 jobs takes ~2.5 s on a quiet 2-core machine: leave room for a busy one.
    const dueAt = createdFrom + 9_000;
    const ids = await client.createJobs(jobs, (i) => ({
      url: `${s.url}/burst/${i}`,
      schedule: { type: 'once', at: dueAt },
      // The sink always answers 200; quick retries only keep a stray network error from
      // stalling the test for the default 30 s.
      retryPolicy: { strategy: 'fixed', maxRetries: 5, initialDelayMs: 500 },
    }));
    const created = Date.now();
    expect(created, `creating ${jobs} jobs took ${created - createdFrom} ms, past their due instant`).toBeLessThan(dueAt - 500);

    // SIGKILL from the sink's own arrival handler, the moment 40 % have arrived: exact, and
    // with hundreds of requests in flight.
    let killedAt = 0;
    const killAfter = Math.floor(jobs * 0.4);
    s.onArrival = () => {
      if (killedAt === 0 && s.arrivals.length >= killAfter) {
        killedAt = Date.now();
        process.kill(first.pid, 'SIGKILL');
      }
    };
    const exit = await first.waitForExit(dueAt - Date.now() + 20_000);
    expect(exit.signal).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);
    s.onArrival = undefined;
    // Requests the dead process had sent are read, and its sockets seen closed, before the restart.
    await s.until(() => s.open === 0, 5_000, 'the dead server\'s connections to close');
    await new Promise((r) => setTimeout(r, 100));
    const beforeRestart = s.arrivals.length;
    const fromFirst = s.arrivals.slice(0, beforeRestart);
    expect(beforeRestart).toBeGreaterThanOrEqual(killAfter);
    expect(beforeRestart, 'the kill came mid-burst').toBeLessThan(jobs);

    const second = await spawnServer({ databaseUrl: db.url });
    await s.until(() => s.jobIds().size >= jobs, 30_000, 'every job to be delivered after the restart');
    // Let anything else the new process might (wrongly) send arrive before judging.
    await new Promise((r) => setTimeout(r, 500));
    const fromSecond = s.arrivals.slice(beforeRestart);

    // The engine resumes at once: leases of the dead process are void on a file it owns.
    expect(fromSecond.length).toBeGreaterThan(0);
    const resumedAfter = fromSecond[0]!.at - second.listeningAt;
    expect(resumedAfter, 'first delivery after the restart, ms after "listening"').toBeLessThan(2_000);

    // Every job delivered, and answered at least once.
    const deliveries = byJob(s.arrivals);
    expect(new Set(deliveries.keys())).toEqual(new Set(ids));
    const unanswered = ids.filter((id) => !deliveries.get(id)!.some((d) => d.answeredAt !== undefined));
    expect(unanswered, 'jobs never answered by the sink').toEqual([]);

    // Duplicates: only runs the first process delivered but had not recorded, each once more by
    // the second process, with the same delivery id and attempt.
    const duplicates = [...deliveries.values()].filter((list) => list.length > 1);
    for (const list of duplicates) {
      expect(list, `job ${list[0]!.jobId} delivered more than twice`).toHaveLength(2);
      const [a, b] = list as [(typeof list)[0], (typeof list)[0]];
      expect(a.seq).toBeLessThan(beforeRestart);
      expect(b.seq).toBeGreaterThanOrEqual(beforeRestart);
      expect(b.webhookId).toBe(a.webhookId);
      expect(b.attempt).toBe(a.attempt);
    }
    expect(new Set(fromSecond.map((d) => d.jobId)).size, 'the second process delivered a job twice').toBe(fromSecond.length);
    expect(duplicates.length).toBeLessThanOrEqual(concurrency + groupCommitBatch);
    // A request the dead process never got an answer to cannot have been recorded: it must come again.
    const aborted = fromFirst.filter((d) => d.answeredAt === undefined);
    for (const d of aborted) expect(deliveries.get(d.jobId), `aborted delivery of ${d.jobId} not redelivered`).toHaveLength(2);
    // Outcomes are group-committed within milliseconds: whatever was answered well before the
    // kill was recorded and is not delivered again.
    const lateAnswered = duplicates.filter(([a]) => a!.answeredAt !== undefined && a!.answeredAt < killedAt - 1_000);
    expect(lateAnswered.map(([a]) => a!.jobId), 'answered more than 1 s before the kill, yet redelivered').toEqual([]);
    expect(fromSecond.every((d) => d.attempt === '1')).toBe(true);

    // The API agrees: every job completed with a successful last attempt.
    const api = new Api(second.url, { key: client.key, connections: 4 });
    scene.clients.push(api);
    const statuses = new Map<string, [string, string]>();
    for (let page = 1; page <= Math.ceil(jobs / 100); page++) {
      const r = await api.request('GET', `/v1/jobs?page=${page}&perPage=100`);
      expect(r.status).toBe(200);
      for (const j of r.body.data as Array<{ id: string; status: string; lastStatus: string }>) statuses.set(j.id, [j.status, j.lastStatus]);
    }
    expect(statuses.size).toBe(jobs);
    expect([...statuses.values()].filter(([st, last]) => st !== 'completed' || last !== 'success')).toEqual([]);

    second.signal('SIGTERM');
    expect((await second.waitForExit(15_000)).code).toBe(0);

    // The executions recorded: exactly one success per job, with the delivery id the sink saw.
    // (One, not two: the dead process recorded nothing for the runs it had in flight.)
    const sqlite = new SqliteDatabase(file, { readonly: true });
    try {
      const rows = sqlite.prepare(`SELECT job_id, status, delivery_id FROM executions`).all() as Array<{ job_id: string; status: string; delivery_id: string }>;
      const executions = new Map<string, typeof rows>();
      for (const r of rows) executions.set(r.job_id, [...(executions.get(r.job_id) ?? []), r]);
      const wrong = ids.filter((id) => {
        const list = executions.get(id) ?? [];
        return list.length !== 1 || list[0]!.status !== 'success' || list[0]!.delivery_id !== deliveries.get(id)![0]!.webhookId;
      });
      expect(wrong.slice(0, 5).map((id) => [id, executions.get(id)]), `${wrong.length} jobs without exactly one matching success`).toEqual([]);
      expect((sqlite.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(0);
    } finally {
      sqlite.close();
    }

    console.info(
      `sigkill: killed at ${beforeRestart}/${jobs} arrivals, ${aborted.length} aborted in flight, ${duplicates.length} redelivered, ` +
        `answered up to ${Math.max(0, ...duplicates.map(([a]) => (a!.answeredAt === undefined ? 0 : killedAt - a!.answeredAt)))} ms before the kill, ` +
        `resumed ${resumedAfter} ms after listening, all delivered ${s.arrivals.at(-1)!.at - second.listeningAt} ms after it`,
    );
  });
});

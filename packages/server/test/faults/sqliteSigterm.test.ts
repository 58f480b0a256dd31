import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Api, byJob, createSqliteDatabase, spawnServer, startSink } from '@kairos/testkit';
import { useScene } from '../support/scene.js';

/**
 * Issue 6, fault 4: SIGTERM in the middle of a burst (SQLite). The server stops claiming and
 * starting deliveries, lets the ones in flight finish and records them, gives the rest back and
 * exits 0; the next start delivers the rest. A graceful stop loses nothing and repeats nothing.
 */

const jobs = 2_000;
const concurrency = 100;

describe('SIGTERM of a SQLite server mid-burst', () => {
  const scene = useScene();

  it('finishes the deliveries in flight, exits 0, and the next start delivers the rest exactly once', async () => {
    const db = (scene.db = await createSqliteDatabase());
    const file = db.url.slice('sqlite:'.length);
    const sink = (scene.sink = await startSink());
    const s = sink;
    const env = { KAIROS_CONCURRENCY: String(concurrency), KAIROS_ORIGIN_CONCURRENCY: String(concurrency), KAIROS_SHUTDOWN_GRACE_MS: '10000' };

    // Quick answers until 30 % have arrived; from then on the sink holds every answer, so that
    // all of the engine's delivery slots end up in flight and nothing else can start.
    const gate = Math.floor(jobs * 0.3);
    s.respond = (d) => (d.seq < gate ? { delayMs: 20 + Math.floor(Math.random() * 40) } : { hold: true });

    const first = await spawnServer({ databaseUrl: db.url, env });
    const client = new Api(first.url, { connections: 32 });
    scene.clients.push(client);
    await client.register('sigterm');
    const createdFrom = Date.now();
    const dueAt = createdFrom + 6_000;
    const ids = await client.createJobs(jobs, (i) => ({
      url: `${s.url}/burst/${i}`,
      schedule: { type: 'once', at: dueAt },
      retryPolicy: { strategy: 'fixed', maxRetries: 5, initialDelayMs: 500 },
    }));
    expect(Date.now(), 'jobs created before their due instant').toBeLessThan(dueAt - 500);

    await s.until(() => s.held >= concurrency, dueAt - Date.now() + 20_000, `${concurrency} held deliveries`);
    // Every slot is taken by a request held at the sink: nothing more can arrive, signal or not.
    await new Promise((r) => setTimeout(r, 200));
    expect(s.open).toBe(concurrency);
    const atSignal = s.arrivals.length;
    expect(atSignal).toBe(gate + concurrency);
    const signalledAt = Date.now();
    first.signal('SIGTERM');

    // The signal stops the engine: after it, nothing new starts, even as slots free up below.
    await new Promise((r) => setTimeout(r, 500));
    expect(first.exit, 'the server waits for its deliveries in flight').toBeUndefined();
    expect(s.arrivals.length).toBe(atSignal);
    // SinkResponse the held requests over the next 2 s: the server must wait for each of them.
    s.release(() => Math.floor(Math.random() * 2_000));
    const exit = await first.waitForExit(20_000);
    expect(exit.code, first.tail()).toBe(0);
    expect(exit.signal).toBeNull();

    // No request was cut off: every one the sink started answering was answered in full.
    const fromFirst = s.arrivals.slice(0, atSignal);
    expect(s.arrivals.length, 'deliveries started after SIGTERM').toBe(atSignal);
    expect(fromFirst.filter((d) => d.abortedAt !== undefined).map((d) => d.jobId)).toEqual([]);
    expect(fromFirst.every((d) => d.answeredAt !== undefined)).toBe(true);
    const lastAnswer = Math.max(...fromFirst.map((d) => d.answeredAt!));
    expect(lastAnswer).toBeGreaterThan(signalledAt + 1_000);
    expect(exit.at).toBeGreaterThanOrEqual(lastAnswer);
    expect(exit.at - signalledAt, 'exit well within the grace period').toBeLessThan(10_000);
    const stopped = first.logs.find((l) => l.msg === 'engine stopped');
    expect(stopped?.released, 'runs given back on the way out').toBe(jobs - atSignal);

    // What the file holds after the exit: an execution for every delivery, the rest pending and free.
    const sqlite = new SqliteDatabase(file, { readonly: true });
    try {
      const executions = sqlite.prepare(`SELECT job_id, status, delivery_id FROM executions`).all() as Array<{ job_id: string; status: string; delivery_id: string }>;
      expect(executions).toHaveLength(atSignal);
      expect(executions.every((e) => e.status === 'success')).toBe(true);
      expect(new Set(executions.map((e) => e.job_id))).toEqual(new Set(fromFirst.map((d) => d.jobId)));
      const runs = sqlite.prepare(`SELECT count(*) AS n, count(lease_owner) AS leased FROM runs`).get() as { n: number; leased: number };
      expect(runs).toEqual({ n: jobs - atSignal, leased: 0 });
    } finally {
      sqlite.close();
    }

    // The next start delivers the rest, each once.
    s.respond = () => ({});
    const second = await spawnServer({ databaseUrl: db.url, env });
    await s.until(() => s.jobIds().size >= jobs, 30_000, 'every job to be delivered after the restart');
    await new Promise((r) => setTimeout(r, 500));
    const deliveries = byJob(s.arrivals);
    expect(new Set(deliveries.keys())).toEqual(new Set(ids));
    const repeated = [...deliveries.values()].filter((list) => list.length > 1);
    expect(repeated.map((list) => list[0]!.jobId), 'jobs delivered twice').toEqual([]);
    expect(s.arrivals.every((d) => d.answeredAt !== undefined)).toBe(true);
    expect(s.arrivals[atSignal]!.at - second.listeningAt).toBeLessThan(2_000);

    second.signal('SIGTERM');
    expect((await second.waitForExit(15_000)).code).toBe(0);
    const sqlite2 = new SqliteDatabase(file, { readonly: true });
    try {
      const rows = sqlite2.prepare(`SELECT job_id, count(*) AS n FROM executions WHERE status = 'success' GROUP BY job_id`).all() as Array<{ job_id: string; n: number }>;
      expect(rows).toHaveLength(jobs);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect((sqlite2.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(0);
    } finally {
      sqlite2.close();
    }
    console.info(`sigterm: signalled at ${atSignal}/${jobs} arrivals with ${concurrency} in flight; exited ${exit.at - signalledAt} ms later, ${exit.at - lastAnswer} ms after the last answer`);
  });
});

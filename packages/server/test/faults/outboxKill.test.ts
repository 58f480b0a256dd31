import { describe, expect, it } from 'vitest';
import { Api, createSqliteDatabase, type SinkResponse, spawnServer, startSink } from '@kairos/testkit';
import { useScene } from '../support/scene.js';

/**
 * Callbacks (and every other outbox message) are written with the outcome that causes them, so
 * a `kill -9` loses none: those pending or in flight are sent by the next process, a message in
 * flight at the kill again with the same `webhook-id`.
 */
const jobs = 50;

describe('SIGKILL of a SQLite server with callbacks outstanding', () => {
  const scene = useScene();

  it('sends every callback after a restart, in flight ones again with the same webhook-id', async () => {
    const db = (scene.db = await createSqliteDatabase());
    const sink = (scene.sink = await startSink());
    const s = sink;
    // The first process finds the callback target hanging: its callbacks stay in flight or pending.
    let callbacksHang = true;
    s.respond = (d): SinkResponse => (d.path === '/callback' && callbacksHang ? { hang: true } : {});

    const first = await spawnServer({ databaseUrl: db.url });
    const client = new Api(first.url, { connections: 32 });
    scene.clients.push(client);
    await client.register('outbox');
    const ids = await client.createJobs(jobs, (i) => ({ url: `${s.url}/target/${i}`, schedule: { type: 'once', delay: 200 }, callbackUrl: `${s.url}/callback` }));

    const callbacks = () => s.arrivals.filter((d) => d.path === '/callback');
    await s.until(() => s.arrivals.filter((d) => d.path.startsWith('/target/')).length >= jobs && callbacks().length > 0, 20_000, 'deliveries and a first callback');
    await first.kill();
    const inFlight = callbacks().map((d) => d.webhookId);
    callbacksHang = false;

    await spawnServer({ databaseUrl: db.url });
    await s.until(() => new Set(callbacks().filter((d) => d.answeredAt !== undefined).map((d) => d.jobId)).size >= jobs, 20_000, 'a callback answered for every job');
    await new Promise((r) => setTimeout(r, 500));

    const answered = callbacks().filter((d) => d.answeredAt !== undefined);
    expect(new Set(answered.map((d) => d.jobId))).toEqual(new Set(ids));
    // One message per run: each job's callbacks share one webhook-id, and each was answered once.
    const idsByJob = new Map<string, Set<string>>();
    for (const d of callbacks()) idsByJob.set(d.jobId, (idsByJob.get(d.jobId) ?? new Set()).add(d.webhookId));
    expect([...idsByJob.values()].every((set) => set.size === 1)).toBe(true);
    expect(answered).toHaveLength(jobs);
    // What hung at the kill came again, under its own id.
    for (const id of inFlight) expect(answered.some((d) => d.webhookId === id)).toBe(true);
    // Signed headers name the callback.
    expect(answered.every((d) => d.headers['kairos-event'] === 'callback')).toBe(true);
  });
});

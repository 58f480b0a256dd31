import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Kairos, type StreamEvent, ValidationError } from '../src/index.js';
import { useClientFixture } from './support/fixture.js';

describe('schedules and the live stream', () => {
  const f = useClientFixture('live');

  it('previews a schedule in words with its next occurrences, and names the field of a bad one', async () => {
    const preview = await f.kairos.schedules.preview({ schedule: { type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' }, count: 3, from: '2026-12-07T00:00:00Z' });
    expect(preview.timezone).toBe('Europe/Berlin');
    expect(preview.description).toMatch(/09:00/);
    expect(preview.occurrences).toEqual(['2026-12-07T08:00:00.000Z', '2026-12-08T08:00:00.000Z', '2026-12-09T08:00:00.000Z']);
    const bad = await f.kairos.schedules.preview({ schedule: { type: 'cron', expression: '61 * * * *' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).details[0]?.field).toMatch(/expression/);
  });

  it('lists the runs due soon across jobs', async () => {
    const job = await f.kairos.schedule({ url: `${f.sink.url}/soon`, every: '10m', name: 'soon' });
    const upcoming = await f.kairos.schedules.upcoming({ to: new Date(Date.now() + 3_600_000).toISOString() });
    const mine = upcoming.data.filter((r) => r.jobId === job.id);
    expect(mine.length).toBeGreaterThanOrEqual(5);
    expect(mine[0]).toMatchObject({ jobName: 'soon', at: expect.any(String) });
    expect(upcoming.meta.truncated).toBe(false);
    await f.kairos.jobs.delete(job.id);
  });

  it('streams an attempt as it happens, and a later stream resumes after it with lastEventId', async () => {
    const events: StreamEvent[] = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const following = (async () => {
      for await (const e of f.kairos.executions.stream({}, { onOpen: opened })) {
        events.push(e);
        if (e.event === 'execution') break; // closes the connection
      }
    })();
    await open;
    const job = await f.kairos.jobs.create({ name: 'streamed', url: `${f.sink.url}/streamed`, schedule: { type: 'interval', every: '1h' } });
    await f.kairos.jobs.run(job.id);
    await following;
    const execution = events.find((e) => e.event === 'execution');
    expect(execution).toMatchObject({ event: 'execution', id: expect.stringMatching(/^exe_/), data: { jobId: job.id, status: 'success', triggeredBy: 'manual' } });
    expect(events.some((e) => e.event === 'job' && e.data.id === job.id)).toBe(true);

    await f.kairos.jobs.run(job.id, { wait: true });
    const controller = new AbortController();
    const later: StreamEvent[] = [];
    const done = (async () => {
      for await (const e of f.kairos.executions.stream({ jobId: job.id, lastEventId: (execution as { id: string }).id }, { signal: controller.signal })) {
        later.push(e);
        if (e.event === 'execution') controller.abort(new Error('enough'));
      }
    })();
    await expect(done).rejects.toThrow('enough');
    expect(later).toEqual([expect.objectContaining({ event: 'execution', data: expect.objectContaining({ jobId: job.id, attempt: 1 }) })]);
    expect(later[0]).not.toMatchObject({ id: (execution as { id: string }).id });
    await f.kairos.jobs.delete(job.id);
  });

  it('issues a stream token for EventSource', async () => {
    const { token, expiresAt } = await f.kairos.executions.streamToken();
    expect(token.length).toBeGreaterThan(10);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
  });
});

describe('the live stream over a connection that drops', () => {
  const f = useClientFixture('live-drop');

  it('reconnects and resumes after the last attempt seen, so an attempt made while it was down is not missed', async () => {
    // A pass-through proxy that streams (the fault proxy buffers answers) and can cut every connection.
    const sockets = new Set<Socket>();
    const seen: Array<string | undefined> = [];
    const proxy = http.createServer((req, res) => {
      if (req.url?.startsWith('/v1/stream')) seen.push(req.headers['last-event-id'] as string | undefined);
      const upstream = http.request(`${f.server.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const client = new Kairos({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, apiKey: f.apiKey });
    try {
      const job = await f.kairos.jobs.create({ name: 'dropped', url: `${f.sink.url}/dropped`, schedule: { type: 'interval', every: '1h' } });
      let opens = 0;
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const received: string[] = [];
      const stream = client.executions.stream({ jobId: job.id }, { onOpen: () => (++opens === 1 ? opened() : undefined) });
      const following = (async () => {
        for await (const e of stream) {
          if (e.event !== 'execution') continue;
          received.push(e.id);
          if (received.length === 1) {
            for (const s of sockets) s.destroy(); // the connection drops …
            await f.kairos.jobs.run(job.id, { wait: true }); // … and an attempt happens meanwhile
          }
          if (received.length === 2) break;
        }
      })();
      await open;
      await f.kairos.jobs.run(job.id, { wait: true });
      await following;
      expect(opens).toBe(2);
      expect(seen).toEqual([undefined, received[0]]);
      expect(new Set(received).size).toBe(2);
      await f.kairos.jobs.delete(job.id);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

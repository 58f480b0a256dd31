import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  at: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SinkResponse {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Hold the response this long before answering. */
  delayMs?: number;
}

/**
 * A real HTTP server on 127.0.0.1 that records what arrives and answers as told: the far end
 * of every delivery test.
 */
export interface Sink {
  url: string;
  port: number;
  arrivals: Arrival[];
  /** Decides the answer per request; defaults to 200 "ok". */
  respond: (arrival: Arrival) => SinkResponse;
  /** Resolves once `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Arrival[]>;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const sockets = new Set<import('node:net').Socket>();
  const sink: Sink = {
    url: '',
    port: 0,
    arrivals: [],
    respond: () => ({}),
    waitFor(count, timeoutMs = 15_000) {
      if (sink.arrivals.length >= count) return Promise.resolve(sink.arrivals);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sink saw ${sink.arrivals.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(sink.arrivals);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrival: Arrival = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      sink.arrivals.push(arrival);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (sink.arrivals.length >= waiters[i]!.count) waiters.splice(i, 1)[0]!.resolve();
      }
      const answer = sink.respond(arrival);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, answer.headers ?? { 'content-type': 'text/plain' });
        res.end(answer.body ?? 'ok');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.address() as AddressInfo).port;
  sink.url = `http://127.0.0.1:${sink.port}`;
  return sink;
}

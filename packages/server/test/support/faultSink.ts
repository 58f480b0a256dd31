import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A delivery target for the fault tests: like sink.ts, but it follows every request to its end
 * (answered, or aborted by the caller) and can hold answers back, so a test can tell which
 * deliveries were in flight when a server died or stopped.
 */
export interface Delivery {
  /** Order of arrival, from 0. */
  seq: number;
  /** When the request (with its body) had arrived. */
  at: number;
  method: string;
  path: string;
  jobId: string;
  webhookId: string;
  attempt: string;
  headers: http.IncomingHttpHeaders;
  /** When the answer was handed to the socket; undefined while unanswered. */
  answeredAt: number | undefined;
  /** When the caller closed the connection before the answer was sent. */
  abortedAt: number | undefined;
}

export type Answer =
  | { status?: number; delayMs?: number }
  /** Answer only when the test calls `release()`. */
  | { hold: true }
  /** Never answer: the caller has to give up. */
  | { hang: true };

export interface FaultSink {
  url: string;
  port: number;
  deliveries: Delivery[];
  /** Requests that arrived and are neither answered nor aborted. */
  readonly open: number;
  /** The most requests open at once. */
  readonly maxOpen: number;
  /** Requests held back for `release()`. */
  readonly held: number;
  /** Decides the answer per request; default 200 at once. Called before `onArrival`. */
  answer: (d: Delivery) => Answer;
  /** Called for every arrival, synchronously, after it is recorded. */
  onArrival: ((d: Delivery) => void) | undefined;
  /** Answers (200) every held request now, or after `delayMs` (a function gives each its own). */
  release(delayMs?: number | (() => number)): number;
  /** Resolves once `check()` is true, polling every 10 ms; rejects after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void>;
  jobIds(): Set<string>;
  close(): Promise<void>;
}

export async function startFaultSink(): Promise<FaultSink> {
  const sockets = new Set<Socket>();
  const heldBack: Array<(delayMs: number) => void> = [];
  const timers = new Set<NodeJS.Timeout>();
  let open = 0;
  let maxOpen = 0;

  const sink: FaultSink = {
    url: '',
    port: 0,
    deliveries: [],
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    get held() {
      return heldBack.length;
    },
    answer: () => ({}),
    onArrival: undefined,
    release(delayMs = 0) {
      const n = heldBack.length;
      for (const send of heldBack.splice(0)) send(typeof delayMs === 'function' ? delayMs() : delayMs);
      return n;
    },
    async until(check, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (sink has ${sink.deliveries.length} deliveries, ${open} open)`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    jobIds() {
      return new Set(sink.deliveries.map((d) => d.jobId));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        heldBack.length = 0;
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v.join(',') : (v ?? '');
      };
      const d: Delivery = {
        seq: sink.deliveries.length,
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        jobId: header('kairos-job-id'),
        webhookId: header('webhook-id'),
        attempt: header('kairos-attempt'),
        headers: req.headers,
        answeredAt: undefined,
        abortedAt: undefined,
      };
      sink.deliveries.push(d);
      open++;
      maxOpen = Math.max(maxOpen, open);
      let settled = false;
      const settle = (field: 'answeredAt' | 'abortedAt') => {
        if (settled) return;
        settled = true;
        open--;
        d[field] = Date.now();
      };
      // 'close' before 'finish' means the caller hung up on a request we had not answered.
      res.on('finish', () => settle('answeredAt'));
      res.on('close', () => settle('abortedAt'));
      const send = (status = 200) => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end('ok');
      };
      const answer = sink.answer(d);
      sink.onArrival?.(d);
      if ('hang' in answer) return;
      if ('hold' in answer) {
        heldBack.push((delayMs) => {
          if (delayMs <= 0) return send();
          const t = setTimeout(() => (timers.delete(t), send()), delayMs);
          timers.add(t);
        });
        return;
      }
      if (answer.delayMs) {
        const t = setTimeout(() => (timers.delete(t), send(answer.status)), answer.delayMs);
        timers.add(t);
      } else send(answer.status);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  sink.port = (server.address() as AddressInfo).port;
  sink.url = `http://127.0.0.1:${sink.port}`;
  return sink;
}

/** Groups deliveries by job. */
export function byJob(deliveries: readonly Delivery[]): Map<string, Delivery[]> {
  const out = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    let list = out.get(d.jobId);
    if (!list) out.set(d.jobId, (list = []));
    list.push(d);
  }
  return out;
}

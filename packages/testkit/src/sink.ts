import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request that reached the sink. */
export interface Arrival {
  /** Order of arrival, from 0. */
  seq: number;
  /** When the request (with its body) had arrived (Date.now()). */
  at: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The kairos-job-id, webhook-id and kairos-attempt headers ('' when absent). */
  jobId: string;
  webhookId: string;
  attempt: string;
  /** When the answer was handed to the socket; undefined while unanswered. */
  answeredAt: number | undefined;
  /** When the caller closed the connection before the answer was sent. */
  abortedAt: number | undefined;
}

export type SinkResponse =
  | {
      status?: number;
      body?: string;
      headers?: Record<string, string>;
      /** Hold the answer this long. */
      delayMs?: number;
    }
  /** Answer (200) only when the test calls `release()`. */
  | { hold: true }
  /** Never answer: the caller has to give up (or the socket is destroyed after `destroyAfterMs`). */
  | { hang: true; destroyAfterMs?: number };

export interface SinkOptions {
  /**
   * 'all' (default) keeps every request as an {@link Arrival}, body included, and answers once
   * the body is in. 'timing' keeps only what {@link Sink.stats} needs, in typed columns, and
   * answers without reading the body: the bench's sink, which takes hundreds of thousands.
   */
  record?: 'all' | 'timing';
}

export interface LatenessStats {
  n: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  over20: number;
  over100: number;
}

export interface StatsOptions {
  /** Ids of the jobs that arrived last. */
  lastIds?: number;
  allIds?: boolean;
  /** Lateness again without the deliveries scheduled in the first this many ms. */
  skipFirstMs?: number;
  bySecond?: boolean;
  timelineMs?: number;
  /** Count arrivals at or before this epoch ms. */
  until?: number;
}

/**
 * A real HTTP server on 127.0.0.1 that records what arrives and answers as told: the far end of
 * every delivery in the tests, the fault tests and the bench. It follows each request to its end
 * (answered, or aborted by the caller) and can hold answers back, so a test can tell which
 * deliveries were in flight when a server died or stopped.
 */
export interface Sink {
  url: string;
  port: number;
  /** Every request, in order of arrival (empty when recording only timing). */
  arrivals: Arrival[];
  /** Requests seen, including those recorded only by timing. */
  readonly count: number;
  /** Requests that arrived and are neither answered nor aborted. */
  readonly open: number;
  /** The most requests open at once. */
  readonly maxOpen: number;
  /** Requests held back for `release()`. */
  readonly held: number;
  /** Decides the answer per request; default 200 "ok" at once. It sees the arrival already recorded. */
  respond: (arrival: Arrival) => SinkResponse;
  /** Called for every arrival, synchronously, after `respond`. */
  onArrival: ((arrival: Arrival) => void) | undefined;
  /** Resolves once `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Arrival[]>;
  /** Resolves once `check()` is true, polling every 10 ms; rejects after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void>;
  /** Answers (200) every held request now, or after `delayMs` (a function gives each its own). */
  release(delayMs?: number | (() => number)): number;
  jobIds(): Set<string>;
  /** Requests seen with a kairos-job-id (`count`) and without (`plain`), cheaply. */
  tally(): { count: number; plain: number };
  /** Arrival and lateness figures (arrival instant against kairos-scheduled-for). */
  stats(options?: StatsOptions): Record<string, unknown>;
  /** Forgets every arrival and ends hanging requests. */
  reset(): void;
  close(): Promise<void>;
}

const respondOk = (): SinkResponse => ({});

function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const full = (options.record ?? 'all') === 'all';
  const sockets = new Set<Socket>();
  const heldBack: Array<(delayMs: number) => void> = [];
  const hanging = new Set<http.ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const origin = performance.timeOrigin;
  let open = 0;
  let maxOpen = 0;

  // Timing columns (every request with a kairos-job-id): arrival (epoch ms with a
  // sub-millisecond part from the monotonic clock), kairos-scheduled-for, the job id.
  let cap = 1 << 16;
  let arrivedAt = new Float64Array(cap);
  let scheduled = new Float64Array(cap);
  let ids = new Array<string>(cap);
  let timed = 0;
  // Requests without a kairos-job-id (the bench's plain request loop) are only counted.
  let plain = 0;
  let plainFirst = 0;
  let plainLast = 0;
  let seen = 0;

  const note = (req: http.IncomingMessage): number => {
    seen++;
    const at = origin + performance.now();
    const jobId = req.headers['kairos-job-id'];
    if (typeof jobId !== 'string') {
      if (plain === 0) plainFirst = at;
      plainLast = at;
      plain++;
      return at;
    }
    if (timed === cap) {
      cap *= 2;
      const a = new Float64Array(cap);
      a.set(arrivedAt);
      arrivedAt = a;
      const s = new Float64Array(cap);
      s.set(scheduled);
      scheduled = s;
      ids.length = cap;
    }
    const sf = req.headers['kairos-scheduled-for'];
    arrivedAt[timed] = at;
    scheduled[timed] = typeof sf === 'string' ? Date.parse(sf) : NaN;
    ids[timed] = jobId;
    timed++;
    return at;
  };

  const sink: Sink = {
    url: '',
    port: 0,
    arrivals: [],
    get count() {
      return seen;
    },
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    get held() {
      return heldBack.length;
    },
    respond: respondOk,
    onArrival: undefined,
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
    async until(check, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (sink has ${sink.arrivals.length} arrivals, ${open} open)`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    release(delayMs = 0) {
      const n = heldBack.length;
      for (const send of heldBack.splice(0)) send(typeof delayMs === 'function' ? delayMs() : delayMs);
      return n;
    },
    jobIds() {
      return full ? new Set(sink.arrivals.map((a) => a.jobId)) : new Set(ids.slice(0, timed));
    },
    tally() {
      return { count: timed, plain };
    },
    stats(opts = {}) {
      return stats(opts);
    },
    reset() {
      sink.arrivals = [];
      seen = 0;
      timed = 0;
      plain = 0;
      plainFirst = plainLast = 0;
      ids = new Array<string>(cap);
      for (const res of hanging) res.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        heldBack.length = 0;
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  function stats(opts: StatsOptions): Record<string, unknown> {
    const n = timed;
    const unique = new Set<string>();
    let dup = 0;
    let first = Infinity;
    let last = -Infinity;
    const late = new Float64Array(n);
    let m = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (unique.has(ids[i]!)) dup++;
      else unique.add(ids[i]!);
      const a = arrivedAt[i]!;
      if (a < first) first = a;
      if (a > last) last = a;
      const s = scheduled[i]!;
      if (!Number.isNaN(s)) {
        late[m++] = a - s;
        sum += a - s;
      }
    }
    const sorted = late.subarray(0, m).sort();
    const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
    const over = (ms: number) => {
      let k = 0;
      for (let i = m - 1; i >= 0 && sorted[i]! > ms; i--) k++;
      return k;
    };
    const out: Record<string, unknown> = {
      count: n,
      unique: unique.size,
      duplicates: dup,
      first: n ? first : null,
      last: n ? last : null,
      plain,
      plainFirst,
      plainLast,
      lateness: m
        ? ({
            n: m,
            min: r3(sorted[0]!),
            mean: r3(sum / m),
            p50: r3(percentile(sorted, 50)),
            p90: r3(percentile(sorted, 90)),
            p99: r3(percentile(sorted, 99)),
            p999: r3(percentile(sorted, 99.9)),
            max: r3(sorted[m - 1]!),
            over20: over(20),
            over100: over(100),
          } satisfies LatenessStats)
        : null,
    };
    if (opts.lastIds) {
      // The jobs that arrived last: the ones whose outcomes are committed last.
      const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => arrivedAt[y]! - arrivedAt[x]!);
      out.lastIds = order.slice(0, opts.lastIds).map((i) => ids[i]);
    }
    if (opts.allIds) out.allIds = [...unique];
    if (opts.skipFirstMs && m > 0) {
      // The same figures without the first moments of the load (its claim-ahead start-up).
      let s0 = Infinity;
      for (let i = 0; i < n; i++) if (scheduled[i]! < s0) s0 = scheduled[i]!;
      const rest: number[] = [];
      for (let i = 0; i < n; i++) if (scheduled[i]! >= s0 + opts.skipFirstMs) rest.push(arrivedAt[i]! - scheduled[i]!);
      const sorted = Float64Array.from(rest).sort();
      out.steady = sorted.length
        ? { skippedMs: opts.skipFirstMs, n: sorted.length, p50: r3(percentile(sorted, 50)), p99: r3(percentile(sorted, 99)), max: r3(sorted[sorted.length - 1]!) }
        : null;
    }
    if (opts.bySecond && m > 0) {
      // Lateness per second of scheduled time, from the earliest scheduled instant: shows whether
      // the late ones cluster (the start, a periodic claim, a checkpoint) or are spread out.
      let s0 = Infinity;
      for (let i = 0; i < n; i++) if (scheduled[i]! < s0) s0 = scheduled[i]!;
      const buckets: number[][] = [];
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(scheduled[i])) continue;
        const b = Math.floor((scheduled[i]! - s0) / 1000);
        (buckets[b] ??= []).push(arrivedAt[i]! - scheduled[i]!);
      }
      out.bySecond = Array.from(buckets, (xs, second) => {
        const sorted = Float64Array.from(xs ?? []).sort();
        return { second, n: sorted.length, p50: r3(percentile(sorted, 50)), p99: r3(percentile(sorted, 99)), max: r3(sorted.length ? sorted[sorted.length - 1]! : null) };
      });
    }
    if (opts.timelineMs && n > 0) {
      // Arrivals per slice of time from the first one: shows stalls and the pace's ramp-up.
      let a0 = Infinity;
      for (let i = 0; i < n; i++) if (arrivedAt[i]! < a0) a0 = arrivedAt[i]!;
      const slices: number[] = [];
      for (let i = 0; i < n; i++) {
        const k = Math.floor((arrivedAt[i]! - a0) / opts.timelineMs);
        slices[k] = (slices[k] ?? 0) + 1;
      }
      out.timeline = { sliceMs: opts.timelineMs, counts: Array.from(slices, (c) => c ?? 0) };
    }
    if (opts.until !== undefined) {
      let k = 0;
      for (let i = 0; i < n; i++) if (arrivedAt[i]! <= opts.until) k++;
      out.countUntil = k;
    }
    return out;
  }

  const header = (req: http.IncomingMessage, name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : (v ?? '');
  };

  const answer = (res: http.ServerResponse, response: SinkResponse) => {
    const send = (status = 200, body = 'ok', headers: Record<string, string> = { 'content-type': 'text/plain' }) => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, headers);
      res.end(body);
    };
    if ('hang' in response) {
      hanging.add(res);
      let timer: NodeJS.Timeout | undefined;
      if (response.destroyAfterMs !== undefined) {
        timer = setTimeout(() => (timers.delete(timer!), res.destroy()), response.destroyAfterMs);
        timers.add(timer);
      }
      res.on('close', () => {
        hanging.delete(res);
        if (timer) (clearTimeout(timer), timers.delete(timer));
      });
      return;
    }
    if ('hold' in response) {
      heldBack.push((delayMs) => {
        if (delayMs <= 0) return send();
        const t = setTimeout(() => (timers.delete(t), send()), delayMs);
        timers.add(t);
      });
      return;
    }
    const go = () => send(response.status, response.body, response.headers);
    if (response.delayMs) {
      const t = setTimeout(() => (timers.delete(t), go()), response.delayMs);
      timers.add(t);
    } else go();
  };

  const server = http.createServer((req, res) => {
    if (!full) {
      const at = note(req);
      const jobId = header(req, 'kairos-job-id');
      const arrival: Arrival = { seq: seen - 1, at, method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: '', jobId, webhookId: '', attempt: '', answeredAt: undefined, abortedAt: undefined };
      const response = sink.respond(arrival);
      sink.onArrival?.(arrival);
      if ('hang' in response) req.resume();
      // Answers at once; node discards whatever body is still on its way.
      answer(res, response);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      note(req);
      const arrival: Arrival = {
        seq: sink.arrivals.length,
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        jobId: header(req, 'kairos-job-id'),
        webhookId: header(req, 'webhook-id'),
        attempt: header(req, 'kairos-attempt'),
        answeredAt: undefined,
        abortedAt: undefined,
      };
      sink.arrivals.push(arrival);
      open++;
      maxOpen = Math.max(maxOpen, open);
      let settled = false;
      const settle = (field: 'answeredAt' | 'abortedAt') => {
        if (settled) return;
        settled = true;
        open--;
        arrival[field] = Date.now();
      };
      // 'close' before 'finish' means the caller hung up on a request we had not answered.
      res.on('finish', () => settle('answeredAt'));
      res.on('close', () => settle('abortedAt'));
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (sink.arrivals.length >= waiters[i]!.count) waiters.splice(i, 1)[0]!.resolve();
      }
      const response = sink.respond(arrival);
      sink.onArrival?.(arrival);
      answer(res, response);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  sink.port = (server.address() as AddressInfo).port;
  sink.url = `http://127.0.0.1:${sink.port}`;
  return sink;
}

/** Groups arrivals by job. */
export function byJob(arrivals: readonly Arrival[]): Map<string, Arrival[]> {
  const out = new Map<string, Arrival[]>();
  for (const a of arrivals) {
    let list = out.get(a.jobId);
    if (!list) out.set(a.jobId, (list = []));
    list.push(a);
  }
  return out;
}

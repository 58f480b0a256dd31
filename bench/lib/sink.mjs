// The far end of every delivery in the benchmark, run as its own child process (forked with an
// IPC channel) so its CPU time is not the harness's or the server's.
//
//   node bench/lib/sink.mjs ok|error|hang [hangMs]
//
// ok: 200 "ok"; error: 500 "error"; hang: never answers (the socket is destroyed after hangMs,
// long after Kairos has given up). Every request is recorded: arrival instant (epoch ms with a
// sub-millisecond part from the monotonic clock), the kairos-job-id header and the
// kairos-scheduled-for instant. The harness asks for figures over IPC.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const mode = process.argv[2] ?? 'ok';
const hangMs = Number(process.argv[3] ?? 30_000);
const origin = performance.timeOrigin;

let cap = 1 << 16;
let arrivals = new Float64Array(cap);
let scheduled = new Float64Array(cap);
let ids = new Array(cap);
let count = 0;
// Requests without a kairos-job-id (the limit scenario's plain loop) are only counted.
let plain = 0;
let plainFirst = 0;
let plainLast = 0;
const hanging = new Set();

function grow() {
  cap *= 2;
  const a = new Float64Array(cap);
  a.set(arrivals);
  arrivals = a;
  const s = new Float64Array(cap);
  s.set(scheduled);
  scheduled = s;
  ids.length = cap;
}

const server = http.createServer((req, res) => {
  const at = origin + performance.now();
  const jobId = req.headers['kairos-job-id'];
  if (jobId === undefined) {
    if (plain === 0) plainFirst = at;
    plainLast = at;
    plain++;
  } else {
    if (count === cap) grow();
    const sf = req.headers['kairos-scheduled-for'];
    arrivals[count] = at;
    scheduled[count] = sf ? Date.parse(sf) : NaN;
    ids[count] = jobId;
    count++;
  }
  if (mode === 'hang') {
    req.resume();
    const timer = setTimeout(() => res.destroy(), hangMs);
    const entry = { res, timer };
    hanging.add(entry);
    res.on('close', () => {
      clearTimeout(timer);
      hanging.delete(entry);
    });
    return;
  }
  const body = mode === 'error' ? 'error' : 'ok';
  // Answer at once; node discards whatever body is still on its way.
  res.writeHead(mode === 'error' ? 500 : 200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function stats(opts = {}) {
  const n = count;
  const unique = new Set();
  let dup = 0;
  let first = Infinity;
  let last = -Infinity;
  const late = new Float64Array(n);
  let m = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (unique.has(ids[i])) dup++;
    else unique.add(ids[i]);
    const a = arrivals[i];
    if (a < first) first = a;
    if (a > last) last = a;
    const s = scheduled[i];
    if (!Number.isNaN(s)) {
      late[m++] = a - s;
      sum += a - s;
    }
  }
  const sorted = late.subarray(0, m).sort();
  const r3 = (x) => (x === null ? null : Math.round(x * 1000) / 1000);
  const over = (ms) => {
    let k = 0;
    for (let i = m - 1; i >= 0 && sorted[i] > ms; i--) k++;
    return k;
  };
  const out = {
    mode,
    count: n,
    unique: unique.size,
    duplicates: dup,
    first: n ? first : null,
    last: n ? last : null,
    plain,
    plainFirst,
    plainLast,
    lateness: m
      ? {
          n: m,
          min: r3(sorted[0]),
          mean: r3(sum / m),
          p50: r3(percentile(sorted, 50)),
          p90: r3(percentile(sorted, 90)),
          p99: r3(percentile(sorted, 99)),
          p999: r3(percentile(sorted, 99.9)),
          max: r3(sorted[m - 1]),
          over20: over(20),
          over100: over(100),
        }
      : null,
  };
  if (opts.lastIds) {
    // The jobs that arrived last: the ones whose outcomes are committed last.
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => arrivals[y] - arrivals[x]);
    out.lastIds = order.slice(0, opts.lastIds).map((i) => ids[i]);
  }
  if (opts.allIds) out.allIds = [...unique];
  if (opts.skipFirstMs && m > 0) {
    // The same figures without the first moments of the load (its claim-ahead start-up).
    let s0 = Infinity;
    for (let i = 0; i < n; i++) if (scheduled[i] < s0) s0 = scheduled[i];
    const rest = [];
    for (let i = 0; i < n; i++) if (scheduled[i] >= s0 + opts.skipFirstMs) rest.push(arrivals[i] - scheduled[i]);
    const sorted = Float64Array.from(rest).sort();
    out.steady = sorted.length
      ? { skippedMs: opts.skipFirstMs, n: sorted.length, p50: r3(percentile(sorted, 50)), p99: r3(percentile(sorted, 99)), max: r3(sorted[sorted.length - 1]) }
      : null;
  }
  if (opts.bySecond && m > 0) {
    // Lateness per second of scheduled time, from the earliest scheduled instant: shows whether
    // the late ones cluster (the start, a periodic claim, a checkpoint) or are spread out.
    let s0 = Infinity;
    for (let i = 0; i < n; i++) if (scheduled[i] < s0) s0 = scheduled[i];
    const buckets = [];
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(scheduled[i])) continue;
      const b = Math.floor((scheduled[i] - s0) / 1000);
      (buckets[b] ??= []).push(arrivals[i] - scheduled[i]);
    }
    out.bySecond = buckets.map((xs, second) => {
      const sorted = Float64Array.from(xs ?? []).sort();
      return { second, n: sorted.length, p50: r3(percentile(sorted, 50)), p99: r3(percentile(sorted, 99)), max: r3(sorted.length ? sorted[sorted.length - 1] : null) };
    });
  }
  if (opts.timelineMs && n > 0) {
    // Arrivals per slice of time from the first one: shows stalls and the pace's ramp-up.
    let a0 = Infinity;
    for (let i = 0; i < n; i++) if (arrivals[i] < a0) a0 = arrivals[i];
    const slices = [];
    for (let i = 0; i < n; i++) {
      const k = Math.floor((arrivals[i] - a0) / opts.timelineMs);
      slices[k] = (slices[k] ?? 0) + 1;
    }
    out.timeline = { sliceMs: opts.timelineMs, counts: Array.from(slices, (c) => c ?? 0) };
  }
  if (opts.until !== undefined) {
    let k = 0;
    for (let i = 0; i < n; i++) if (arrivals[i] <= opts.until) k++;
    out.countUntil = k;
  }
  return out;
}

process.on('message', (msg) => {
  const reply = (data) => process.send({ id: msg.id, data });
  switch (msg.cmd) {
    case 'reset':
      count = 0;
      plain = 0;
      plainFirst = plainLast = 0;
      ids = new Array(cap);
      for (const h of hanging) h.res.destroy();
      reply({ ok: true });
      break;
    case 'count':
      reply({ count, plain });
      break;
    case 'stats':
      reply(stats(msg.opts));
      break;
    case 'close':
      server.closeAllConnections?.();
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 1000).unref();
      reply({ ok: true });
      break;
    default:
      reply({ error: `unknown command ${msg.cmd}` });
  }
});
// The harness is gone (even killed): nothing to serve.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send({ ready: true, port: server.address().port });
});

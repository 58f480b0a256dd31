// The harness's HTTP measurements: load loops over the native API (whose client, Api, is the
// test kit's), and the plain request loop that measures what the machine can do without Kairos.
import { Pool } from 'undici';
import { performance } from 'node:perf_hooks';

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const round = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted.length ? sorted[sorted.length - 1] : null, 2),
  };
}

/**
 * `clients` concurrent loops of `fn` for `durationMs`; each call's latency is recorded.
 * Returns completed calls, errors, elapsed time and latencies in ms.
 */
export async function loop(clients, durationMs, fn) {
  const latencies = [];
  let ok = 0;
  let errors = 0;
  let firstError;
  const t0 = performance.now();
  const end = t0 + durationMs;
  const worker = async (w) => {
    for (let k = 0; performance.now() < end; k++) {
      const s = performance.now();
      try {
        await fn(w, k);
        ok++;
        latencies.push(performance.now() - s);
      } catch (err) {
        errors++;
        firstError ??= err;
        if (errors > 1000) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  const elapsedMs = performance.now() - t0;
  return { ok, errors, firstError: firstError ? String(firstError.message ?? firstError) : undefined, elapsedMs, latencies };
}

/**
 * The machine's limit: the sink loaded by a plain request loop with Kairos's concurrency towards
 * one origin, and requests shaped like Kairos's (POST, the same headers, no body).
 */
export async function requestLoop(sinkUrl, connections, durationMs) {
  const pool = new Pool(sinkUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = {
    'user-agent': 'Kairos/0.1.0',
    'webhook-id': 'dlv_01kabcdefghjkmnpqrstvwxyz0',
    'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
    'kairos-attempt': '1',
  };
  try {
    const r = await loop(connections, durationMs, async () => {
      const res = await pool.request({ origin: sinkUrl, path: '/limit', method: 'POST', headers });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`sink answered ${res.statusCode}`);
    });
    return r;
  } finally {
    await pool.close();
  }
}

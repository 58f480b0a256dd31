// The harness's HTTP side: the native API over kept-alive undici connections, and the plain
// request loop that measures what the machine can do without Kairos.
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

export class Api {
  constructor(baseUrl, connections = 64) {
    this.baseUrl = baseUrl;
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    this.key = undefined;
    this.batchAvailable = undefined;
  }

  async request(method, path, body) {
    const res = await this.pool.request({
      method,
      path,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.statusCode, body: parsed };
  }

  async register(name = 'bench') {
    const r = await this.request('POST', '/v1/auth/register-anonymous', { name });
    if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.key = r.body.data.apiKey;
    return this.key;
  }

  async createJob(job) {
    const r = await this.request('POST', '/v1/jobs', job);
    if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body.data;
  }

  /**
   * Whether POST /v1/jobs/batch exists: an empty batch answers 404 from the router when there
   * is no such route, anything else (201, 422) when there is. Creates nothing.
   */
  async probeBatch() {
    if (this.batchAvailable !== undefined) return this.batchAvailable;
    const r = await this.request('POST', '/v1/jobs/batch', { jobs: [] });
    this.batchAvailable = !(r.status === 404 || r.status === 405);
    return this.batchAvailable;
  }

  async createBatch(jobs) {
    const r = await this.request('POST', '/v1/jobs/batch', { jobs });
    if (r.status !== 201) throw new Error(`batch create failed: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body.data;
  }

  /**
   * Creates `count` jobs (`make(i)` describes job i): through the batch endpoint in calls of
   * `batchSize` when it exists, else as single POSTs from `concurrency` concurrent workers.
   * Returns the ids in index order (unless keepIds is false), the path taken and the time.
   */
  async createMany(count, make, { concurrency = 64, batchSize = 1000, batchConcurrency = 4, keepIds = true, deadline = Infinity, preferSingle = false } = {}) {
    const useBatch = !preferSingle && (await this.probeBatch());
    const ids = keepIds ? new Array(count) : null;
    const t0 = performance.now();
    let next = 0;
    let done = 0;
    if (useBatch) {
      const worker = async () => {
        while (next < count) {
          if (Date.now() > deadline) throw new Error(`creating ${count} jobs did not finish in time (${done} done)`);
          const from = next;
          const to = Math.min(count, from + batchSize);
          next = to;
          const jobs = [];
          for (let i = from; i < to; i++) jobs.push(make(i));
          const created = await this.createBatch(jobs);
          if (created.length !== jobs.length) throw new Error(`batch created ${created.length} of ${jobs.length}`);
          if (ids) for (let i = from; i < to; i++) ids[i] = created[i - from].id;
          done += jobs.length;
        }
      };
      await Promise.all(Array.from({ length: batchConcurrency }, worker));
    } else {
      const worker = async () => {
        while (next < count) {
          if (Date.now() > deadline) throw new Error(`creating ${count} jobs did not finish in time (${done} done)`);
          const i = next++;
          const job = await this.createJob(make(i));
          if (ids) ids[i] = job.id;
          done++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    }
    const ms = performance.now() - t0;
    return { ids, ms, path: useBatch ? 'batch endpoint' : `single POSTs (${concurrency} connections)`, rate: (count / ms) * 1000 };
  }

  close() {
    return this.pool.close();
  }
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

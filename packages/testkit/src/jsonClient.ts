import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface JsonResponse {
  status: number;
  /** The parsed JSON, or the raw text when the answer is not JSON, or undefined when empty. */
  body: any;
  headers: Headers;
}

export interface ApiOptions {
  /** Bearer credential sent with every request. */
  key?: string;
  /**
   * Send over a pool of this many kept-alive connections (undici) instead of fetch: for many
   * calls at once (the fault tests, the bench). Close the client when done.
   */
  connections?: number;
}

/** The fields of an execution the fault tests look at. */
export interface Execution {
  status: string;
  deliveryId: string;
  attempt: number;
  error: string | null;
}

export interface CreateManyOptions {
  /** Single POSTs at once when there is no batch endpoint (or `preferSingle`). */
  concurrency?: number;
  batchSize?: number;
  batchConcurrency?: number;
  /** Keep the ids (in index order); false saves memory for millions of jobs. */
  keepIds?: boolean;
  /** Epoch ms after which creating more is an error. */
  deadline?: number;
  preferSingle?: boolean;
}

export interface CreateManyResult {
  ids: string[] | null;
  ms: number;
  path: string;
  rate: number;
}

/**
 * A thin JSON client for the native API, as a user's curl would be: what the tests, the fault
 * tests and the bench all talk to a server with.
 */
export class Api {
  key: string | undefined;
  readonly connections: number | undefined;
  private readonly pool: Pool | undefined;
  private batchAvailable: boolean | undefined;

  constructor(
    readonly baseUrl: string,
    keyOrOptions?: string | ApiOptions,
  ) {
    const options = typeof keyOrOptions === 'string' ? { key: keyOrOptions } : (keyOrOptions ?? {});
    this.key = options.key;
    this.connections = options.connections;
    if (options.connections) this.pool = new Pool(baseUrl, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
    const sent = {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
      ...headers,
    };
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    let status: number;
    let text: string;
    let answered: Headers;
    if (this.pool) {
      const res = await this.pool.request({ method: method as 'GET', path, headers: sent, body: payload });
      status = res.statusCode;
      text = await res.body.text();
      answered = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (Array.isArray(value)) for (const v of value) answered.append(name, v);
        else if (value !== undefined) answered.set(name, value);
      }
    } else {
      const res = await fetch(this.baseUrl + path, { method, headers: sent, body: payload });
      status = res.status;
      text = await res.text();
      answered = res.headers;
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the raw text is what the caller sees
    }
    return { status, body: parsed, headers: answered };
  }

  /** Registers an anonymous project and keeps its key for later calls. */
  async register(name = 'test'): Promise<string> {
    const r = await this.request('POST', '/v1/auth/register-anonymous', { name });
    if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.key = r.body.data.apiKey as string;
    return this.key;
  }

  /** Registers a user account and signs in as them (the access token becomes the bearer). */
  async registerUser(email: string, password = 'correct horse battery', name = 'Test User'): Promise<any> {
    const r = await this.request('POST', '/v1/auth/register', { email, password, name });
    if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.key = r.body.data.accessToken as string;
    return r.body.data;
  }

  async createJob(job: Record<string, unknown>): Promise<any> {
    const r = await this.request('POST', '/v1/jobs', job);
    if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body.data;
  }

  async createBatch(jobs: Array<Record<string, unknown>>): Promise<any[]> {
    const r = await this.request('POST', '/v1/jobs/batch', { jobs });
    if (r.status !== 201) throw new Error(`batch create failed: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body.data;
  }

  /**
   * Whether POST /v1/jobs/batch exists: an empty batch answers 404 from the router when there
   * is no such route, anything else (201, 422) when there is. Creates nothing.
   */
  async probeBatch(): Promise<boolean> {
    if (this.batchAvailable !== undefined) return this.batchAvailable;
    const r = await this.request('POST', '/v1/jobs/batch', { jobs: [] });
    this.batchAvailable = !(r.status === 404 || r.status === 405);
    return this.batchAvailable;
  }

  /**
   * Creates `count` jobs (`make(i)` describes job i): through the batch endpoint in calls of
   * `batchSize` when it exists, else as single POSTs from `concurrency` concurrent workers.
   * Returns the ids in index order (unless keepIds is false), the path taken and the time.
   */
  async createMany(count: number, make: (i: number) => Record<string, unknown>, options: CreateManyOptions = {}): Promise<CreateManyResult> {
    const { concurrency = 64, batchSize = 1000, batchConcurrency = 4, keepIds = true, deadline = Infinity, preferSingle = false } = options;
    const useBatch = !preferSingle && (await this.probeBatch());
    const ids: string[] | null = keepIds ? new Array<string>(count) : null;
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

  /** Creates `count` jobs through the batch endpoint, 500 a call, two calls at a time; returns their ids in order. */
  async createJobs(count: number, make: (i: number) => Record<string, unknown>): Promise<string[]> {
    if (!(await this.probeBatch())) throw new Error('this server has no POST /v1/jobs/batch');
    const { ids } = await this.createMany(count, make, { batchSize: 500, batchConcurrency: 2 });
    return ids!;
  }

  /**
   * Creates up to `count` jobs, `perCall` a call through the batch endpoint (one call per
   * connection at a time), but starts no call after `deadline` (epoch ms): for jobs that must all
   * exist before an instant however slow the machine is. Small calls keep the creates spread over
   * the time given, as many single creates would be, at a tenth of the requests.
   */
  async createJobsUntil(count: number, deadline: number, make: (i: number) => Record<string, unknown>, perCall = 10): Promise<string[]> {
    const ids: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count && Date.now() < deadline) {
        const from = next;
        next = Math.min(count, next + perCall);
        const jobs = Array.from({ length: next - from }, (_, k) => make(from + k));
        const r = await this.request('POST', '/v1/jobs/batch', { jobs });
        if (r.status !== 201) throw new Error(`creating jobs ${from}–${next - 1} failed: ${r.status} ${JSON.stringify(r.body)}`);
        for (const job of r.body.data as Array<{ id: string }>) ids.push(job.id);
      }
    };
    await Promise.all(Array.from({ length: this.connections ?? 1 }, worker));
    return ids;
  }

  /** Every execution of each job (at most 100 each). */
  async executions(jobIds: readonly string[]): Promise<Map<string, Execution[]>> {
    const lists = await mapLimit(jobIds.length, this.connections ?? 1, async (i) => {
      const r = await this.request('GET', `/v1/jobs/${jobIds[i]}/executions?perPage=100`);
      if (r.status !== 200) throw new Error(`executions of ${jobIds[i]}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.data as Execution[];
    });
    return new Map(jobIds.map((id, i) => [id, lists[i]!]));
  }

  /** Closes the connection pool, if any. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** `fn(0..count-1)` with at most `limit` running at once; results in index order. */
export async function mapLimit<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

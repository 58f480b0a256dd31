import { Pool } from 'undici';

/**
 * Many API calls at once over a few kept-alive connections: how the fault tests create thousands
 * of jobs and read their executions back.
 */
export class BulkClient {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    public key?: string,
    readonly connections = 32,
  ) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await this.pool.request({
      path,
      method: method as 'GET',
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.statusCode, body: parsed };
  }

  async register(name = 'faults'): Promise<string> {
    const r = await this.request('POST', '/v1/auth/register-anonymous', { name });
    if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.key = r.body.data.apiKey as string;
    return this.key;
  }

  /** Creates `count` jobs through the batch endpoint, 500 a call, two calls at a time; returns their ids in order. */
  async createJobs(count: number, make: (i: number) => Record<string, unknown>): Promise<string[]> {
    const size = 500;
    const batches = await mapLimit(Math.ceil(count / size), 2, async (b) => {
      const jobs = Array.from({ length: Math.min(size, count - b * size) }, (_, k) => make(b * size + k));
      const r = await this.request('POST', '/v1/jobs/batch', { jobs });
      if (r.status !== 201) throw new Error(`creating jobs ${b * size}… failed: ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body.data as Array<{ id: string }>).map((j) => j.id);
    });
    return batches.flat();
  }

  /**
   * Creates up to `count` jobs, `connections` at a time, but starts none after `deadline`
   * (epoch ms): for jobs that must all exist before an instant however slow the machine is.
   */
  async createJobsUntil(count: number, deadline: number, make: (i: number) => Record<string, unknown>): Promise<string[]> {
    const ids: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count && Date.now() < deadline) {
        const i = next++;
        const r = await this.request('POST', '/v1/jobs', make(i));
        if (r.status !== 201) throw new Error(`creating job ${i} failed: ${r.status} ${JSON.stringify(r.body)}`);
        ids.push(r.body.data.id as string);
      }
    };
    await Promise.all(Array.from({ length: this.connections }, worker));
    return ids;
  }

  /** Every execution of each job (at most 100 each, which these tests never reach). */
  async executions(jobIds: readonly string[]): Promise<Map<string, Execution[]>> {
    const lists = await mapLimit(jobIds.length, this.connections, async (i) => {
      const r = await this.request('GET', `/v1/jobs/${jobIds[i]}/executions?perPage=100`);
      if (r.status !== 200) throw new Error(`executions of ${jobIds[i]}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.data as Execution[];
    });
    return new Map(jobIds.map((id, i) => [id, lists[i]!]));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The fields of an execution the fault tests look at. */
export interface Execution {
  status: string;
  deliveryId: string;
  attempt: number;
  error: string | null;
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

import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type { BulkJobs, BulkResult, CreateJob, PendingRun, Execution, Job, ListJobsQuery, PageQuery, ReplaceJob, RunResult, Sparkline, SparklinesQuery, UpdateJob } from '../types.js';
import { Resource, seg } from './resource.js';

/** The longest a job's attempt may take (300 s) and some room: how long `run({ wait: true })` waits by default. */
const runWaitTimeoutMs = 330_000;

/**
 * Jobs: scheduled HTTP requests (or Slack, Discord, Telegram, email messages).
 *
 * @example
 * ```ts
 * const job = await kairos.jobs.create({ url: 'https://example.com/hook', schedule: { type: 'cron', expression: '0 9 * * 1-5' } });
 * ```
 */
export class Jobs extends Resource {
  /**
   * Creates a job. The call carries an idempotency key (generated once per call, or
   * `options.idempotencyKey`), so a retry after a lost answer returns the same job, never a second.
   * @example
   * ```ts
   * const job = await kairos.jobs.create({
   *   name: 'nightly report',
   *   url: 'https://example.com/report',
   *   schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
   * });
   * ```
   */
  async create(job: CreateJob, options?: RequestOptions): Promise<Job> {
    const { data } = await this.transport.json<{ data: Job }>({ method: 'POST', path: '/v1/jobs', body: job, retry: 'safe', idempotent: true, options });
    return data;
  }

  /**
   * Reads a job.
   * @example
   * ```ts
   * const job = await kairos.jobs.get('job_…');
   * console.log(job.status, job.nextRunAt);
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<Job> {
    const { data } = await this.transport.json<{ data: Job }>({ method: 'GET', path: `/v1/jobs/${seg(id)}`, retry: 'safe', options });
    return data;
  }

  /**
   * Lists jobs, newest first, filtered by `status`, `tag`, `spaceId` or a search `q`.
   * @example
   * ```ts
   * for await (const job of kairos.jobs.list({ tag: 'billing' })) console.log(job.name);
   * const { data, meta } = await kairos.jobs.list({ status: 'paused', perPage: 100 });
   * ```
   */
  list(query: ListJobsQuery = {}, options?: RequestOptions): PagePromise<Job> {
    return paginate(
      (page) => this.transport.json({ method: 'GET', path: '/v1/jobs', query: { ...query, page }, retry: 'safe', options }),
      query.page ?? 1,
    );
  }

  /**
   * Changes some fields of a job (`status: 'paused' | 'active'` pauses or resumes it).
   * @example
   * ```ts
   * await kairos.jobs.update('job_…', { schedule: { type: 'interval', every: '10m' }, tags: ['sync'] });
   * ```
   */
  async update(id: string, changes: UpdateJob, options?: RequestOptions): Promise<Job> {
    const { data } = await this.transport.json<{ data: Job }>({ method: 'PATCH', path: `/v1/jobs/${seg(id)}`, body: changes, retry: 'safe', options });
    return data;
  }

  /**
   * Replaces a job's whole definition (fields left out take their defaults).
   * @example
   * ```ts
   * await kairos.jobs.replace('job_…', { url: 'https://example.com/v2', schedule: { type: 'preset', preset: 'morning' } });
   * ```
   */
  async replace(id: string, job: ReplaceJob, options?: RequestOptions): Promise<Job> {
    const { data } = await this.transport.json<{ data: Job }>({ method: 'PUT', path: `/v1/jobs/${seg(id)}`, body: job, retry: 'safe', options });
    return data;
  }

  /**
   * Pauses a job: no run until it is resumed (pausing a paused job is a `ConflictError`).
   * @example
   * ```ts
   * await kairos.jobs.pause('job_…');
   * ```
   */
  async pause(id: string, options?: RequestOptions): Promise<Job> {
    return this.action(id, 'pause', options);
  }

  /**
   * Resumes a paused job from its next occurrence.
   * @example
   * ```ts
   * await kairos.jobs.resume('job_…');
   * ```
   */
  async resume(id: string, options?: RequestOptions): Promise<Job> {
    return this.action(id, 'resume', options);
  }

  /**
   * Cancels a job for good: it keeps its history and never runs again.
   * @example
   * ```ts
   * const job = await kairos.jobs.cancel('job_…'); // job.status === 'cancelled'
   * ```
   */
  async cancel(id: string, options?: RequestOptions): Promise<Job> {
    return this.action(id, 'cancel', options);
  }

  private async action(id: string, action: 'pause' | 'resume' | 'cancel', options?: RequestOptions): Promise<Job> {
    const { data } = await this.transport.json<{ data: Job }>({ method: 'POST', path: `/v1/jobs/${seg(id)}/${action}`, retry: 'safe', options });
    return data;
  }

  /**
   * Runs a job now, outside its schedule. Without `wait` it answers at once with the pending run;
   * with `wait: true` it answers with the attempt once it is recorded (an {@link Execution}).
   * @example
   * ```ts
   * const result = await kairos.jobs.run('job_…', { wait: true });
   * if ('statusCode' in result) console.log(result.status, result.statusCode);
   * ```
   */
  async run(id: string, params: { wait?: boolean } = {}, options?: RequestOptions): Promise<RunResult | PendingRun> {
    const timeoutMs = options?.timeoutMs ?? (params.wait ? runWaitTimeoutMs : undefined);
    const { data } = await this.transport.json<{ data: RunResult }>({
      method: 'POST',
      path: `/v1/jobs/${seg(id)}/run`,
      query: { wait: params.wait },
      retry: 'rate-limit',
      options: { ...options, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    });
    return data;
  }

  /**
   * Deletes a job and its history.
   * @example
   * ```ts
   * await kairos.jobs.delete('job_…');
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `/v1/jobs/${seg(id)}`, retry: 'safe', options });
  }

  /**
   * One action on up to 100 jobs (pause, resume, delete, move_to_space, add_tags, remove_tags);
   * each job succeeds or fails on its own.
   * @example
   * ```ts
   * const { succeeded, errors } = await kairos.jobs.bulk({ jobIds: ['job_a', 'job_b'], action: 'add_tags', tags: ['q4'] });
   * ```
   */
  async bulk(request: BulkJobs, options?: RequestOptions): Promise<BulkResult> {
    const { data } = await this.transport.json<{ data: BulkResult }>({ method: 'POST', path: '/v1/jobs/bulk', body: request, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Creates up to 1 000 jobs in one call, all or none.
   * @example
   * ```ts
   * const jobs = await kairos.jobs.batch([
   *   { url: 'https://example.com/a', schedule: { type: 'once', delay: '1h' } },
   *   { url: 'https://example.com/b', schedule: { type: 'once', delay: '2h' } },
   * ]);
   * ```
   */
  async batch(jobs: CreateJob[], options?: RequestOptions): Promise<Job[]> {
    const { data } = await this.transport.json<{ data: Job[] }>({ method: 'POST', path: '/v1/jobs/batch', body: { jobs }, retry: 'rate-limit', options });
    return data;
  }

  /**
   * A job's delivery attempts, newest first.
   * @example
   * ```ts
   * const { data: [latest] } = await kairos.jobs.executions('job_…', { perPage: 1 });
   * ```
   */
  executions(id: string, query: PageQuery = {}, options?: RequestOptions): PagePromise<Execution> {
    return paginate(
      (page) => this.transport.json({ method: 'GET', path: `/v1/jobs/${seg(id)}/executions`, query: { ...query, page }, retry: 'safe', options }),
      query.page ?? 1,
    );
  }

  /**
   * The last 24 hours of attempts of each job on a page of the job list, as points for small status charts.
   * @example
   * ```ts
   * for await (const { jobId, points } of kairos.jobs.sparklines()) console.log(jobId, points.join(''));
   * ```
   */
  sparklines(query: SparklinesQuery = {}, options?: RequestOptions): PagePromise<Sparkline> {
    return paginate(
      (page) => this.transport.json({ method: 'GET', path: '/v1/jobs/sparklines', query: { ...query, page }, retry: 'safe', options }),
      query.page ?? 1,
    );
  }
}

import { AppError, type FieldIssue } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { compileJobDefinition, type JobDefinition, type JobInput } from '../domain/jobDefinition.js';
import { firstRunAt } from '../domain/schedule.js';
import type { Store } from '../store/connect.js';
import type { JobRow, RunRow } from '../store/schema.js';
import { listJobExecutions } from '../store/sql/executions.js';
import { deleteJob, getJob, insertJobs, insertRuns, listJobs } from '../store/sql/jobs.js';
import { executionView, type JobView, jobView } from './views.js';

/** What the job use cases need from the engine: to hear about runs due soon and jobs gone. */
export interface EngineHooks {
  wake(): void;
  forgetJob(jobId: string): void;
}

export interface JobsServiceDeps {
  store: Store;
  engine: EngineHooks;
  checkUrl: (url: string) => string | null;
  /** Runs due within this window are claimed at once rather than at the next look-ahead. */
  horizonMs: number;
}

export interface Page {
  page: number;
  perPage: number;
}

function newJob(projectId: string, def: JobDefinition, now: number): { job: JobRow; run: RunRow | null } {
  const dueAt = firstRunAt(def.schedule, now);
  const job: JobRow = {
    id: newId('job', now),
    project_id: projectId,
    name: def.name,
    status: dueAt === null ? 'completed' : 'active',
    url: def.url,
    method: def.method,
    headers: JSON.stringify(def.headers),
    query: JSON.stringify(def.query),
    body: def.body,
    payload: def.payload,
    schedule: JSON.stringify(def.schedule),
    retry_policy: JSON.stringify(def.retryPolicy),
    timeout_ms: def.timeoutMs,
    last_run_at: null,
    last_status: null,
    last_status_code: null,
    last_duration_ms: null,
    created_at: now,
    updated_at: now,
  };
  if (dueAt === null) return { job, run: null };
  const run: RunRow = {
    id: newId('run', now),
    job_id: job.id,
    project_id: projectId,
    due_at: dueAt,
    attempt: 1,
    delivery_id: newId('dlv', now),
    triggered_by: 'schedule',
    lease_owner: null,
    lease_until: null,
    created_at: now,
  };
  return { job, run };
}

export function createJobsService({ store, engine, checkUrl, horizonMs }: JobsServiceDeps) {
  /**
   * Several jobs in one transaction, all or nothing: each is validated as a single create, and
   * the fields of an invalid one are named under `<prefix>[index]`.
   */
  async function createMany(projectId: string, inputs: readonly JobInput[], prefix = 'jobs'): Promise<JobView[]> {
    const now = Date.now();
    const jobs: JobRow[] = [];
    const runs: RunRow[] = [];
    const views: JobView[] = [];
    const issues: FieldIssue[] = [];
    let soon = false;
    inputs.forEach((input, i) => {
      const compiled = compileJobDefinition(input, now, checkUrl);
      if (!compiled.ok) {
        const at = prefix ? `${prefix}[${i}].` : '';
        for (const issue of compiled.issues) issues.push({ field: at + issue.field, issue: issue.issue });
        return;
      }
      const { job, run } = newJob(projectId, compiled.value, now);
      jobs.push(job);
      if (run) runs.push(run);
      soon ||= run !== null && run.due_at <= now + horizonMs;
      views.push(jobView({ ...job, next_run_at: run?.due_at ?? null }));
    });
    if (issues.length > 0) throw AppError.validation(issues);
    await store.db.transaction().execute(async (trx) => {
      await insertJobs(trx, jobs);
      await insertRuns(trx, runs);
      // One wake-up per transaction, however many jobs it made due soon.
      if (soon) await store.signals.announce(trx, 'wake');
    });
    if (soon) engine.wake();
    return views;
  }

  return {
    createMany,

    /** One job; 422 names every invalid field. */
    async create(projectId: string, input: JobInput) {
      const [job] = await createMany(projectId, [input], '');
      return job!;
    },

    async get(projectId: string, id: string) {
      const row = await getJob(store.db, projectId, id);
      if (!row) throw AppError.notFound(`Job ${id}`);
      return jobView(row);
    },

    async list(projectId: string, { page, perPage }: Page) {
      const { rows, total } = await listJobs(store.db, projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(jobView), total };
    },

    async remove(projectId: string, id: string): Promise<void> {
      const deleted = await store.db.transaction().execute(async (trx) => {
        const gone = await deleteJob(trx, projectId, id);
        if (gone) await store.signals.announce(trx, `forget:${id}`);
        return gone;
      });
      if (!deleted) throw AppError.notFound(`Job ${id}`);
      engine.forgetJob(id);
    },

    async executions(projectId: string, jobId: string, { page, perPage }: Page) {
      if (!(await getJob(store.db, projectId, jobId))) throw AppError.notFound(`Job ${jobId}`);
      const { rows, total } = await listJobExecutions(store.db, projectId, jobId, (page - 1) * perPage, perPage);
      return { items: rows.map(executionView), total };
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;

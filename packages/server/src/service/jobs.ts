import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { compileJobDefinition, type JobInput } from '../domain/jobDefinition.js';
import { firstRunAt } from '../domain/schedule.js';
import type { Store } from '../store/connect.js';
import type { JobRow } from '../store/schema.js';
import { listJobExecutions } from '../store/sql/executions.js';
import { deleteJob, getJob, insertJob, insertRun, listJobs } from '../store/sql/jobs.js';
import { executionView, jobView } from './views.js';

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

export function createJobsService({ store, engine, checkUrl, horizonMs }: JobsServiceDeps) {
  return {
    async create(projectId: string, input: JobInput) {
      const now = Date.now();
      const compiled = compileJobDefinition(input, now, checkUrl);
      if (!compiled.ok) throw AppError.validation(compiled.issues);
      const def = compiled.value;
      const dueAt = firstRunAt(def.schedule, now);
      const row: JobRow = {
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
      const soon = dueAt !== null && dueAt <= now + horizonMs;
      await store.db.transaction().execute(async (trx) => {
        await insertJob(trx, row);
        if (dueAt !== null) {
          await insertRun(trx, {
            id: newId('run', now),
            job_id: row.id,
            project_id: projectId,
            due_at: dueAt,
            attempt: 1,
            delivery_id: newId('dlv', now),
            triggered_by: 'schedule',
            lease_owner: null,
            lease_until: null,
            created_at: now,
          });
        }
        if (soon) await store.signals.announce(trx, 'wake');
      });
      if (soon) engine.wake();
      return jobView({ ...row, next_run_at: dueAt });
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

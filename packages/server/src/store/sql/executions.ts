import type { ExecutionRow, ExecutionStatus, TriggeredBy } from '../schema.js';
import type { Executor } from './executor.js';
import { readPage } from './page.js';

export interface ExecutionFilter {
  jobId?: string;
  status?: ExecutionStatus;
  triggeredBy?: TriggeredBy;
  /** Started at or after, epoch ms. */
  from?: number;
  /** Started before, epoch ms. */
  to?: number;
}

export interface ExecutionPage {
  rows: ExecutionRow[];
  total: number;
}

/** Attempts across a project's jobs, newest first (ids sort by the time they were recorded). */
export async function listExecutions(db: Executor, projectId: string, filter: ExecutionFilter, offset: number, limit: number): Promise<ExecutionPage> {
  let base = db.selectFrom('executions').where('project_id', '=', projectId);
  if (filter.jobId) base = base.where('job_id', '=', filter.jobId);
  if (filter.status) base = base.where('status', '=', filter.status);
  if (filter.triggeredBy) base = base.where('triggered_by', '=', filter.triggeredBy);
  if (filter.from !== undefined) base = base.where('started_at', '>=', filter.from);
  if (filter.to !== undefined) base = base.where('started_at', '<', filter.to);
  return readPage(
    () => base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    () => base.selectAll().orderBy('id', 'desc').offset(offset).limit(limit).execute(),
  );
}

/**
 * The last attempt of each of a job's runs, newest first: one row per occurrence however often it
 * was retried (what JustRun calls an execution, under the run's id). Reads the job's attempts once
 * through `executions_job`, as the count of a plain listing does.
 */
export async function listLastAttempts(db: Executor, projectId: string, jobId: string, offset: number, limit: number): Promise<ExecutionPage> {
  const ofJob = () => db.selectFrom('executions').where('project_id', '=', projectId).where('job_id', '=', jobId);
  const ranked = ofJob()
    .selectAll()
    .select((eb) => eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('run_id').orderBy('id', 'desc')).as('rn'))
    .as('ranked');
  return readPage(
    () => ofJob().select((eb) => eb.fn.count<number>('run_id').distinct().as('n')).executeTakeFirstOrThrow(),
    async () => (await db.selectFrom(ranked).selectAll().where('rn', '=', 1).orderBy('id', 'desc').offset(offset).limit(limit).execute()) as ExecutionRow[],
  );
}

export async function getExecution(db: Executor, projectId: string, id: string): Promise<ExecutionRow | undefined> {
  return db.selectFrom('executions').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
}

import type { ExecutionRow } from '../schema.js';
import type { Executor } from './executor.js';

export interface ExecutionPage {
  rows: ExecutionRow[];
  total: number;
}

/** A job's attempts, newest first (ids sort by the time they were recorded). */
export async function listJobExecutions(db: Executor, projectId: string, jobId: string, offset: number, limit: number): Promise<ExecutionPage> {
  const base = db.selectFrom('executions').where('job_id', '=', jobId).where('project_id', '=', projectId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').offset(offset).limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

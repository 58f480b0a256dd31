import type { ExecutionRow, JobWithNextRun } from '../schema.js';
import type { Executor } from './executor.js';
import { selectJobs } from './jobs.js';

// An export reads a project page by page in id order from where the last page ended, so a long
// stream neither holds the project in memory nor skips or repeats rows that others add meanwhile.

/** The project's jobs after `afterId` (all from the start when null), in id order. */
export async function jobsAfter(db: Executor, projectId: string, afterId: string | null, limit: number): Promise<JobWithNextRun[]> {
  let q = selectJobs(db).where('jobs.project_id', '=', projectId);
  if (afterId !== null) q = q.where('jobs.id', '>', afterId);
  return q.orderBy('jobs.id').limit(limit).execute();
}

/** The project's executions after `afterId`, in id order (the order they were recorded). */
export async function executionsAfter(db: Executor, projectId: string, afterId: string | null, limit: number): Promise<ExecutionRow[]> {
  let q = db.selectFrom('executions').selectAll().where('project_id', '=', projectId);
  if (afterId !== null) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

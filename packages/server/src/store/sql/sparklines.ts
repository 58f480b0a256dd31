import type { ExecutionStatus } from '../schema.js';
import type { Executor } from './executor.js';
import type { Dialect } from '../dialect.js';

export interface Outcome {
  job_id: string;
  status: ExecutionStatus;
}

/**
 * The latest `perJob` attempts of each of these jobs recorded since `sinceId` (an execution id made
 * from an instant), oldest first, in one statement: a job that runs every second cannot crowd the
 * others out, and the rows read stay within `ids.length * perJob`.
 */
export async function recentOutcomes(db: Executor, dialect: Dialect, projectId: string, jobIds: readonly string[], sinceId: string, perJob: number): Promise<Outcome[]> {
  if (jobIds.length === 0) return [];
  const ranked = db
    .selectFrom('executions')
    .select(['job_id', 'status', 'id', (eb) => eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('job_id').orderBy('id', 'desc')).as('rn')])
    .where('project_id', '=', projectId)
    .where('job_id', 'in', dialect.anyOf(jobIds))
    .where('id', '>=', sinceId)
    .as('ranked');
  const rows = await db.selectFrom(ranked).select(['job_id', 'status']).where('rn', '<=', perJob).orderBy('id').execute();
  return rows as Outcome[];
}

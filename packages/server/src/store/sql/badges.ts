import type { ExecutionStatus, JobRow } from '../schema.js';
import type { Executor } from './executor.js';

export interface BadgeFacts {
  status: JobRow['status'];
  last_status: string | null;
  badges_enabled: number;
}

/** What a job's public badges show, read by the job's id alone, with its project's badge switch. */
export async function getBadgeFacts(db: Executor, jobId: string): Promise<BadgeFacts | undefined> {
  return db
    .selectFrom('jobs')
    .innerJoin('projects', 'projects.id', 'jobs.project_id')
    .select(['jobs.status as status', 'jobs.last_status as last_status', 'projects.badges_enabled as badges_enabled'])
    .where('jobs.id', '=', jobId)
    .executeTakeFirst() as Promise<BadgeFacts | undefined>;
}

/**
 * How many of a job's attempts ended in each status since `sinceId` (an execution id made from
 * an instant: ids sort by the time they were recorded, so the (job_id, id) index bounds the scan).
 */
export async function countExecutionsByStatus(db: Executor, jobId: string, sinceId: string): Promise<Map<ExecutionStatus, number>> {
  const rows = await db
    .selectFrom('executions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('job_id', '=', jobId)
    .where('id', '>=', sinceId)
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

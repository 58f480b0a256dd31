import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Executor } from './executor.js';

export interface UpcomingJob {
  id: string;
  name: string | null;
  schedule: string;
  /** The job's earliest pending run (a scheduled occurrence or a retry). */
  next_at: number;
}

/** The project's active jobs (or the one named) with a run due before `before`, soonest first, at most `limit`. */
export async function upcomingJobs(db: Executor, projectId: string, before: number, limit: number, jobId?: string): Promise<UpcomingJob[]> {
  let q = (db as Kysely<Database>)
    .selectFrom('jobs')
    .innerJoin('runs', 'runs.job_id', 'jobs.id')
    .select(['jobs.id', 'jobs.name', 'jobs.schedule'])
    .select((eb) => eb.fn.min<number>('runs.due_at').as('next_at'))
    .where('jobs.project_id', '=', projectId)
    .where('jobs.status', '=', 'active');
  if (jobId !== undefined) q = q.where('jobs.id', '=', jobId);
  return q
    .groupBy(['jobs.id', 'jobs.name', 'jobs.schedule'])
    .having((eb) => eb.fn.min('runs.due_at'), '<', before)
    .orderBy('next_at')
    .orderBy('jobs.id')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, next_at: Number(r.next_at) })));
}

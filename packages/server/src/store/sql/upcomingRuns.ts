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

/** The project's active jobs (or the one named) with a pending run, each with its earliest one. */
function activeJobsWithNextRun(db: Executor, projectId: string, jobId: string | undefined) {
  let q = (db as Kysely<Database>)
    .selectFrom('jobs')
    .innerJoin('runs', 'runs.job_id', 'jobs.id')
    .select(['jobs.id', 'jobs.name', 'jobs.schedule'])
    .select((eb) => eb.fn.min<number>('runs.due_at').as('next_at'))
    .where('jobs.project_id', '=', projectId)
    .where('jobs.status', '=', 'active');
  if (jobId !== undefined) q = q.where('jobs.id', '=', jobId);
  return q;
}

const numeric = (rows: UpcomingJob[]) => rows.map((r) => ({ ...r, next_at: Number(r.next_at) }));

/**
 * One page of the jobs whose next run falls in [from, to), soonest first (ties by id), after the
 * job `after` of the previous page.
 */
export async function jobsDueInWindow(
  db: Executor,
  projectId: string,
  window: { from: number; to: number },
  page: { after?: { nextAt: number; id: string }; limit: number },
  jobId?: string,
): Promise<UpcomingJob[]> {
  const { after } = page;
  return activeJobsWithNextRun(db, projectId, jobId)
    .groupBy(['jobs.id', 'jobs.name', 'jobs.schedule'])
    .having((eb) => {
      const nextAt = eb.fn.min<number>('runs.due_at');
      const inWindow = [eb(nextAt, '>=', window.from), eb(nextAt, '<', window.to)];
      if (after === undefined) return eb.and(inWindow);
      return eb.and([...inWindow, eb.or([eb(nextAt, '>', after.nextAt), eb.and([eb(nextAt, '=', after.nextAt), eb('jobs.id', '>', after.id)])])]);
    })
    .orderBy('next_at')
    .orderBy('jobs.id')
    .limit(page.limit)
    .execute()
    .then(numeric);
}

/** One page of the jobs whose next run is before `from`, by id, after the job `afterId`. */
export async function jobsDueBefore(db: Executor, projectId: string, from: number, page: { afterId?: string; limit: number }, jobId?: string): Promise<UpcomingJob[]> {
  let q = activeJobsWithNextRun(db, projectId, jobId);
  if (page.afterId !== undefined) q = q.where('jobs.id', '>', page.afterId);
  return q
    .groupBy(['jobs.id', 'jobs.name', 'jobs.schedule'])
    .having((eb) => eb.fn.min('runs.due_at'), '<', from)
    .orderBy('jobs.id')
    .limit(page.limit)
    .execute()
    .then(numeric);
}

import type { Kysely } from 'kysely';
import type { Database, JobRow, JobWithNextRun, RunRow } from '../schema.js';
import { anyOf } from './anyOf.js';
import { chunks, type Executor } from './executor.js';

export async function insertJobs(db: Executor, jobs: readonly JobRow[]): Promise<void> {
  for (const part of chunks(jobs, 500)) await db.insertInto('jobs').values(part).execute();
}

/** Jobs with their next due instant: the earliest run still owed, whether scheduled or a retry. */
function selectJobs(db: Executor) {
  return (db as Kysely<Database>)
    .selectFrom('jobs')
    .selectAll('jobs')
    .select((eb) => eb.selectFrom('runs').select((r) => r.fn.min<number | null>('runs.due_at').as('d')).whereRef('runs.job_id', '=', 'jobs.id').as('next_run_at'));
}

export async function getJob(db: Executor, projectId: string, id: string): Promise<JobWithNextRun | undefined> {
  return selectJobs(db).where('jobs.id', '=', id).where('jobs.project_id', '=', projectId).executeTakeFirst();
}

export interface JobPage {
  rows: JobWithNextRun[];
  total: number;
}

/** Newest first. */
export async function listJobs(db: Executor, projectId: string, offset: number, limit: number): Promise<JobPage> {
  const [rows, count] = await Promise.all([
    selectJobs(db).where('jobs.project_id', '=', projectId).orderBy('jobs.created_at', 'desc').orderBy('jobs.id', 'desc').offset(offset).limit(limit).execute(),
    db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Removes the job, its pending runs and its history; false when there was no such job. */
export async function deleteJob(db: Executor, projectId: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom('jobs').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) return false;
  await db.deleteFrom('runs').where('job_id', '=', id).execute();
  await db.deleteFrom('executions').where('job_id', '=', id).execute();
  return true;
}

export async function getJobsByIds(db: Executor, ids: readonly string[]): Promise<JobRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('jobs').selectAll().where('id', 'in', anyOf(db, ids)).execute();
}

export async function insertRuns(db: Executor, runs: readonly RunRow[]): Promise<void> {
  for (const part of chunks(runs, 500)) await db.insertInto('runs').values(part).execute();
}

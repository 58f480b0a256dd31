import type { Dialect } from '../dialect.js';
import type { RunRow } from '../schema.js';
import type { Executor } from './executor.js';

export function insertRuns(db: Executor, dialect: Dialect, runs: readonly RunRow[]): Promise<void> {
  return dialect.insertRows(db, 'runs', runs);
}

export async function deleteRuns(db: Executor, dialect: Dialect, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('runs').where('id', 'in', dialect.anyOf(ids)).execute();
}

/** The job's pending scheduled run and its retries (not manual runs or replays), earliest first. */
export async function scheduledRunsOf(db: Executor, jobId: string): Promise<RunRow[]> {
  return db.selectFrom('runs').selectAll().where('job_id', '=', jobId).where('triggered_by', '=', 'schedule').orderBy('due_at').execute();
}

/** Removes the job's runs (only its scheduled ones when asked), returning their ids. */
export async function deleteRunsOfJob(db: Executor, jobId: string, only?: 'schedule'): Promise<string[]> {
  let q = db.deleteFrom('runs').where('job_id', '=', jobId);
  if (only) q = q.where('triggered_by', '=', only);
  return (await q.returning('id').execute()).map((r) => r.id);
}

import type { ExecutionRow } from '../schema.js';
import type { Executor } from './executor.js';
import type { Dialect } from '../dialect.js';

/** The id of the project's latest attempt, or undefined when it has none. */
export async function latestExecutionId(db: Executor, projectId: string): Promise<string | undefined> {
  const row = await db.selectFrom('executions').select('id').where('project_id', '=', projectId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id;
}

/** Ids only (an index scan): which attempts after `afterId` exist, oldest first. */
export async function executionIdsAfter(db: Executor, projectId: string, afterId: string, jobId: string | undefined, limit: number): Promise<string[]> {
  let q = db.selectFrom('executions').select('id').where('project_id', '=', projectId).where('id', '>', afterId);
  if (jobId !== undefined) q = q.where('job_id', '=', jobId);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

export async function executionsByIds(db: Executor, dialect: Dialect, projectId: string, ids: readonly string[]): Promise<ExecutionRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('executions').selectAll().where('project_id', '=', projectId).where('id', 'in', dialect.anyOf(ids)).orderBy('id').execute();
}

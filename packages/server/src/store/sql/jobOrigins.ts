import type { JobOriginRow } from '../schema.js';
import { anyOf } from './anyOf.js';
import type { Executor } from './executor.js';

/** The origins recorded for these original ids of one source. */
export async function getJobOrigins(db: Executor, projectId: string, source: string, originalIds: readonly string[]): Promise<JobOriginRow[]> {
  if (originalIds.length === 0) return [];
  return db.selectFrom('job_origins').selectAll().where('project_id', '=', projectId).where('source', '=', source).where('original_id', 'in', anyOf(db, originalIds)).execute();
}

/** Records (or moves) where a job came from. */
export async function saveJobOrigin(db: Executor, row: JobOriginRow): Promise<void> {
  await db
    .insertInto('job_origins')
    .values(row)
    .onConflict((oc) => oc.columns(['project_id', 'source', 'original_id']).doUpdateSet({ job_id: row.job_id, fingerprint: row.fingerprint, updated_at: row.updated_at }))
    .execute();
}

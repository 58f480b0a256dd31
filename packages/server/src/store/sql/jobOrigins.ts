import type { JobOriginRow } from '../schema.js';
import { chunks, type Executor } from './executor.js';
import type { Dialect } from '../dialect.js';

/** The origins recorded for these original ids of one source. */
export async function getJobOrigins(db: Executor, dialect: Dialect, projectId: string, source: string, originalIds: readonly string[]): Promise<JobOriginRow[]> {
  if (originalIds.length === 0) return [];
  return db.selectFrom('job_origins').selectAll().where('project_id', '=', projectId).where('source', '=', source).where('original_id', 'in', dialect.anyOf(originalIds)).execute();
}

/** Records (or moves) where jobs came from, several rows a statement. */
export async function saveJobOrigins(db: Executor, rows: readonly JobOriginRow[]): Promise<void> {
  for (const part of chunks(rows, 500)) {
    await db
      .insertInto('job_origins')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['project_id', 'source', 'original_id']).doUpdateSet((eb) => ({ job_id: eb.ref('excluded.job_id'), fingerprint: eb.ref('excluded.fingerprint'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }
}

import { sql } from 'kysely';
import { schedulingStatus } from '../../domain/jobState.js';
import type { Dialect } from '../dialect.js';
import type { RunRow } from '../schema.js';
import { chunks, type Executor } from './executor.js';

/** A recurring job's next occurrence, and the job revision it was computed from. */
export interface NextRun {
  run: RunRow;
  revision: number;
}

/**
 * Stores the next scheduled runs of recurring jobs whose definition has not changed since (same
 * revision, still active) and returns the ids inserted. An occurrence that already exists (its
 * predecessor fired twice after a lost lease) is left as it is. On PostgreSQL the job rows are
 * share-locked, so a change to a job waits for this write and then sees (and replaces) the run.
 */
export async function materializeRuns(db: Executor, dialect: Dialect, next: readonly NextRun[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunks(next, 400)) {
    const values = sql.join(
      part.map(
        ({ run: r, revision }) =>
          sql`(${r.id}, ${r.job_id}, ${r.project_id}, CAST(${r.due_at} AS bigint), CAST(${r.attempt} AS integer), ${r.delivery_id}, ${r.triggered_by}, ${r.lease_owner}, CAST(${r.lease_until} AS bigint), CAST(${r.created_at} AS bigint), CAST(${revision} AS integer))`,
      ),
    );
    // SQLite needs the WHERE before ON CONFLICT to parse an INSERT … SELECT with a join.
    const rows = await sql<{ id: string }>`
      INSERT INTO runs (id, job_id, project_id, due_at, attempt, delivery_id, triggered_by, lease_owner, lease_until, created_at)
      SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9, v.column10
      FROM (VALUES ${values}) AS v
      JOIN jobs ON jobs.id = v.column2
      WHERE jobs.status = ${sql.lit(schedulingStatus)} AND jobs.revision = v.column11
      ${dialect.jobShareLock}
      ON CONFLICT DO NOTHING
      RETURNING id`.execute(db);
    for (const r of rows.rows) inserted.add(r.id);
  }
  return inserted;
}

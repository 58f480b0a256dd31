import { sql } from 'kysely';
import type { ExecutionRow, JobStatus } from '../schema.js';
import type { Store } from '../connect.js';
import { chunks, type Executor } from './executor.js';
import { anyOf } from './anyOf.js';
import { deleteRuns } from './runs.js';

/** What one finished attempt changes: its history row, its run, and its job's summary. */
export interface Outcome {
  execution: ExecutionRow;
  run:
    | { kind: 'done'; id: string }
    | { kind: 'retry'; id: string; dueAt: number; attempt: number; leaseOwner: string | null; leaseUntil: number | null };
  job: {
    id: string;
    /** Set when the attempt ends a one-time job (completed or failed). */
    status: JobStatus | null;
    /** JSON text of the job's new state (from a `Kairos-State` response header), when it set one. */
    state?: string;
    /** JSON text of this attempt's result, for jobs whose payload names `$previous`. */
    previousResult?: string;
  };
}

/**
 * Writes many outcomes in one go: the engine calls this inside one transaction per batch, so a
 * thousand deliveries cost a handful of statements. Outcomes of jobs deleted meanwhile are
 * dropped (their history went with them). Idempotent: when a batch is written again because the
 * answer to its COMMIT was lost, executions already stored are skipped with everything they
 * changed. Returns the outcomes that were written now.
 */
export async function recordOutcomes(db: Executor, store: Pick<Store, 'kind'>, outcomes: readonly Outcome[]): Promise<Outcome[]> {
  if (outcomes.length === 0) return [];
  const jobIds = [...new Set(outcomes.map((o) => o.job.id))];
  // Jobs are locked first and in id order, as every change to a job locks it before its runs:
  // taking runs first here would let a delete or a pause and this write wait on each other.
  let jobs = db.selectFrom('jobs').select('id').where('id', 'in', anyOf(db, jobIds));
  if (store.kind === 'postgres') jobs = jobs.orderBy('id').forNoKeyUpdate();
  const live = new Set((await jobs.execute()).map((r) => r.id));
  const inserted = new Set<string>();
  for (const part of chunks(
    outcomes.filter((o) => live.has(o.job.id)),
    400,
  )) {
    const rows = await db
      .insertInto('executions')
      .values(part.map((o) => o.execution))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const r of rows) inserted.add(r.id);
  }
  const kept = outcomes.filter((o) => inserted.has(o.execution.id));
  if (kept.length === 0) return kept;

  const done = kept.filter((o) => o.run.kind === 'done').map((o) => o.run.id);
  await deleteRuns(db, done);

  const retries = kept.flatMap((o) => (o.run.kind === 'retry' ? [o.run] : []));
  for (const part of chunks(retries, 500)) {
    const values = sql.join(
      part.map((r) => sql`(${r.id}, CAST(${r.dueAt} AS bigint), CAST(${r.attempt} AS integer), ${r.leaseOwner}, CAST(${r.leaseUntil} AS bigint))`),
    );
    await sql`
      UPDATE runs SET due_at = v.column2, attempt = v.column3, lease_owner = v.column4, lease_until = v.column5
      FROM (VALUES ${values}) AS v
      WHERE runs.id = v.column1`.execute(db);
  }

  // The latest attempt of each job is its summary.
  // State and previous result: the latest attempt of each job that set them.
  const latest = new Map<string, Outcome>();
  const carried = new Map<string, { state: string | null; previous: string | null }>();
  for (const o of [...kept].sort((a, b) => a.execution.completed_at - b.execution.completed_at)) {
    latest.set(o.job.id, o);
    if (o.job.state !== undefined || o.job.previousResult !== undefined) {
      const c = carried.get(o.job.id) ?? { state: null, previous: null };
      if (o.job.state !== undefined) c.state = o.job.state;
      if (o.job.previousResult !== undefined) c.previous = o.job.previousResult;
      carried.set(o.job.id, c);
    }
  }
  for (const part of chunks([...latest.values()], 400)) {
    const values = sql.join(
      part.map((o) => {
        const e = o.execution;
        const c = carried.get(o.job.id);
        return sql`(${o.job.id}, CAST(${e.started_at} AS bigint), ${e.status}, CAST(${e.status_code} AS integer), CAST(${e.duration_ms} AS integer), CAST(${e.completed_at} AS bigint), ${o.job.status}, ${c?.state ?? null}, ${c?.previous ?? null})`;
      }),
    );
    await sql`
      UPDATE jobs SET
        last_run_at = v.column2,
        last_status = v.column3,
        last_status_code = v.column4,
        last_duration_ms = v.column5,
        updated_at = v.column6,
        status = CASE WHEN jobs.status = 'active' AND v.column7 IS NOT NULL THEN v.column7 ELSE jobs.status END,
        state = COALESCE(v.column8, jobs.state),
        previous_result = COALESCE(v.column9, jobs.previous_result)
      FROM (VALUES ${values}) AS v
      WHERE jobs.id = v.column1`.execute(db);
  }
  return kept;
}

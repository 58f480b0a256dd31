import { sql } from 'kysely';
import { runEndingMovesFrom } from '../../domain/jobState.js';
import type { ExecutionRow, JobStatus } from '../schema.js';
import type { Store } from '../connect.js';
import { chunks, type Executor } from './executor.js';
import { anyOf } from './anyOf.js';
import { deleteRuns } from './runs.js';
import { hotFor } from '../sqliteHot.js';

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
  /**
   * The response body of a job that does not store it, for the messages the outcome sets off
   * (which read the rest of the answer from the execution row); not stored from here.
   */
  unstoredBody?: string | null;
}

/**
 * An outcome as written, with what it did to its job's health: `failed` when it dead-lettered
 * a run (the job's `consecutiveFailures`th in a row), `recovered` when it succeeded after
 * dead-lettered runs (`consecutiveFailures` is then how many there had been).
 */
export interface Recorded {
  outcome: Outcome;
  transition: 'failed' | 'recovered' | null;
  consecutiveFailures: number;
}

/**
 * Writes many outcomes in one go: the engine calls this inside one transaction per batch, so a
 * thousand deliveries cost a handful of statements. Outcomes of jobs deleted meanwhile are
 * dropped (their history went with them). Idempotent: when a batch is written again because the
 * answer to its COMMIT was lost, executions already stored are skipped with everything they
 * changed. Returns the outcomes that were written now, in order of completion.
 */
export async function recordOutcomes(db: Executor, store: Pick<Store, 'kind'>, outcomes: readonly Outcome[]): Promise<Recorded[]> {
  if (outcomes.length === 0) return [];
  const jobIds = [...new Set(outcomes.map((o) => o.job.id))];
  // SQLite inside a transaction: the same statements, prepared once and run row by row.
  const hot = hotFor(store, db);
  // Jobs are locked first and in id order, as every change to a job locks it before its runs:
  // taking runs first here would let a delete or a pause and this write wait on each other.
  let jobs = db.selectFrom('jobs').select(['id', 'consecutive_failures']).where('id', 'in', anyOf(db, jobIds));
  if (store.kind === 'postgres') jobs = jobs.orderBy('id').forNoKeyUpdate();
  // The job rows are locked: the failure counts read here are the ones this batch moves on.
  const failures = new Map((hot ? hot.failureCounts(jobIds) : await jobs.execute()).map((r) => [r.id, r.consecutive_failures ?? 0]));
  const inserted = new Set<string>();
  if (hot) {
    for (const o of outcomes) if (failures.has(o.job.id) && hot.insertExecution(o.execution)) inserted.add(o.execution.id);
  }
  for (const part of chunks(
    hot ? [] : outcomes.filter((o) => failures.has(o.job.id)),
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
  const kept = outcomes.filter((o) => inserted.has(o.execution.id)).sort((a, b) => a.execution.completed_at - b.execution.completed_at);
  if (kept.length === 0) return [];

  if (hot) {
    for (const { run: r } of kept) {
      if (r.kind === 'done') hot.deleteRun(r.id);
      else hot.retryRun(r.id, r.dueAt, r.attempt, r.leaseOwner, r.leaseUntil);
    }
  }
  const done = hot ? [] : kept.filter((o) => o.run.kind === 'done').map((o) => o.run.id);
  await deleteRuns(db, done);

  const retries = hot ? [] : kept.flatMap((o) => (o.run.kind === 'retry' ? [o.run] : []));
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
  const recorded: Recorded[] = [];
  for (const o of kept) {
    latest.set(o.job.id, o);
    recorded.push(health(o, failures));
    if (o.job.state !== undefined || o.job.previousResult !== undefined) {
      const c = carried.get(o.job.id) ?? { state: null, previous: null };
      if (o.job.state !== undefined) c.state = o.job.state;
      if (o.job.previousResult !== undefined) c.previous = o.job.previousResult;
      carried.set(o.job.id, c);
    }
  }
  if (hot) {
    for (const o of latest.values()) {
      const e = o.execution;
      const c = carried.get(o.job.id);
      hot.updateJobSummary(o.job.id, e.started_at, e.status, e.status_code, e.duration_ms, e.completed_at, o.job.status, c?.state ?? null, c?.previous ?? null, failures.get(o.job.id)!);
    }
    return recorded;
  }
  for (const part of chunks([...latest.values()], 400)) {
    const values = sql.join(
      part.map((o) => {
        const e = o.execution;
        const c = carried.get(o.job.id);
        return sql`(${o.job.id}, CAST(${e.started_at} AS bigint), ${e.status}, CAST(${e.status_code} AS integer), CAST(${e.duration_ms} AS integer), CAST(${e.completed_at} AS bigint), ${o.job.status}, ${c?.state ?? null}, ${c?.previous ?? null}, CAST(${failures.get(o.job.id)!} AS integer))`;
      }),
    );
    await sql`
      UPDATE jobs SET
        last_run_at = v.column2,
        last_status = v.column3,
        last_status_code = v.column4,
        last_duration_ms = v.column5,
        updated_at = v.column6,
        status = CASE WHEN jobs.status = ${sql.lit(runEndingMovesFrom)} AND v.column7 IS NOT NULL THEN v.column7 ELSE jobs.status END,
        state = COALESCE(v.column8, jobs.state),
        previous_result = COALESCE(v.column9, jobs.previous_result),
        consecutive_failures = v.column10
      FROM (VALUES ${values}) AS v
      WHERE jobs.id = v.column1`.execute(db);
  }
  return recorded;
}

/** Moves the job's failure count on by one outcome; only run endings count, not retried attempts. */
function health(o: Outcome, failures: Map<string, number>): Recorded {
  const before = failures.get(o.job.id)!;
  const status = o.execution.status;
  if (status === 'dead_letter') {
    failures.set(o.job.id, before + 1);
    return { outcome: o, transition: 'failed', consecutiveFailures: before + 1 };
  }
  if (status === 'success') {
    failures.set(o.job.id, 0);
    return { outcome: o, transition: before > 0 ? 'recovered' : null, consecutiveFailures: before };
  }
  return { outcome: o, transition: null, consecutiveFailures: before };
}

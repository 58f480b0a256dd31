import type { Transaction } from 'kysely';
import type { CarriedResult, Dialect, OutcomeRows, RunEnd } from '../dialect.js';
import type { Database, ExecutionRow, JobStatus } from '../schema.js';

/** What one finished attempt changes: its history row, its run, and its job's summary. */
export interface Outcome extends OutcomeRows {
  execution: ExecutionRow;
  run: RunEnd;
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
 * thousand deliveries cost a handful of statements (on SQLite, prepared ones run row by row).
 * Outcomes of jobs deleted meanwhile are dropped (their history went with them). Idempotent:
 * when a batch is written again because the answer to its COMMIT was lost, executions already
 * stored are skipped with everything they changed. Returns the outcomes that were written now,
 * in order of completion.
 */
export async function recordOutcomes(trx: Transaction<Database>, dialect: Dialect, outcomes: readonly Outcome[]): Promise<Recorded[]> {
  if (outcomes.length === 0) return [];
  const jobIds = [...new Set(outcomes.map((o) => o.job.id))];
  // The job rows are locked: the failure counts read here are the ones this batch moves on.
  const failures = new Map((await dialect.lockFailureCounts(trx, jobIds)).map((r) => [r.id, r.consecutive_failures ?? 0]));
  const inserted = new Set<string>();
  await dialect.insertExecutions(trx, outcomes, failures, inserted);
  const kept = outcomes.filter((o) => inserted.has(o.execution.id)).sort((a, b) => a.execution.completed_at - b.execution.completed_at);
  if (kept.length === 0) return [];
  await dialect.endRuns(trx, kept);

  // The latest attempt of each job is its summary.
  // State and previous result: the latest attempt of each job that set them.
  const latest = new Map<string, Outcome>();
  const carried = new Map<string, CarriedResult>();
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
  await dialect.writeJobSummaries(trx, latest, carried, failures);
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

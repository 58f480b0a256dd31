import { AppError } from '../domain/errors.js';
import type { Store } from '../store/connect.js';
import { type ExecutionFilter, getExecution, listExecutions } from '../store/sql/executions.js';
import { getJob } from '../store/sql/jobs.js';
import { insertRuns } from '../store/sql/runs.js';
import { listUnfinishedRuns, type RunState } from '../store/sql/unfinishedRuns.js';
import type { RunRow } from '../store/schema.js';
import { decodeExecution, newRunRow, pendingRun } from '../store/rows.js';
import { inTransaction } from '../store/transaction.js';
import type { Execution } from '../domain/records.js';
import type { Page } from './page.js';
import type { EngineHooks } from './runChanges.js';

// The doors name a list's filter by this.
export type { ExecutionFilter, RunState };

/** A listing's filter when runs not yet finished are listed too: `status` may name their state. */
export type ExecutionListFilter = Omit<ExecutionFilter, 'status'> & { status?: ExecutionFilter['status'] | RunState };

/** A run not yet finished, in the fields of an attempt: no outcome yet, started only when running. */
export interface UnfinishedRun {
  id: string;
  jobId: string;
  runId: string;
  deliveryId: string;
  attempt: number;
  triggeredBy: Execution['triggeredBy'];
  replayOf: string | null;
  status: RunState;
  statusCode: null;
  durationMs: null;
  error: null;
  scheduledFor: number;
  startedAt: number | null;
  completedAt: null;
  responseBody: null;
}

function unfinishedRun(row: RunRow, state: RunState): UnfinishedRun {
  return {
    id: row.id,
    jobId: row.job_id,
    runId: row.id,
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    triggeredBy: row.triggered_by,
    replayOf: row.replay_of,
    status: state,
    statusCode: null,
    durationMs: null,
    error: null,
    scheduledFor: row.due_at,
    startedAt: state === 'running' ? row.due_at : null,
    completedAt: null,
    responseBody: null,
  };
}

export function createExecutionsService({ store, engine }: { store: Store; engine: EngineHooks }) {
  /**
   * Attempts, newest first. With `unfinishedRuns`, a dialect whose executions include the ones
   * not yet made (Runhooks' `pending` and `running`) gets those for that status: the runs in that
   * state, earliest due first, judged now.
   */
  function list(projectId: string, filter: ExecutionListFilter, page: Page, options: { unfinishedRuns: true }): Promise<{ items: Array<Execution | UnfinishedRun>; total: number }>;
  function list(projectId: string, filter: ExecutionFilter, page: Page): Promise<{ items: Execution[]; total: number }>;
  async function list(projectId: string, filter: ExecutionListFilter, { page, perPage }: Page, options: { unfinishedRuns?: boolean } = {}) {
    const { status, ...rest } = filter;
    if (status === 'pending' || status === 'running') {
      if (!options.unfinishedRuns) return { items: [], total: 0 };
      const { rows, total } = await listUnfinishedRuns(store.db, projectId, { state: status, now: Date.now(), ...(rest.jobId ? { jobId: rest.jobId } : {}) }, (page - 1) * perPage, perPage);
      return { items: rows.map((r) => unfinishedRun(r, status)), total };
    }
    const { rows, total } = await listExecutions(store.db, projectId, { ...rest, ...(status ? { status } : {}) }, (page - 1) * perPage, perPage);
    return { items: rows.map(decodeExecution), total };
  }

  return {
    list,

    async get(projectId: string, id: string) {
      const row = await getExecution(store.db, projectId, id);
      if (!row) throw AppError.notFound(`Execution ${id}`);
      return decodeExecution(row);
    },

    /**
     * A new run of the execution's job now, with the job's current configuration, recorded with
     * `triggeredBy: "replay"` and `replayOf` naming the original. This node delivers it.
     */
    async replay(projectId: string, id: string) {
      const now = Date.now();
      const { run, job } = await inTransaction(store, async (trx) => {
        const original = await getExecution(trx, projectId, id);
        if (!original) throw AppError.notFound(`Execution ${id}`);
        const job = await getJob(trx, projectId, original.job_id);
        if (!job) throw AppError.notFound(`Job ${original.job_id}`);
        const run = newRunRow(job, now, now, { triggered_by: 'replay', lease_owner: engine.nodeId, lease_until: now + 60_000, replay_of: original.id });
        await insertRuns(trx, store.dialect, [run]);
        return { run, job };
      });
      engine.deliver(run, job);
      return pendingRun(run);
    },
  };
}

export type ExecutionsService = ReturnType<typeof createExecutionsService>;

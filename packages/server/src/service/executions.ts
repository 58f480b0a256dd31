import { AppError } from '../domain/errors.js';
import type { Store } from '../store/connect.js';
import { type ExecutionFilter, getExecution, listExecutions } from '../store/sql/executions.js';
import { getJob } from '../store/sql/jobs.js';
import { insertRuns } from '../store/sql/runs.js';
import { decodeExecution, newRunRow, pendingRun } from '../store/rows.js';
import { inTransaction } from '../store/transaction.js';
import type { Page } from './page.js';
import type { EngineHooks } from './runChanges.js';

// The doors name a list's filter by this.
export type { ExecutionFilter };

export function createExecutionsService({ store, engine }: { store: Store; engine: EngineHooks }) {
  return {
    async list(projectId: string, filter: ExecutionFilter, { page, perPage }: Page) {
      const { rows, total } = await listExecutions(store.db, projectId, filter, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeExecution), total };
    },

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

import { deliversScheduledRuns } from '../domain/jobState.js';
import type { Store } from '../store/connect.js';
import { type ClaimParams, claimRuns } from '../store/sql/claimRuns.js';
import { getJobsByIds } from '../store/sql/jobs.js';
import { deleteRuns } from '../store/sql/runs.js';
import { type HeldRun, type JobPlan, planJobOrFailure, type PlanSettings } from './jobPlan.js';

export interface ClaimedBatch {
  /** The runs leased that have something to deliver, each with its job's plan. */
  claimed: HeldRun[];
  /** Runs leased in all, those of inactive or deleted jobs included (deleted here). */
  total: number;
}

/**
 * One transaction: lease a batch of due runs, read their jobs and plan each job once. A
 * scheduled run of a job that is no longer active has nothing to do and is deleted; manual runs
 * go anyway.
 */
export function claimBatch(store: Store, params: ClaimParams, settings: PlanSettings): Promise<ClaimedBatch> {
  return store.db.transaction().execute(async (trx) => {
    const runs = await claimRuns(trx, store.dialect, params);
    if (runs.length === 0) return { claimed: [], total: 0 };
    const jobs = new Map((await getJobsByIds(trx, store.dialect, [...new Set(runs.map((r) => r.job_id))])).map((j) => [j.id, j]));
    const plans = new Map<string, JobPlan>();
    const claimed: HeldRun[] = [];
    const orphans: string[] = [];
    for (const run of runs) {
      const row = jobs.get(run.job_id);
      if (!row || (!deliversScheduledRuns(row.status) && run.triggered_by === 'schedule')) {
        orphans.push(run.id);
        continue;
      }
      let job = plans.get(row.id);
      if (!job) plans.set(row.id, (job = planJobOrFailure(row, settings)));
      claimed.push({ dueAt: run.due_at, run, job });
    }
    await deleteRuns(trx, store.dialect, orphans);
    return { claimed, total: runs.length };
  });
}

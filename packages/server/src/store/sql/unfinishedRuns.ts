import type { RunRow } from '../schema.js';
import type { Executor } from './executor.js';
import { type Page, readPage } from './page.js';

/**
 * `running`: due and leased by a live node, so being delivered (or queued for a delivery slot).
 * `pending`: every other run not yet finished: waiting for its time (a run in a node's timer heap
 * too), or left by a node whose lease ran out and waiting to be claimed again.
 */
export type RunState = 'pending' | 'running';

export interface UnfinishedRunFilter {
  state: RunState;
  jobId?: string;
  /** The instant the state is judged at, epoch ms. */
  now: number;
}

/** A project's runs in one state, earliest due first. */
export async function listUnfinishedRuns(db: Executor, projectId: string, filter: UnfinishedRunFilter, offset: number, limit: number): Promise<Page<RunRow>> {
  const { now } = filter;
  let base = db.selectFrom('runs').where('project_id', '=', projectId);
  if (filter.jobId) base = base.where('job_id', '=', filter.jobId);
  base =
    filter.state === 'running'
      ? base.where('lease_until', '>=', now).where('due_at', '<=', now)
      : // As the claimer tells a run free to take (claimRuns.ts), plus leased runs not yet due.
        base.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('due_at', '>', now)]));
  return readPage(
    () => base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    () => base.selectAll().orderBy('due_at').orderBy('id').offset(offset).limit(limit).execute(),
  );
}

import { isFailure } from '../domain/badge.js';
import { firstIdAt } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import { type JobFilter, listJobs } from '../store/sql/jobs.js';
import { recentOutcomes } from '../store/sql/sparklines.js';
import type { Page } from './page.js';

export const sparklineWindowMs = 24 * 60 * 60 * 1000;
/** The most points one job's line holds: a job running every minute shows its last 100 results. */
export const maxSparklinePoints = 100;

/** 1 success, 0 failure, -1 neither (not delivered: over quota). */
export const sparklinePoint = (status: string): 1 | 0 | -1 => (status === 'success' ? 1 : isFailure(status) ? 0 : -1);

/**
 * Each job of a page of the project's jobs (newest first, as `/v1/jobs` lists them) with its last
 * 24 hours of attempts, oldest first: three statements (count, jobs, attempts) whatever the page size.
 */
export function createSparklinesService({ store }: { store: Store }) {
  return {
    async list(projectId: string, { page, perPage }: Page, now = Date.now(), filter: JobFilter = {}) {
      const { rows, total } = await listJobs(store.db, projectId, filter, (page - 1) * perPage, perPage);
      const ids = rows.map((r) => r.id);
      const since = firstIdAt('exe', now - sparklineWindowMs);
      const points = new Map<string, number[]>(ids.map((id) => [id, []]));
      for (const o of await recentOutcomes(store.db, store.dialect, projectId, ids, since, maxSparklinePoints)) points.get(o.job_id)?.push(sparklinePoint(o.status));
      return { items: ids.map((jobId) => ({ jobId, points: points.get(jobId)! })), total };
    },
  };
}

export type SparklinesService = ReturnType<typeof createSparklinesService>;

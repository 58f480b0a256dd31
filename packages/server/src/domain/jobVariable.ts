import type { Job } from './job.js';
import { shownJob, type ShownJob } from './shownJob.js';

/** What `$job` leaves out of a shown job: what may carry secrets, and the schedule in words. */
const leftOut: ReadonlySet<keyof ShownJob | 'payload' | 'body'> = new Set(['headers', 'query', 'payload', 'body', 'scheduleDescription']);

/**
 * `$job` in a dynamic payload: the job as a receiver sees it, in the native API's field names,
 * without what may carry secrets (headers, query, body and payload are left out, a destination's
 * webhook URL or bot token is masked). Its shape belongs to the job, not to any door: a job made
 * through any dialect sends the same `$job`. The keys keep the order receivers have been sent.
 */
export function jobVariable(job: Job): Record<string, unknown> {
  const variable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(shownJob(job))) {
    if (leftOut.has(key as keyof ShownJob)) continue;
    // A run is planned before its next one is: `$job` has never carried it.
    variable[key] = key === 'nextRunAt' ? null : value;
  }
  return variable;
}

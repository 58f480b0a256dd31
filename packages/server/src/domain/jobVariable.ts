import { shownJob, type ShownJobSource } from './shownJob.js';

/** What `$job` reads of a job: the fields it shows (a job record has every one of them). */
export type JobVariableSource = ShownJobSource;

/**
 * `$job` in a dynamic payload: the job as a receiver sees it, in the native API's field names,
 * without what may carry secrets (headers, query, body and payload are left out, a destination's
 * webhook URL or bot token is masked). Its shape belongs to the job, not to any door: a job made
 * through any dialect sends the same `$job`. The keys keep the order receivers have been sent.
 */
export function jobVariable(job: JobVariableSource): Record<string, unknown> {
  const shown = shownJob(job);
  return {
    ...shown.identity,
    schedule: shown.schedule,
    ...shown.settings,
    // A run is planned before its next one is: `$job` has never carried it.
    nextRunAt: null,
    ...shown.history,
  };
}

import { maskDestination } from './destinations.js';
import type { Job } from './job.js';

/** What `$job` reads of a job: the fields it shows (a job record has every one of them). */
export type JobVariableSource = Pick<
  Job,
  | 'id'
  | 'name'
  | 'description'
  | 'status'
  | 'tags'
  | 'spaceId'
  | 'url'
  | 'destination'
  | 'method'
  | 'schedule'
  | 'retryPolicy'
  | 'timeoutMs'
  | 'storeResponseBody'
  | 'followRedirects'
  | 'onComplete'
  | 'callbackUrl'
  | 'failureCallbackUrl'
  | 'eventsUrl'
  | 'parentJobId'
  | 'lastRunAt'
  | 'lastStatus'
  | 'lastStatusCode'
  | 'lastDurationMs'
  | 'createdAt'
  | 'updatedAt'
>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * `$job` in a dynamic payload: the job as a receiver sees it, in the native API's field names,
 * without what may carry secrets (headers, query, body and payload are left out, a destination's
 * webhook URL or bot token is masked). Its shape belongs to the job, not to any door: a job made
 * through any dialect sends the same `$job`. The keys keep the order receivers have been sent.
 */
export function jobVariable(job: JobVariableSource): Record<string, unknown> {
  const schedule = job.schedule as { type: string; at?: unknown };
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    status: job.status,
    tags: job.tags,
    spaceId: job.spaceId,
    url: job.destination === null ? job.url : null,
    destination: job.destination === null ? null : maskDestination(job.destination),
    method: job.method,
    // A one-time instant in ISO-8601, like every other time.
    schedule: schedule.type === 'once' && typeof schedule.at === 'number' ? { ...schedule, at: iso(schedule.at) } : schedule,
    retryPolicy: job.retryPolicy,
    timeoutMs: job.timeoutMs,
    storeResponseBody: job.storeResponseBody,
    followRedirects: job.followRedirects,
    onComplete: job.onComplete,
    callbackUrl: job.callbackUrl,
    failureCallbackUrl: job.failureCallbackUrl,
    eventsUrl: job.eventsUrl,
    parentJobId: job.parentJobId,
    nextRunAt: null,
    lastRunAt: iso(job.lastRunAt),
    lastStatus: job.lastStatus,
    lastStatusCode: job.lastStatusCode,
    lastDurationMs: job.lastDurationMs,
    createdAt: iso(job.createdAt),
    updatedAt: iso(job.updatedAt),
  };
}

import { type Destination, maskDestination } from './destinations.js';

/**
 * What `$job` reads of a stored job: its columns as the store keeps them (JSON text for the
 * structured fields, epoch milliseconds for instants). A job row has every one of them.
 */
export interface JobVariableSource {
  id: string;
  name: string | null;
  description: string | null;
  status: string;
  /** JSON array of strings. */
  tags: string;
  space_id: string | null;
  url: string;
  /** JSON of a destination, secrets included; null for a URL job. */
  destination: string | null;
  method: string;
  /** JSON of the job's schedule. */
  schedule: string;
  /** JSON of the job's retry policy. */
  retry_policy: string;
  timeout_ms: number;
  store_response_body: number;
  follow_redirects: number;
  on_complete: string | null;
  callback_url: string | null;
  failure_callback_url: string | null;
  events_url: string | null;
  parent_job_id: string | null;
  last_run_at: number | null;
  last_status: string | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  created_at: number;
  updated_at: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * `$job` in a dynamic payload: the job as a receiver sees it, in the native API's field names,
 * without what may carry secrets (headers, query, body and payload are left out, a destination's
 * webhook URL or bot token is masked). Its shape belongs to the job, not to any door: a job made
 * through any dialect sends the same `$job`. The keys keep the order receivers have been sent.
 */
export function jobVariable(job: JobVariableSource): Record<string, unknown> {
  const schedule = JSON.parse(job.schedule) as { type: string; at?: unknown };
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    status: job.status,
    tags: JSON.parse(job.tags) as string[],
    spaceId: job.space_id,
    url: job.destination === null ? job.url : null,
    destination: job.destination === null ? null : maskDestination(JSON.parse(job.destination) as Destination),
    method: job.method,
    // A one-time instant in ISO-8601, like every other time.
    schedule: schedule.type === 'once' && typeof schedule.at === 'number' ? { ...schedule, at: iso(schedule.at) } : schedule,
    retryPolicy: JSON.parse(job.retry_policy) as unknown,
    timeoutMs: job.timeout_ms,
    storeResponseBody: job.store_response_body === 1,
    followRedirects: job.follow_redirects === 1,
    onComplete: job.on_complete,
    callbackUrl: job.callback_url,
    failureCallbackUrl: job.failure_callback_url,
    eventsUrl: job.events_url,
    parentJobId: job.parent_job_id,
    nextRunAt: null,
    lastRunAt: iso(job.last_run_at),
    lastStatus: job.last_status,
    lastStatusCode: job.last_status_code,
    lastDurationMs: job.last_duration_ms,
    createdAt: iso(job.created_at),
    updatedAt: iso(job.updated_at),
  };
}

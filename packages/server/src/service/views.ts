import type { ExecutionRow, JobWithNextRun, ProjectRow } from '../store/schema.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A job as the native API returns it. */
export function jobView(row: JobWithNextRun) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    url: row.url,
    method: row.method,
    headers: JSON.parse(row.headers) as Record<string, string>,
    query: JSON.parse(row.query) as Record<string, string>,
    ...(row.payload !== null ? { payload: JSON.parse(row.payload) as unknown } : { body: row.body }),
    schedule: JSON.parse(row.schedule) as unknown,
    retryPolicy: JSON.parse(row.retry_policy) as unknown,
    timeoutMs: row.timeout_ms,
    nextRunAt: iso(row.next_run_at),
    lastRunAt: iso(row.last_run_at),
    lastStatus: row.last_status,
    lastStatusCode: row.last_status_code,
    lastDurationMs: row.last_duration_ms,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export type JobView = ReturnType<typeof jobView>;

/** One attempt as the native API returns it. */
export function executionView(row: ExecutionRow) {
  return {
    id: row.id,
    jobId: row.job_id,
    runId: row.run_id,
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    triggeredBy: row.triggered_by,
    status: row.status,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    error: row.error,
    scheduledFor: iso(row.scheduled_for)!,
    startedAt: iso(row.started_at)!,
    completedAt: iso(row.completed_at)!,
    responseHeaders: row.response_headers === null ? null : (JSON.parse(row.response_headers) as Record<string, string | string[]>),
    responseBody: row.response_body,
  };
}

export type ExecutionView = ReturnType<typeof executionView>;

export function projectView(row: ProjectRow) {
  return { id: row.id, name: row.name, createdAt: iso(row.created_at)! };
}

import { newId } from '../domain/ids.js';
import type { JobDefinition } from '../domain/jobDefinition.js';
import type { JobRow, RunRow } from './schema.js';

/** The columns a job definition sets, for a new job or a changed one. */
export function definitionColumns(def: JobDefinition) {
  return {
    name: def.name,
    url: def.url,
    destination: def.destination ? JSON.stringify(def.destination) : null,
    method: def.method,
    headers: JSON.stringify(def.headers),
    query: JSON.stringify(def.query),
    body: def.body,
    payload: def.payload,
    schedule: JSON.stringify(def.schedule),
    retry_policy: JSON.stringify(def.retryPolicy),
    timeout_ms: def.timeoutMs,
    description: def.description,
    tags: JSON.stringify(def.tags),
    space_id: def.spaceId,
    store_response_body: def.storeResponseBody ? 1 : 0,
    follow_redirects: def.followRedirects ? 1 : 0,
    on_complete: def.onComplete,
    callback_url: def.callbackUrl,
    failure_callback_url: def.failureCallbackUrl,
    events_url: def.eventsUrl,
  };
}

/** A new job's row: active with a first run due, or completed when its schedule has none. */
export function newJobRow(projectId: string, def: JobDefinition, hasRun: boolean, now: number, fields: Partial<JobRow> = {}): JobRow {
  return {
    id: newId('job', now),
    project_id: projectId,
    status: hasRun ? 'active' : 'completed',
    ...definitionColumns(def),
    last_run_at: null,
    last_status: null,
    last_status_code: null,
    last_duration_ms: null,
    created_at: now,
    updated_at: now,
    paused_by: null,
    revision: 0,
    ...fields,
  };
}

/** A run of a job due at `dueAt`, pending unless `fields` lease it. */
export function newRunRow(job: Pick<JobRow, 'id' | 'project_id'>, dueAt: number, now: number, fields: Partial<RunRow> = {}): RunRow {
  return {
    id: newId('run', now),
    job_id: job.id,
    project_id: job.project_id,
    due_at: dueAt,
    attempt: 1,
    delivery_id: newId('dlv', now),
    triggered_by: 'schedule',
    lease_owner: null,
    lease_until: null,
    created_at: now,
    replay_of: null,
    ...fields,
  };
}

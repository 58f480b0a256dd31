import { newId } from '../domain/ids.js';
import type { JobDefinition } from '../domain/jobDefinition.js';
import { statusWithSchedule } from '../domain/jobState.js';
import { messageAttempts } from '../domain/jobEvents.js';
import type { JobRow, OutboxKind, OutboxRow, RunRow } from './schema.js';

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
    delivery_style: def.deliveryStyle,
  };
}

/** The URLs a job's outcomes set messages off to, as its definition names them; null where unset. */
export function followUpUrls(row: JobRow): Pick<JobDefinition, 'onComplete' | 'callbackUrl' | 'failureCallbackUrl' | 'eventsUrl'> {
  return {
    onComplete: row.on_complete,
    callbackUrl: row.callback_url,
    failureCallbackUrl: row.failure_callback_url,
    eventsUrl: row.events_url,
  };
}

/** What made a job, when not a caller's own create: written once, with its row. */
export interface JobLinks {
  /** The job whose `onComplete` made it. */
  parentJobId?: string;
  /** The inbound webhook whose request made it. */
  inboundWebhookId?: string;
}

/** A new job's row: active with a first run due, or completed when its schedule has none. */
export function newJobRow(projectId: string, def: JobDefinition, hasRun: boolean, now: number, links: JobLinks = {}): JobRow {
  return {
    id: newId('job', now),
    project_id: projectId,
    status: statusWithSchedule(hasRun),
    ...definitionColumns(def),
    last_run_at: null,
    last_status: null,
    last_status_code: null,
    last_duration_ms: null,
    created_at: now,
    updated_at: now,
    paused_by: null,
    revision: 0,
    parent_job_id: links.parentJobId ?? null,
    consecutive_failures: 0,
    inbound_webhook_id: links.inboundWebhookId ?? null,
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

/** What a new outbox message is made of; ids come from the caller so an envelope can carry its own. */
export interface MessageFields {
  id: string;
  projectId: string;
  jobId: string | null;
  kind: OutboxKind;
  event: string;
  url?: string | null;
  channelId?: string | null;
  ruleId?: string | null;
  body: unknown;
  now: number;
}

/** A pending message, due at once. */
export function newOutboxRow(m: MessageFields): OutboxRow {
  return {
    id: m.id,
    project_id: m.projectId,
    job_id: m.jobId,
    kind: m.kind,
    event: m.event,
    url: m.url ?? null,
    channel_id: m.channelId ?? null,
    rule_id: m.ruleId ?? null,
    body: JSON.stringify(m.body),
    status: 'pending',
    attempts: 0,
    max_attempts: messageAttempts[m.kind],
    due_at: m.now,
    lease_owner: null,
    lease_until: null,
    last_status_code: null,
    last_error: null,
    last_response: null,
    created_at: m.now,
    updated_at: m.now,
  };
}

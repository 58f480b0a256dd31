import { type DeliveryStyle, isDeliveryStyle } from '../domain/deliveryStyle.js';
import type { Destination } from '../domain/destinations.js';
import { newId } from '../domain/ids.js';
import type { Job } from '../domain/job.js';
import type { JobDefinition } from '../domain/jobDefinition.js';
import { statusWithSchedule } from '../domain/jobState.js';
import { messageAttempts } from '../domain/jobEvents.js';
import type { AlertChannelTarget } from '../domain/alertChannel.js';
import type { AlertEvent } from '../domain/alertRule.js';
import type { AlertChannel, AlertNotice, AlertRule, ApiKey, Execution, InboundWebhook, PendingRun, Project, SigningSecret, Space, User } from '../domain/records.js';
import type { RetryPolicy } from '../domain/retry.js';
import type { Schedule } from '../domain/schedule.js';
import type { SpaceWithCounts } from './sql/spaces.js';
import type { AlertChannelRow, AlertRuleRow, ApiKeyRow, ExecutionRow, InboundWebhookRow, JobRow, OutboxKind, OutboxRow, ProjectRow, RunRow, SigningSecretRow, UserRow } from './schema.js';

// The one codec of job rows: every reader of a job's JSON columns goes through these, and every
// writer of them through definitionColumns (a new job's row, newJobRow, is built on it); a job
// record is never written back whole.

const noTags: readonly string[] = Object.freeze([]);

/**
 * Each structured column of a job, decoded on its own, for a reader that needs only some of them
 * (the engine plans a job on every claim and reads only what its deliveries need).
 */
export const jobColumn = {
  /** Most jobs have no tags: they cost no parse and share one frozen array. */
  tags: (text: string): readonly string[] => (text === '[]' ? noTags : (JSON.parse(text) as string[])),
  destination: (text: string | null): Destination | null => (text === null ? null : (JSON.parse(text) as Destination)),
  headers: (text: string): Record<string, string> => JSON.parse(text) as Record<string, string>,
  query: (text: string): Record<string, string> => JSON.parse(text) as Record<string, string>,
  /** `undefined` when the job has no payload (a JSON `null` payload is `null`). */
  payload: (text: string | null): unknown => (text === null ? undefined : (JSON.parse(text) as unknown)),
  schedule: (text: string): Schedule => JSON.parse(text) as Schedule,
  retryPolicy: (text: string): RetryPolicy => JSON.parse(text) as RetryPolicy,
  deliveryStyle: (value: string | null): DeliveryStyle | null => (isDeliveryStyle(value) ? value : null),
};

/** A job row as the domain record; its next run when the row was read with it (`next_run_at`), else null. */
export function decodeJob(row: JobRow & { next_run_at?: number | null }): Job {
  return jobRecord(
    row,
    row.next_run_at ?? null,
    jobColumn.tags(row.tags),
    jobColumn.destination(row.destination),
    jobColumn.headers(row.headers),
    jobColumn.query(row.query),
    jobColumn.payload(row.payload),
    jobColumn.schedule(row.schedule),
    jobColumn.retryPolicy(row.retry_policy),
  );
}

/**
 * A job just made from `def` into `row`: its record without reading back the JSON the row was
 * given (a create answers with it at once).
 */
export function newJob(row: JobRow, nextRunAt: number | null, def: JobDefinition): Job {
  return jobRecord(row, nextRunAt, def.tags, def.destination, def.headers, def.query, jobColumn.payload(def.payload), def.schedule, def.retryPolicy);
}

// One object literal, no spreads: lists and creates make one of these per job.
function jobRecord(
  row: JobRow,
  nextRunAt: number | null,
  tags: readonly string[],
  destination: Destination | null,
  headers: Record<string, string>,
  query: Record<string, string>,
  payload: unknown,
  schedule: Schedule,
  retryPolicy: RetryPolicy,
): Job {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    status: row.status,
    tags,
    spaceId: row.space_id,
    url: row.url,
    destination,
    method: row.method as Job['method'],
    headers,
    query,
    body: row.body,
    payload,
    schedule,
    retryPolicy,
    timeoutMs: row.timeout_ms,
    storeResponseBody: row.store_response_body === 1,
    followRedirects: row.follow_redirects === 1,
    onComplete: row.on_complete,
    callbackUrl: row.callback_url,
    failureCallbackUrl: row.failure_callback_url,
    eventsUrl: row.events_url,
    deliveryStyle: jobColumn.deliveryStyle(row.delivery_style),
    parentJobId: row.parent_job_id,
    inboundWebhookId: row.inbound_webhook_id,
    pausedBy: row.paused_by,
    revision: row.revision,
    consecutiveFailures: row.consecutive_failures,
    state: row.state ?? null,
    previousResult: row.previous_result ?? null,
    nextRunAt,
    lastRunAt: row.last_run_at,
    lastStatus: row.last_status,
    lastStatusCode: row.last_status_code,
    lastDurationMs: row.last_duration_ms,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

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

/**
 * The one builder of run rows: a run of `job` due at `dueAt`, its first attempt with a new
 * delivery id, scheduled and pending unless `fields` say otherwise (a lease for a run its node
 * delivers at once, `triggered_by`, `replay_of`).
 */
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

// The other rows the use cases hand on, each read one way.

/** An execution's header columns, decoded: for decodeExecution, and for the engine's attempt records. */
export const executionColumn = {
  requestHeaders: (text: string | null): Record<string, string> => (text ? (JSON.parse(text) as Record<string, string>) : {}),
  responseHeaders: (text: string | null): Record<string, string | string[]> | null => (text ? (JSON.parse(text) as Record<string, string | string[]>) : null),
};

export function decodeExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    jobId: row.job_id,
    runId: row.run_id,
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    triggeredBy: row.triggered_by,
    replayOf: row.replay_of,
    status: row.status,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    error: row.error,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    responseHeaders: executionColumn.responseHeaders(row.response_headers),
    responseBody: row.response_body,
    request:
      row.request_method === null
        ? null
        : { method: row.request_method, url: row.request_url, headers: executionColumn.requestHeaders(row.request_headers), body: row.request_body },
  };
}

/** A run just written to be delivered at once, as its caller is answered before the attempt. */
export function pendingRun(run: RunRow): PendingRun {
  return { runId: run.id, jobId: run.job_id, deliveryId: run.delivery_id, triggeredBy: run.triggered_by as PendingRun['triggeredBy'], replayOf: run.replay_of, scheduledFor: run.due_at };
}

export function decodeProject(row: ProjectRow): Project {
  return { id: row.id, name: row.name, createdAt: row.created_at, badgesEnabled: (row.badges_enabled ?? 1) === 1, eventsUrl: row.events_url ?? null };
}

export function decodeUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function decodeApiKey(row: ApiKeyRow): ApiKey {
  return { id: row.id, name: row.name, prefix: row.prefix, lastFour: row.last_four, scopes: row.scopes.split(',') as ApiKey['scopes'], lastUsedAt: row.last_used_at, createdAt: row.created_at };
}

export function decodeSpace(row: SpaceWithCounts): Space {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    jobCount: row.job_count,
    activeJobCount: row.active_count,
    pausedJobCount: row.paused_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function decodeSigningSecret(row: SigningSecretRow): SigningSecret {
  return { id: row.id, secret: row.secret, lastFour: row.last_four, createdAt: row.created_at, expiresAt: row.expires_at };
}

export function decodeInboundWebhook(row: InboundWebhookRow): InboundWebhook {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    targetUrl: row.target_url,
    method: row.method,
    headers: JSON.parse(row.headers) as Record<string, string>,
    delayMs: row.delay_ms,
    secret: row.secret,
    createdAt: row.created_at,
  };
}

export function decodeAlertChannel(row: AlertChannelRow): AlertChannel {
  const target = { type: row.type, config: JSON.parse(row.config) as unknown } as AlertChannelTarget;
  return { id: row.id, ...target, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function decodeAlertRule(row: AlertRuleRow): AlertRule {
  return {
    id: row.id,
    name: row.name,
    channelIds: JSON.parse(row.channel_ids) as string[],
    jobId: row.job_id,
    spaceId: row.space_id,
    tag: row.tag,
    events: JSON.parse(row.events) as AlertEvent[],
    consecutiveFailuresThreshold: row.consecutive_failures_threshold,
    cooldownMinutes: row.cooldown_minutes,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** An alert notice's message row: what the notice it carries said, and how its delivery went. */
export function decodeAlertNotice(row: OutboxRow): AlertNotice {
  const notice = JSON.parse(row.body) as { execution: { statusCode: number | null; error: string | null } | null; consecutiveFailures: number };
  return {
    id: row.id,
    event: row.event as AlertNotice['event'],
    ruleId: row.rule_id,
    channelId: row.channel_id,
    jobId: row.job_id,
    consecutiveFailures: notice.consecutiveFailures,
    statusCode: notice.execution?.statusCode ?? null,
    error: notice.execution?.error ?? null,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastResponse: row.last_response,
    dueAt: row.due_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

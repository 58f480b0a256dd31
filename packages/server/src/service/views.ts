import { type AlertChannelTarget, maskAlertChannelConfig } from '../domain/alertChannel.js';
import type { AlertEvent } from '../domain/alertRule.js';
import { type Destination, maskDestination } from '../domain/destinations.js';
import type { HttpMethod, JobDefinition } from '../domain/jobDefinition.js';
import type { RetryPolicy } from '../domain/retry.js';
import type { OnceSchedule, Schedule } from '../domain/schedule.js';
import { describeSchedule } from '../domain/scheduleDescription.js';
import { followUpUrls } from '../store/rows.js';
import type { Scope } from './caller.js';
import type { SpaceWithCounts } from '../store/sql/spaces.js';
import type { AlertChannelRow, AlertRuleRow, OutboxRow, ApiKeyRow, ExecutionRow, InboundWebhookRow, JobRow, JobWithNextRun, ProjectRow, SigningSecretRow, UserRow } from '../store/schema.js';

// The last two instants shown are remembered: a batch of new jobs alternates between each job's
// own due instant and the `now` they share.
let lastMs = NaN;
let lastIso = '';
let olderMs = NaN;
let olderIso = '';

/** ISO-8601 of an instant. */
const iso = (ms: number | null): string | null => {
  if (ms === null) return null;
  if (ms === lastMs) return lastIso;
  const text = ms === olderMs ? olderIso : new Date(ms).toISOString();
  olderMs = lastMs;
  olderIso = lastIso;
  lastMs = ms;
  lastIso = text;
  return text;
};

/** A schedule as the API shows it: a one-time instant in ISO-8601 like every other time. */
type ScheduleView = Exclude<Schedule, OnceSchedule> | { type: 'once'; at: string };

function scheduleView(schedule: Schedule): ScheduleView {
  return schedule.type === 'once' && typeof schedule.at === 'number' ? { ...schedule, at: iso(schedule.at)! } : (schedule as ScheduleView);
}

/** The structured fields of a job, which a row holds as JSON text. */
interface JobParts {
  tags: string[];
  destination: Destination | null;
  headers: Record<string, string>;
  query: Record<string, string>;
  payload: unknown;
  schedule: Schedule;
  retryPolicy: RetryPolicy;
}

/** A job as the native API returns it. */
export function jobView(row: JobWithNextRun) {
  return viewOf(row, row.next_run_at, {
    tags: JSON.parse(row.tags) as string[],
    destination: row.destination === null ? null : (JSON.parse(row.destination) as Destination),
    headers: JSON.parse(row.headers) as Record<string, string>,
    query: JSON.parse(row.query) as Record<string, string>,
    payload: row.payload === null ? undefined : (JSON.parse(row.payload) as unknown),
    schedule: JSON.parse(row.schedule) as Schedule,
    retryPolicy: JSON.parse(row.retry_policy) as RetryPolicy,
  });
}

/** A job just made from `def`: its view without reading back the JSON its row was given. */
export function newJobView(row: JobRow, nextRunAt: number | null, def: JobDefinition) {
  return viewOf(row, nextRunAt, {
    // Only read (serialised) from here on: no copy of the definition's array.
    tags: def.tags as string[],
    destination: def.destination,
    headers: def.headers,
    query: def.query,
    payload: def.payload === null ? undefined : (JSON.parse(def.payload) as unknown),
    schedule: def.schedule,
    retryPolicy: def.retryPolicy,
  });
}

function viewOf(row: JobRow, nextRunAt: number | null, parts: JobParts) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    tags: parts.tags,
    spaceId: row.space_id,
    url: row.destination === null ? row.url : null,
    /** Secrets (webhook URLs, bot tokens) are masked: the API never returns them in full. */
    destination: parts.destination === null ? null : maskDestination(parts.destination),
    method: row.method as HttpMethod,
    headers: parts.headers,
    query: parts.query,
    ...(parts.payload !== undefined ? { payload: parts.payload } : { body: row.body }),
    schedule: scheduleView(parts.schedule),
    scheduleDescription: describeSchedule(parts.schedule),
    retryPolicy: parts.retryPolicy,
    timeoutMs: row.timeout_ms,
    storeResponseBody: row.store_response_body === 1,
    followRedirects: row.follow_redirects === 1,
    ...followUpUrls(row),
    parentJobId: row.parent_job_id,
    nextRunAt: iso(nextRunAt),
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
    replayOf: row.replay_of,
    status: row.status,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    error: row.error,
    scheduledFor: iso(row.scheduled_for)!,
    startedAt: iso(row.started_at)!,
    completedAt: iso(row.completed_at)!,
    responseHeaders: row.response_headers === null ? null : (JSON.parse(row.response_headers) as Record<string, string | string[]>),
    responseBody: row.response_body,
    request:
      row.request_method === null
        ? null
        : {
            method: row.request_method,
            url: row.request_url,
            headers: JSON.parse(row.request_headers ?? '{}') as Record<string, string>,
            body: row.request_body,
          },
  };
}

export type ExecutionView = ReturnType<typeof executionView>;

export function projectView(row: ProjectRow) {
  return { id: row.id, name: row.name, createdAt: iso(row.created_at)! };
}

export function userView(row: UserRow) {
  return { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1, createdAt: iso(row.created_at)! };
}

/** A key as listed: never the key itself nor its hash. */
export function apiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    lastFour: row.last_four,
    scopes: row.scopes.split(',') as Scope[],
    lastUsedAt: iso(row.last_used_at),
    createdAt: iso(row.created_at)!,
  };
}

/** A key just made: the one response that carries the key. */
export function newApiKeyView(row: ApiKeyRow, key: string) {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(',') as Scope[],
    key,
    prefix: row.prefix,
    lastFour: row.last_four,
    createdAt: iso(row.created_at)!,
  };
}

export function spaceView(row: SpaceWithCounts) {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    jobCount: row.job_count,
    activeJobCount: row.active_count,
    pausedJobCount: row.paused_count,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export type SpaceView = ReturnType<typeof spaceView>;

/** A signing secret as listed: never the secret, only its last four characters. */
export function signingSecretView(row: SigningSecretRow) {
  return { id: row.id, lastFour: row.last_four, createdAt: iso(row.created_at)!, expiresAt: iso(row.expires_at) };
}

/** A signing secret just made: the one response that carries it. */
export function newSigningSecretView(row: SigningSecretRow) {
  return { ...signingSecretView(row), secret: row.secret };
}

/** The caller's project with its settings, as `GET /v1/project` returns it. */
export function projectSettingsView(row: ProjectRow, planName: string) {
  return {
    id: row.id,
    name: row.name,
    plan: planName,
    badgesEnabled: (row.badges_enabled ?? 1) === 1,
    eventsUrl: row.events_url ?? null,
    createdAt: iso(row.created_at)!,
  };
}

/** An inbound webhook; `baseUrl` is the server's public address its URL is built on. Never the secret. */
export function inboundWebhookView(row: InboundWebhookRow, baseUrl: string) {
  return {
    id: row.id,
    slug: row.slug,
    url: `${baseUrl}/v1/inbound/${row.slug}`,
    name: row.name,
    targetUrl: row.target_url,
    method: row.method,
    headers: JSON.parse(row.headers) as Record<string, string>,
    delayMs: row.delay_ms,
    hasSecret: row.secret !== null,
    createdAt: iso(row.created_at)!,
  };
}

/** One request an inbound webhook accepted: the job it became, what was posted, how its delivery went. */
export function inboundRequestView(row: JobWithNextRun) {
  return {
    jobId: row.id,
    receivedAt: iso(row.created_at)!,
    payload: row.payload === null ? null : (JSON.parse(row.payload) as unknown),
    jobStatus: row.status,
    scheduledFor: iso(row.next_run_at),
    deliveredAt: iso(row.last_run_at),
    lastStatus: row.last_status,
    lastStatusCode: row.last_status_code,
  };
}

/** An alert channel as the API shows it: its config's secrets masked. */
export function alertChannelView(row: AlertChannelRow) {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    config: maskAlertChannelConfig({ type: row.type, config: JSON.parse(row.config) } as AlertChannelTarget),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export type AlertChannelView = ReturnType<typeof alertChannelView>;

export function alertRuleView(row: AlertRuleRow) {
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
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export type AlertRuleView = ReturnType<typeof alertRuleView>;

/** An alert notice as `GET /v1/alerts/notices` lists it: what it said, where it went, how that went. */
export function alertNoticeView(row: OutboxRow) {
  const notice = JSON.parse(row.body) as { execution: { statusCode: number | null; error: string | null } | null; consecutiveFailures: number };
  return {
    id: row.id,
    event: row.event as AlertEvent,
    ruleId: row.rule_id,
    channelId: row.channel_id,
    jobId: row.job_id,
    consecutiveFailures: notice.consecutiveFailures,
    statusCode: notice.execution?.statusCode ?? null,
    error: notice.execution?.error ?? null,
    status: row.status,
    attempts: row.attempts,
    lastAttempt: row.attempts === 0 ? null : { statusCode: row.last_status_code, error: row.last_error, response: row.last_response, at: iso(row.updated_at)! },
    nextAttemptAt: row.status === 'pending' ? iso(row.due_at) : null,
    createdAt: iso(row.created_at)!,
  };
}

/**
 * What an import made of one entry, shown in its answer (a dry run's preview): no headers, query
 * or body, which may carry the secrets the answer never repeats.
 */
export function importedJobView(row: JobRow, nextRunAt: number | null) {
  const schedule = JSON.parse(row.schedule) as Schedule;
  return {
    name: row.name,
    method: row.method,
    url: row.destination === null ? row.url : null,
    destination: row.destination === null ? null : (JSON.parse(row.destination) as { type: string }).type,
    schedule: scheduleView(schedule),
    scheduleDescription: describeSchedule(schedule),
    status: row.status,
    spaceId: row.space_id,
    nextRunAt: iso(nextRunAt),
  };
}

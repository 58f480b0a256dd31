/**
 * JustRun's representation onto Kairos's and back. Pure: no I/O, no clock. Its names are snake
 * case, its times seconds, its defaults the document's (GET, 30 s, no retries, 60 s between
 * retries, response bodies not kept). A JustRun execution is a Kairos run: every attempt of one
 * occurrence shares its id, which is what `run` answers and `{{execution_id}}` sends.
 */
import type { FieldIssue } from '../../../domain/errors.js';
import type { Failure } from '../door.js';
import type { JobInput } from '../../../domain/jobDefinition.js';
import { cronPatternsOf, type Schedule } from '../../../domain/schedule.js';
import type { ImportResult } from '../../../service/imports.js';
import { maskAlertChannelConfig } from '../../../domain/alertChannel.js';
import { isoOf } from '../../../domain/instant.js';
import type { Job } from '../../../domain/job.js';
import type { AlertChannel, ApiKey, Execution, Space } from '../../../domain/records.js';

export const justRunMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const retryPolicies = ['none', 'fixed', 'linear', 'exponential'] as const;
export type JustRunRetryPolicy = (typeof retryPolicies)[number];

export const justRunDefaults = { method: 'GET', timeoutSec: 30, retryPolicy: 'none', retryMax: 0, retryDelaySec: 60 } as const;

export interface JustRunJobBody {
  name?: string;
  cron_expression?: string;
  url?: string;
  method?: string;
  timezone?: string;
  timeout_sec?: number;
  retry_policy?: JustRunRetryPolicy;
  retry_max?: number;
  retry_delay_sec?: number;
  tags?: string[];
  space_id?: string | null;
  headers?: Record<string, string>;
  body?: string | null;
  store_response_body?: boolean;
}

// JustRun names the run's id `{{execution_id}}`; Kairos's template for it is `{{run.id}}`.
const toKairosTemplate = (value: string) => value.replace(/\{\{\s*execution_id\s*\}\}/g, '{{run.id}}');
const toJustRunTemplate = (value: string) => value.replace(/\{\{\s*run\.id\s*\}\}/g, '{{execution_id}}');
const mapValues = (headers: Record<string, string>, f: (v: string) => string) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, f(v)]));

function retryInput(policy: JustRunRetryPolicy, max: number, delaySec: number): unknown {
  if (policy === 'none') return { strategy: 'none', maxRetries: 0, initialDelayMs: delaySec * 1000 };
  return { strategy: policy, maxRetries: max, initialDelayMs: delaySec * 1000, ...(policy === 'exponential' ? { multiplier: 2 } : {}) };
}

function scheduleInput(expression: string, timezone: string | undefined): unknown {
  return { type: 'cron', expression, ...(timezone !== undefined ? { timezone } : {}) };
}

/** A create with the document's defaults; the time zone left out is the space's, or UTC. */
export function createInput(b: JustRunJobBody & { name: string; cron_expression: string; url: string }): JobInput {
  return {
    name: b.name,
    schedule: scheduleInput(b.cron_expression, b.timezone),
    url: b.url,
    method: b.method ?? justRunDefaults.method,
    headers: mapValues(b.headers ?? {}, toKairosTemplate),
    ...(b.body !== undefined && b.body !== null ? { body: toKairosTemplate(b.body) } : {}),
    timeoutMs: (b.timeout_sec ?? justRunDefaults.timeoutSec) * 1000,
    retryPolicy: retryInput(b.retry_policy ?? justRunDefaults.retryPolicy, b.retry_max ?? justRunDefaults.retryMax, b.retry_delay_sec ?? justRunDefaults.retryDelaySec),
    tags: b.tags ?? [],
    ...(b.space_id !== undefined ? { spaceId: b.space_id } : {}),
    storeResponseBody: b.store_response_body ?? false,
  };
}

/** A change laid over the job as it is: a new cron expression keeps its time zone, a new retry field the others. */
export function patchInput(b: JustRunJobBody, current: Job): Partial<JobInput> {
  const now = jobView(current);
  const patch: Partial<JobInput> = {};
  if (b.name !== undefined) patch.name = b.name;
  if (b.url !== undefined) patch.url = b.url;
  if (b.method !== undefined) patch.method = b.method;
  if (b.headers !== undefined) patch.headers = mapValues(b.headers, toKairosTemplate);
  if (b.body !== undefined) patch.body = b.body === null ? undefined : toKairosTemplate(b.body);
  if (b.timeout_sec !== undefined) patch.timeoutMs = b.timeout_sec * 1000;
  if (b.tags !== undefined) patch.tags = b.tags;
  if (b.space_id !== undefined) patch.spaceId = b.space_id;
  if (b.store_response_body !== undefined) patch.storeResponseBody = b.store_response_body;
  if (b.cron_expression !== undefined || b.timezone !== undefined) {
    const expression = b.cron_expression ?? now.cron_expression;
    patch.schedule = scheduleInput(expression ?? '', b.timezone ?? now.timezone);
  }
  if (b.retry_policy !== undefined || b.retry_max !== undefined || b.retry_delay_sec !== undefined) {
    const policy = b.retry_policy ?? (now.retry_policy as JustRunRetryPolicy);
    patch.retryPolicy = retryInput(policy, b.retry_max ?? now.retry_max, b.retry_delay_sec ?? now.retry_delay_sec);
  }
  return patch;
}

/** A schedule's cron expression; null for an interval or one-time job made through another door. */
export function cronExpressionOf(schedule: unknown): string | null {
  const s = schedule as Schedule | { type: 'once' };
  switch (s.type) {
    case 'cron':
      return s.expression;
    case 'interval':
    case 'once':
      return null;
    default:
      return cronPatternsOf(s).join(', ');
  }
}

export function jobView(job: Job) {
  const schedule = job.schedule as { timezone?: string };
  const retry = job.retryPolicy as { strategy: JustRunRetryPolicy; maxRetries: number; initialDelayMs: number };
  return {
    id: job.id,
    name: job.name ?? '',
    cron_expression: cronExpressionOf(job.schedule),
    url: job.destination === null ? job.url : '',
    method: job.method,
    timezone: schedule.timezone ?? 'UTC',
    status: job.status,
    timeout_sec: Math.round(job.timeoutMs / 1000),
    retry_policy: retry.strategy,
    retry_max: retry.maxRetries,
    retry_delay_sec: Math.round(retry.initialDelayMs / 1000),
    tags: job.tags,
    space_id: job.spaceId,
    headers: mapValues(job.headers, toJustRunTemplate),
    body: job.payload === undefined && typeof job.body === 'string' ? toJustRunTemplate(job.body) : null,
    store_response_body: job.storeResponseBody,
    next_run_at: isoOf(job.nextRunAt),
    last_run_at: isoOf(job.lastRunAt),
    last_status: job.lastStatus,
    last_duration_ms: job.lastDurationMs,
    last_status_code: job.lastStatusCode,
    created_at: isoOf(job.createdAt),
    updated_at: isoOf(job.updatedAt),
  };
}

/** success, failed (a non-2xx, an error, a timeout, retries exhausted) or skipped (over the plan's quota). */
export function executionStatus(status: string): string {
  if (status === 'success') return 'success';
  if (status === 'quota_exceeded') return 'skipped';
  return 'failed';
}

export function executionView(e: Execution) {
  return {
    id: e.runId,
    job_id: e.jobId,
    status: executionStatus(e.status),
    status_code: e.statusCode,
    duration_ms: e.durationMs,
    triggered_by: e.triggeredBy,
    response_body: e.responseBody,
    error: e.error,
    executed_at: isoOf(e.startedAt),
  };
}

/** A space is paused while its jobs are all paused (what pausing the space does). */
export function spaceView(s: Space) {
  return {
    id: s.id,
    name: s.name,
    timezone: s.timezone,
    status: s.jobCount > 0 && s.activeJobCount === 0 && s.pausedJobCount > 0 ? 'paused' : 'active',
    job_count: s.jobCount,
    created_at: isoOf(s.createdAt),
    updated_at: isoOf(s.updatedAt),
  };
}

export const channelTypes = ['slack', 'discord', 'email', 'webhook'] as const;
export type JustRunChannelType = (typeof channelTypes)[number];

/**
 * A channel's config in Kairos's terms. A webhook channel gets JustRun's envelope and, with a
 * secret, its signature.
 */
export function channelConfigInput(type: JustRunChannelType, config: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case 'slack':
    case 'discord': {
      const { webhook_url, ...rest } = config;
      return { ...rest, webhookUrl: webhook_url };
    }
    case 'email':
      return config;
    case 'webhook':
      return { ...config, format: 'justrun' };
  }
}

/** The events a channel made here receives for every job: a webhook also each execution. */
export function channelEvents(type: JustRunChannelType): string[] {
  return type === 'webhook' ? ['job.executed', 'job.failed', 'job.recovered'] : ['job.failed', 'job.recovered'];
}

/** A channel as JustRun shows it: its config's secrets masked, as every door masks them. */
export function channelView(c: AlertChannel) {
  const config = maskAlertChannelConfig(c);
  let shown: Record<string, unknown> = config;
  if (c.type === 'slack' || c.type === 'discord') shown = { webhook_url: config.webhookUrl };
  else if (c.type === 'webhook') {
    const { format: _format, ...rest } = config;
    shown = rest;
  } else if (c.type === 'telegram') shown = { bot_token: config.botToken, chat_id: config.chatId };
  return { id: c.id, type: c.type, name: c.name, config: shown, created_at: isoOf(c.createdAt) };
}

export function apiKeyView(k: ApiKey) {
  return { id: k.id, name: k.name, prefix: k.prefix, last_four: k.lastFour, last_used_at: isoOf(k.lastUsedAt), created_at: isoOf(k.createdAt) };
}

/** The calendar month (UTC) a billing period is: its first instant and its last second. */
export function billingPeriod(now: number): { start: string; end: string } {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start: new Date(start).toISOString(), end: new Date(next - 1000).toISOString() };
}

const nativeToJustRun: Array<[RegExp, string]> = [
  [/^schedule\.expression$/, 'cron_expression'],
  [/^schedule\.timezone$/, 'timezone'],
  [/^schedule(\..*)?$/, 'cron_expression'],
  [/^timeoutMs$/, 'timeout_sec'],
  [/^retryPolicy\.maxRetries$/, 'retry_max'],
  [/^retryPolicy\.initialDelayMs$/, 'retry_delay_sec'],
  [/^retryPolicy\.strategy$/, 'retry_policy'],
  [/^retryPolicy(\..*)?$/, 'retry_policy'],
  [/^spaceId$/, 'space_id'],
  [/^storeResponseBody$/, 'store_response_body'],
  [/^jobIds$/, 'job_ids'],
  [/^apiKey$/, 'api_key'],
  [/^config\.webhookUrl$/, 'config.webhook_url'],
  [/^config\.botToken$/, 'config.bot_token'],
];

/** The JustRun name of a field the service layer names in Kairos's terms. */
export function justRunField(field: string): string {
  for (const [pattern, name] of nativeToJustRun) if (pattern.test(field)) return field.replace(pattern, name);
  return field;
}

/** `{ code, message, details }` with JustRun's field names; the message reads "cron_expression is required". */
export function errorBody(code: string, message: string, details: FieldIssue[] = []) {
  return { error: { code, message, details } };
}

export function validationBody(details: FieldIssue[]) {
  const named = details.map((d) => ({ field: justRunField(d.field), issue: d.issue }));
  const first = named[0];
  return errorBody('validation_error', first ? `${first.field} ${first.issue}` : 'The request is not valid', named);
}

/** JustRun's code for each of Kairos's error codes. */
export function errorCode(code: string): string {
  switch (code) {
    case 'rate_limited':
      return 'rate_limit_exceeded';
    case 'max_jobs_exceeded':
    case 'max_retries_exceeded':
    case 'max_timeout_exceeded':
    case 'max_alert_configs_exceeded':
      return 'plan_limit_exceeded';
    case 'validation_failed':
      return 'validation_error';
    case 'internal':
      return 'internal_error';
    default:
      return code;
  }
}

/** Every failure in JustRun's shape: its codes, its field names, and `retry_after` on a 429. */
export function justRunError(f: Failure) {
  if (f.code === 'validation_failed') return validationBody(f.issues);
  if (f.status === 429) {
    const seconds = f.retryAfter ?? 1;
    return { error: { code: 'rate_limit_exceeded', message: `Too many requests. Please retry after ${seconds} seconds.`, retry_after: seconds } };
  }
  return errorBody(errorCode(f.code), f.message, f.issues.map((d) => ({ field: justRunField(d.field), issue: d.issue })));
}

/**
 * An import's answer as JustRun's `/v1/migrate/*` gives it: `skipped` counts every job not
 * imported, those refused included (its document's EasyCron example counts its @reboot job both
 * there and in `errors`).
 */
export function migrateView(r: ImportResult) {
  const reason = (e: ImportResult['errors'][number]) => (e.issues ? e.issues.map((d) => `${justRunField(d.field)}: ${d.issue}`).join('; ') : e.reason);
  return { imported: r.imported, skipped: r.skipped + r.errors.length, errors: r.errors.map((e) => ({ original_name: e.originalName, reason: reason(e) })), job_ids: r.jobIds };
}

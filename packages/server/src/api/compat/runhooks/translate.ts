/**
 * Runhooks' representation onto Kairos's and back. Pure: no I/O, no clock. Its defaults are the
 * document's (retries 3 from 1 s doubling up to 5 min, GET, 30 s); its names are the document's
 * (`httpConfig`, `retryPolicy.initialDelay`, `nextExecutionAt`, …).
 */
import type { FieldIssue } from '../../../domain/errors.js';
import type { Failure } from '../door.js';
import type { JobInput } from '../../../domain/jobDefinition.js';
import { cronPatternsOf, type Schedule } from '../../../domain/schedule.js';
import { maskAlertChannelConfig } from '../../../domain/alertChannel.js';
import { isoOf } from '../../../domain/instant.js';
import type { Job } from '../../../domain/job.js';
import type { AlertChannel, AlertRule, Execution } from '../../../domain/records.js';
import type { UnfinishedRun } from '../../../service/executions.js';

export const runhooksDefaults = {
  method: 'GET',
  retryPolicy: { maxRetries: 3, initialDelay: 1_000, backoffMultiplier: 2, maxDelay: 300_000 },
} as const;

export interface RunhooksSchedule {
  type: 'cron' | 'interval';
  expression: string;
  timezone?: string;
}

export interface RunhooksHttpConfig {
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface RunhooksRetryPolicy {
  maxRetries?: number;
  initialDelay?: number;
  backoffMultiplier?: number;
  maxDelay?: number;
}

export interface RunhooksJobBody {
  name?: string;
  description?: string;
  schedule?: RunhooksSchedule;
  httpConfig?: RunhooksHttpConfig;
  retryPolicy?: RunhooksRetryPolicy;
  tags?: string[];
  status?: 'active' | 'paused';
}

/** What is wrong with a Runhooks schedule that its JSON schema cannot say, or null. */
export function scheduleIssue(s: RunhooksSchedule): FieldIssue | null {
  if (s.type === 'interval' && !/^[0-9]+$/.test(s.expression)) {
    return { field: 'schedule.expression', issue: 'must be an interval in milliseconds, such as "60000"' };
  }
  return null;
}

function scheduleInput(s: RunhooksSchedule): unknown {
  if (s.type === 'interval') return { type: 'interval', every: Number(s.expression), ...(s.timezone !== undefined ? { timezone: s.timezone } : {}) };
  return { type: 'cron', expression: s.expression, ...(s.timezone !== undefined ? { timezone: s.timezone } : {}) };
}

function retryInput(r: RunhooksRetryPolicy): unknown {
  const d = runhooksDefaults.retryPolicy;
  return {
    strategy: 'exponential',
    maxRetries: r.maxRetries ?? d.maxRetries,
    initialDelayMs: r.initialDelay ?? d.initialDelay,
    multiplier: r.backoffMultiplier ?? d.backoffMultiplier,
    maxDelayMs: r.maxDelay ?? d.maxDelay,
  };
}

/** A create: the document's defaults filled in; the response body is kept, as Runhooks shows it. */
export function createInput(body: RunhooksJobBody & { name: string; schedule: RunhooksSchedule; httpConfig: RunhooksHttpConfig & { url: string } }): JobInput {
  const h = body.httpConfig;
  return {
    name: body.name,
    ...(body.description !== undefined ? { description: body.description } : {}),
    schedule: scheduleInput(body.schedule),
    url: h.url,
    method: h.method ?? runhooksDefaults.method,
    headers: h.headers ?? {},
    ...(h.body !== undefined ? { body: h.body } : {}),
    ...(h.timeoutMs !== undefined ? { timeoutMs: h.timeoutMs } : {}),
    retryPolicy: retryInput(body.retryPolicy ?? {}),
    tags: body.tags ?? [],
    storeResponseBody: true,
  };
}

/**
 * A change. `current` is the job as it is: a partial `httpConfig` or `retryPolicy` is laid over
 * the job's own, as the document's "only include the fields you want to change" says.
 */
export function patchInput(body: RunhooksJobBody, current: Job): Partial<JobInput> & { status?: 'active' | 'paused' } {
  const patch: Partial<JobInput> & { status?: 'active' | 'paused' } = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.description !== undefined) patch.description = body.description;
  if (body.tags !== undefined) patch.tags = body.tags;
  if (body.status !== undefined) patch.status = body.status;
  if (body.schedule !== undefined) patch.schedule = scheduleInput(body.schedule);
  if (body.httpConfig !== undefined) {
    const h = body.httpConfig;
    if (h.url !== undefined) patch.url = h.url;
    if (h.method !== undefined) patch.method = h.method;
    if (h.headers !== undefined) patch.headers = h.headers;
    if (h.body !== undefined) patch.body = h.body;
    if (h.timeoutMs !== undefined) patch.timeoutMs = h.timeoutMs;
  }
  if (body.retryPolicy !== undefined) patch.retryPolicy = retryInput({ ...retryView(current.retryPolicy), ...body.retryPolicy });
  return patch;
}

const nativeToRunhooks: Array<[RegExp, string]> = [
  [/^url$/, 'httpConfig.url'],
  [/^method$/, 'httpConfig.method'],
  [/^headers(\..*)?$/, 'httpConfig.headers$1'],
  [/^body$/, 'httpConfig.body'],
  [/^timeoutMs$/, 'httpConfig.timeoutMs'],
  [/^schedule\.every$/, 'schedule.expression'],
  [/^retryPolicy\.initialDelayMs$/, 'retryPolicy.initialDelay'],
  [/^retryPolicy\.multiplier$/, 'retryPolicy.backoffMultiplier'],
  [/^retryPolicy\.maxDelayMs$/, 'retryPolicy.maxDelay'],
  [/^channelIds.*$/, 'channel'],
  [/^config\..*$/, 'target'],
  [/^type$/, 'channel'],
];

/** The Runhooks name of a field the service layer names in Kairos's terms. */
export function runhooksField(field: string): string {
  for (const [pattern, name] of nativeToRunhooks) if (pattern.test(field)) return field.replace(pattern, name);
  return field;
}

/** The `error` string of a failure: the first field named as Runhooks names it, and nothing of a 500's cause. */
export function runhooksMessage(f: Failure): string {
  if (f.status >= 500) return 'Internal server error';
  const first = f.issues[0];
  if (f.code !== 'validation_failed' || !first) return f.message;
  return `${f.schema ? first.field : runhooksField(first.field)}: ${first.issue}`;
}

function retryView(policy: unknown): Required<RunhooksRetryPolicy> {
  const p = policy as { maxRetries: number; initialDelayMs: number; multiplier: number; maxDelayMs: number };
  return { maxRetries: p.maxRetries, initialDelay: p.initialDelayMs, backoffMultiplier: p.multiplier, maxDelay: p.maxDelayMs };
}

/** A schedule as Runhooks shows it: cron or interval; Kairos's other kinds as the cron they amount to. */
export function scheduleView(s: Schedule): { type: string; expression: string; timezone?: string } {
  switch (s.type) {
    case 'interval':
      return { type: 'interval', expression: String(s.every) };
    case 'cron':
      return { type: 'cron', expression: s.expression, timezone: s.timezone };
    case 'once':
      return { type: 'once', expression: isoOf(s.at) };
    default:
      return { type: 'cron', expression: cronPatternsOf(s).join(', '), timezone: s.timezone };
  }
}

export function jobView(job: Job) {
  return {
    id: job.id,
    name: job.name ?? '',
    ...(job.description !== null ? { description: job.description } : {}),
    schedule: scheduleView(job.schedule),
    httpConfig: {
      url: job.destination === null ? job.url : '',
      method: job.method,
      headers: job.headers,
      ...(job.payload === undefined && job.body !== null ? { body: job.body } : {}),
      timeoutMs: job.timeoutMs,
    },
    retryPolicy: retryView(job.retryPolicy),
    status: job.status,
    tags: job.tags,
    createdAt: isoOf(job.createdAt),
    updatedAt: isoOf(job.updatedAt),
    nextExecutionAt: isoOf(job.nextRunAt),
    lastExecutionAt: isoOf(job.lastRunAt),
  };
}

export function executionView(e: Execution | UnfinishedRun) {
  return {
    id: e.id,
    jobId: e.jobId,
    status: e.status,
    startedAt: isoOf(e.startedAt),
    completedAt: isoOf(e.completedAt),
    durationMs: e.durationMs,
    httpStatusCode: e.statusCode,
    responseBody: e.responseBody,
    error: e.error,
    attempt: e.attempt,
    triggeredBy: e.triggeredBy,
    replayOf: e.replayOf,
  };
}

export const alertChannels = ['email', 'webhook', 'slack'] as const;
export type RunhooksChannel = (typeof alertChannels)[number];

/** A Runhooks alert's channel and target as a Kairos alert channel. */
export function channelInput(name: string, channel: RunhooksChannel, target: string): { type: string; name: string; config: Record<string, unknown> } {
  switch (channel) {
    case 'email':
      return { type: 'email', name, config: { addresses: [target] } };
    case 'webhook':
      return { type: 'webhook', name, config: { url: target } };
    case 'slack':
      return { type: 'slack', name, config: { webhookUrl: target } };
  }
}

export interface RunhooksAlertBody {
  name?: string;
  channel?: RunhooksChannel;
  target?: string;
  jobId?: string | null;
  consecutiveFailuresThreshold?: number;
  cooldownMinutes?: number;
  enabled?: boolean;
}

/** The rule half of an alert config: Runhooks alerts on failures only. */
export function ruleInput(body: RunhooksAlertBody, creating: boolean): Record<string, unknown> {
  const rule: Record<string, unknown> = creating ? { events: ['job.failed'] } : {};
  for (const key of ['name', 'consecutiveFailuresThreshold', 'cooldownMinutes', 'enabled'] as const) if (body[key] !== undefined) rule[key] = body[key];
  if (body.jobId !== undefined) rule.jobId = body.jobId;
  return rule;
}

/** A channel's target as Runhooks shows it, its secrets masked as every door masks them. */
function targetOf(channel: AlertChannel | undefined): { channel: string; target: string } {
  if (!channel) return { channel: 'webhook', target: '' };
  const config = maskAlertChannelConfig(channel) as { addresses?: string[]; url?: string; webhookUrl?: string; botToken?: string; chatId?: string | number };
  switch (channel.type) {
    case 'email':
      return { channel: 'email', target: config.addresses?.join(', ') ?? '' };
    case 'webhook':
      return { channel: 'webhook', target: config.url ?? '' };
    case 'telegram':
      return { channel: 'telegram', target: String(config.chatId ?? '') };
    default:
      return { channel: channel.type, target: config.webhookUrl ?? '' };
  }
}

/** An alert config: a rule and the channel it sends to. `userId` is the account's id as `/auth/me` shows it. */
export function alertView({ rule, channels }: { rule: AlertRule; channels: AlertChannel[] }, userId: string) {
  return {
    id: rule.id,
    userId,
    name: rule.name,
    ...targetOf(channels[0]),
    jobId: rule.jobId,
    consecutiveFailuresThreshold: rule.consecutiveFailuresThreshold,
    cooldownMinutes: rule.cooldownMinutes,
    enabled: rule.enabled,
    createdAt: isoOf(rule.createdAt),
    updatedAt: isoOf(rule.updatedAt),
  };
}

/** Runhooks' page: `{ data, total, page, limit, totalPages }`. */
export function pageOf<T>(items: T[], total: number, page: number, limit: number) {
  return { data: items, total, page, limit, totalPages: Math.ceil(total / limit) };
}

export const usageLimitKeys = ['maxJobs', 'maxDailyRuns', 'maxMonthlyRuns', 'maxRetries', 'maxRequestTimeoutMs', 'maxAlertConfigs', 'retentionDays', 'concurrency'] as const;

/** The plan's limits under Runhooks' names (`maxTimeoutMs` is its `maxRequestTimeoutMs`). */
export function limitsView(limits: Record<string, unknown>): Record<(typeof usageLimitKeys)[number], unknown> {
  return {
    maxJobs: limits.maxJobs,
    maxDailyRuns: limits.maxDailyRuns,
    maxMonthlyRuns: limits.maxMonthlyRuns,
    maxRetries: limits.maxRetries,
    maxRequestTimeoutMs: limits.maxTimeoutMs,
    maxAlertConfigs: limits.maxAlertConfigs,
    retentionDays: limits.retentionDays,
    concurrency: limits.concurrency,
  };
}

/** Draft-7's `RateLimit` and `RateLimit-Policy` values for the tightest limit a request was counted against. */
export function rateLimitHeaders(usage: { max: number; remaining: number; resetMs: number; windowMs: number }): { ratelimit: string; 'ratelimit-policy': string } {
  return {
    ratelimit: `limit=${usage.max}, remaining=${usage.remaining}, reset=${Math.ceil(usage.resetMs / 1000)}`,
    'ratelimit-policy': `${usage.max};w=${Math.ceil(usage.windowMs / 1000)}`,
  };
}

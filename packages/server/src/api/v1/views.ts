import { maskAlertChannelConfig } from '../../domain/alertChannel.js';
import { isoOf } from '../../domain/instant.js';
import type { Job } from '../../domain/job.js';
import type { AlertChannel, AlertNotice, AlertRule, ApiKey, Execution, InboundWebhook, PendingRun, Project, SigningSecret, Space, User } from '../../domain/records.js';
import { describeSchedule } from '../../domain/scheduleDescription.js';
import { shownJob, shownSchedule } from '../../domain/shownJob.js';

/** The native API's representation of the records the use cases return: camelCase, ISO-8601 UTC instants. */

/** ISO-8601 of an instant. */
export const iso = isoOf;

/** A job as the native API returns it: as every door shows a job (domain/shownJob.ts). */
export const jobView = shownJob;

export type JobView = ReturnType<typeof jobView>;

/** One attempt as the native API returns it. */
export function executionView(e: Execution) {
  return {
    id: e.id,
    jobId: e.jobId,
    runId: e.runId,
    deliveryId: e.deliveryId,
    attempt: e.attempt,
    triggeredBy: e.triggeredBy,
    replayOf: e.replayOf,
    status: e.status,
    statusCode: e.statusCode,
    durationMs: e.durationMs,
    error: e.error,
    scheduledFor: iso(e.scheduledFor)!,
    startedAt: iso(e.startedAt)!,
    completedAt: iso(e.completedAt)!,
    responseHeaders: e.responseHeaders,
    responseBody: e.responseBody,
    request: e.request,
  };
}

export type ExecutionView = ReturnType<typeof executionView>;

/** A run made to be delivered now (run now, replay), answered before its attempt. */
export function pendingRunView(run: PendingRun) {
  return {
    runId: run.runId,
    jobId: run.jobId,
    deliveryId: run.deliveryId,
    triggeredBy: run.triggeredBy,
    ...(run.replayOf !== null ? { replayOf: run.replayOf } : {}),
    status: 'pending' as const,
    scheduledFor: new Date(run.scheduledFor).toISOString(),
  };
}

export function projectView(p: Project) {
  return { id: p.id, name: p.name, createdAt: iso(p.createdAt)! };
}

export function userView(u: User) {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, createdAt: iso(u.createdAt)! };
}

/** Who `GET /v1/auth/me` says the bearer is: a user with their projects, or a key with its project. */
export function meView(me: { user: User; projects: Project[] } | { project: Project; scopes: ApiKey['scopes']; apiKey: ApiKey }) {
  return 'user' in me ? { user: userView(me.user), projects: me.projects.map(projectView) } : { project: projectView(me.project), scopes: me.scopes, apiKey: apiKeyView(me.apiKey) };
}

/** A key as listed: never the key itself nor its hash. */
export function apiKeyView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    lastFour: k.lastFour,
    scopes: k.scopes,
    lastUsedAt: iso(k.lastUsedAt),
    createdAt: iso(k.createdAt)!,
  };
}

/** A key just made: the one response that carries the key. */
export function newApiKeyView({ apiKey: k, key }: { apiKey: ApiKey; key: string }) {
  return {
    id: k.id,
    name: k.name,
    scopes: k.scopes,
    key,
    prefix: k.prefix,
    lastFour: k.lastFour,
    createdAt: iso(k.createdAt)!,
  };
}

export function spaceView(s: Space) {
  return {
    id: s.id,
    name: s.name,
    timezone: s.timezone,
    jobCount: s.jobCount,
    activeJobCount: s.activeJobCount,
    pausedJobCount: s.pausedJobCount,
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

export type SpaceView = ReturnType<typeof spaceView>;

/** A signing secret as listed: never the secret, only its last four characters. */
export function signingSecretView(s: SigningSecret) {
  return { id: s.id, lastFour: s.lastFour, createdAt: iso(s.createdAt)!, expiresAt: iso(s.expiresAt) };
}

/** A signing secret just made: the one response that carries it. */
export function newSigningSecretView(s: SigningSecret) {
  return { ...signingSecretView(s), secret: s.secret };
}

/** The caller's project with its settings, as `GET /v1/project` returns it. */
export function projectSettingsView({ project: p, planName }: { project: Project; planName: string }) {
  return {
    id: p.id,
    name: p.name,
    plan: planName,
    badgesEnabled: p.badgesEnabled,
    eventsUrl: p.eventsUrl,
    createdAt: iso(p.createdAt)!,
  };
}

/** An inbound webhook; `baseUrl` is the server's public address its URL is built on. Never the secret. */
export function inboundWebhookView(w: InboundWebhook, baseUrl: string) {
  return {
    id: w.id,
    slug: w.slug,
    url: `${baseUrl}/v1/inbound/${w.slug}`,
    name: w.name,
    targetUrl: w.targetUrl,
    method: w.method,
    headers: w.headers,
    delayMs: w.delayMs,
    hasSecret: w.secret !== null,
    createdAt: iso(w.createdAt)!,
  };
}

/** One request an inbound webhook accepted: the job it became, what was posted, how its delivery went. */
export function inboundRequestView(job: Job) {
  return {
    jobId: job.id,
    receivedAt: iso(job.createdAt)!,
    payload: job.payload === undefined ? null : job.payload,
    jobStatus: job.status,
    scheduledFor: iso(job.nextRunAt),
    deliveredAt: iso(job.lastRunAt),
    lastStatus: job.lastStatus,
    lastStatusCode: job.lastStatusCode,
  };
}

/** An alert channel as the API shows it: its config's secrets masked. */
export function alertChannelView(c: AlertChannel) {
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    config: maskAlertChannelConfig(c),
    createdAt: iso(c.createdAt)!,
    updatedAt: iso(c.updatedAt)!,
  };
}

export type AlertChannelView = ReturnType<typeof alertChannelView>;

export function alertRuleView(r: AlertRule) {
  return {
    id: r.id,
    name: r.name,
    channelIds: r.channelIds,
    jobId: r.jobId,
    spaceId: r.spaceId,
    tag: r.tag,
    events: r.events,
    consecutiveFailuresThreshold: r.consecutiveFailuresThreshold,
    cooldownMinutes: r.cooldownMinutes,
    enabled: r.enabled,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}

export type AlertRuleView = ReturnType<typeof alertRuleView>;

/** An alert notice as `GET /v1/alerts/notices` lists it: what it said, where it went, how that went. */
export function alertNoticeView(n: AlertNotice) {
  return {
    id: n.id,
    event: n.event,
    ruleId: n.ruleId,
    channelId: n.channelId,
    jobId: n.jobId,
    consecutiveFailures: n.consecutiveFailures,
    statusCode: n.statusCode,
    error: n.error,
    status: n.status,
    attempts: n.attempts,
    lastAttempt: n.attempts === 0 ? null : { statusCode: n.lastStatusCode, error: n.lastError, response: n.lastResponse, at: iso(n.updatedAt)! },
    nextAttemptAt: n.status === 'pending' ? iso(n.dueAt) : null,
    createdAt: iso(n.createdAt)!,
  };
}

/** An import's answer: each entry's job shown as {@link importedJobView} shows it. */
export function importResultView<R extends { jobs: Array<{ job: Job }> }>(result: R): Omit<R, 'jobs'> & { jobs: Array<Omit<R['jobs'][number], 'job'> & ReturnType<typeof importedJobView>> } {
  const { jobs, ...rest } = result;
  // The entry's own fields (outcome, index, …) are R's: the rest of an element of a generic array is typed by its bound.
  return { ...rest, jobs: jobs.map(({ job, ...entry }) => ({ ...entry, ...importedJobView(job) }) as Omit<R['jobs'][number], 'job'> & ReturnType<typeof importedJobView>) };
}

/**
 * What an import made of one entry, shown in its answer (a dry run's preview): no headers, query
 * or body, which may carry the secrets the answer never repeats.
 */
export function importedJobView(job: Job) {
  return {
    name: job.name,
    method: job.method,
    url: job.destination === null ? job.url : null,
    destination: job.destination === null ? null : job.destination.type,
    schedule: shownSchedule(job.schedule),
    scheduleDescription: describeSchedule(job.schedule),
    status: job.status,
    spaceId: job.spaceId,
    nextRunAt: iso(job.nextRunAt),
  };
}

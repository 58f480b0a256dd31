import { type DeliveryStyle, runnerUserAgent } from '../domain/deliveryStyle.js';
import { type Destination, destinationHttpRequest, type EmailMessage, emailMessage } from '../domain/destinations.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../domain/retry.js';
import type { Schedule } from '../domain/schedule.js';
import { isRecurring } from '../domain/schedule.js';
import { fillDynamicFields, hasDynamicFields, hasPlaceholders, renderTemplate, type TemplateValues } from '../domain/template.js';
import type { DeliveryRequest } from '../delivery/httpDelivery.js';
import { runnerSignature, webhookSignature } from '../delivery/signature.js';
import type { Job } from '../domain/job.js';
import { decodeJob, followUpUrls, jobColumn } from '../store/rows.js';
import type { JobRow, RunRow } from '../store/schema.js';

/**
 * A job row turned, once per claim, into what its deliveries need: the request every attempt
 * starts from (its headers are the job's own and Kairos's fixed ones; each attempt adds those
 * naming the delivery), and what the engine decides with.
 */
export interface JobPlan extends DeliveryRequest {
  id: string;
  name: string | null;
  projectId: string;
  /** `email`: the message goes to the email sender; everything else is an HTTP request. */
  channel: 'http' | 'email';
  /** The message of an email destination. */
  email: EmailMessage | null;
  /** What executions record as the request URL when it differs from origin + path (a secret masked). */
  shownUrl: string | null;
  retryPolicy: RetryPolicy;
  schedule: Schedule;
  recurring: boolean;
  storeResponseBody: boolean;
  /** Some header value or the string body holds a `{{…}}` placeholder, substituted per attempt. */
  templated: boolean;
  /** The string body (never a payload) holds a placeholder. */
  bodyTemplated: boolean;
  /** The parsed payload, when it holds `"$job"`, `"$state"` or `"$previous"` values to fill per attempt. */
  dynamicPayload: unknown;
  /** The job as `$job` shows it: its view without headers, query and body. */
  view: unknown;
  /** JSON text of the job's state and previous result, kept current by this node's outcomes. */
  state: string | null;
  previousResult: string | null;
  /** The payload names `$previous`: each outcome keeps its result. */
  keepsPrevious: boolean;
  /** The job's revision when planned: its next occurrence is written only if it is still current. */
  revision: number;
  /** What its outcomes set off besides history; null for the many jobs that set off nothing. */
  followUps: FollowUps | null;
  /** What alert rules are scoped by. */
  spaceId: string | null;
  tags: readonly string[];
  /** The job's delivery style (domain/deliveryStyle.ts); null for Kairos's own. */
  style: DeliveryStyle | null;
  /** Why no request can be made from the job: each attempt fails with it. Null for every sound job. */
  planError: string | null;
}

/** A job's follow-up, callback and events URLs, and what a follow-up job is made of. */
export interface FollowUps {
  onComplete: string | null;
  callbackUrl: string | null;
  failureCallbackUrl: string | null;
  eventsUrl: string | null;
  /** The job's own payload (JSON text) or body, which its follow-up posts on. */
  payload: string | null;
  body: string | null;
  spaceId: string | null;
  /** The follow-up is delivered in its parent's style. */
  style: DeliveryStyle | null;
}

function followUpsOf(row: JobRow): FollowUps | null {
  // Most jobs have none of the four: they cost no object and the writer skips them at once.
  if (row.on_complete === null && row.callback_url === null && row.failure_callback_url === null && row.events_url === null) return null;
  return {
    ...followUpUrls(row),
    payload: row.payload,
    body: row.body,
    spaceId: row.space_id,
    style: styleOf(row),
  };
}

const styleOf = (row: JobRow): DeliveryStyle | null => jobColumn.deliveryStyle(row.delivery_style);

/** A run this node holds a lease on, from its claim until its outcome is written. */
export interface HeldRun {
  dueAt: number;
  run: RunRow;
  job: JobPlan;
  /** Until when this node's lease is known to last, once renewed (before: `run.lease_until`). */
  leaseUntil?: number;
}

/** Planning settings from the operator's configuration. */
export interface PlanSettings {
  userAgent: string;
  telegramApiUrl: string;
  /** `$job` of a job's payload: the job as the API shows it, less what may carry secrets. */
  jobVariable(job: Job): unknown;
}

export function planJob(row: JobRow, settings: PlanSettings): JobPlan {
  if (row.destination !== null) return planDestination(row, jobColumn.destination(row.destination)!, settings);
  const style = styleOf(row);
  const url = new URL(row.url);
  const query = jobColumn.query(row.query);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers = new Map<string, string>([['user-agent', style === 'runner' ? runnerUserAgent : settings.userAgent]]);
  // Runner sends every request as JSON, an empty one included.
  if (row.payload !== null || style === 'runner') headers.set('content-type', 'application/json');
  for (const [k, v] of Object.entries(jobColumn.headers(row.headers))) headers.set(k.toLowerCase(), v);
  const schedule = jobColumn.schedule(row.schedule);
  const bodiless = row.method === 'GET' || row.method === 'HEAD';
  const dynamic = !bodiless && hasDynamicFields(row.payload);
  const bodyTemplated = !bodiless && row.payload === null && hasPlaceholders(row.body);
  const templated = bodyTemplated || [...headers.values()].some(hasPlaceholders);
  // A dynamic payload is filled per attempt, `$job` included: only such a job is decoded whole.
  const job = dynamic ? decodeJob(row) : undefined;
  return {
    id: row.id,
    name: row.name,
    projectId: row.project_id,
    channel: 'http',
    email: null,
    shownUrl: null,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: row.method,
    headers: [...headers].flat(),
    body: bodiless ? null : (row.payload ?? row.body),
    timeoutMs: row.timeout_ms,
    retryPolicy: jobColumn.retryPolicy(row.retry_policy),
    schedule,
    recurring: isRecurring(schedule),
    storeResponseBody: row.store_response_body === 1,
    followRedirects: row.follow_redirects === 1,
    templated,
    bodyTemplated,
    dynamicPayload: job?.payload,
    view: job === undefined ? undefined : settings.jobVariable(job),
    state: row.state ?? null,
    previousResult: row.previous_result ?? null,
    keepsPrevious: dynamic && row.payload!.includes('"$previous"'),
    revision: row.revision,
    followUps: followUpsOf(row),
    spaceId: row.space_id,
    tags: jobColumn.tags(row.tags),
    style,
    planError: null,
  };
}

/**
 * The job's plan; when planning it throws (a row stored before a limit existed, a `$job` view
 * that fails), a plan whose every attempt fails with the reason, so that its runs are recorded,
 * retried and dead-lettered like any other rather than failing the claim of every run with them.
 */
export function planJobOrFailure(row: JobRow, settings: PlanSettings): JobPlan {
  try {
    return planJob(row, settings);
  } catch (err) {
    return failedPlan(row, err instanceof Error ? err.message : String(err));
  }
}

function failedPlan(row: JobRow, reason: string): JobPlan {
  const schedule = decodedOr(() => jobColumn.schedule(row.schedule), { type: 'once', at: row.created_at } as Schedule);
  let origin = 'invalid:';
  let path = '';
  try {
    const url = new URL(row.url);
    origin = url.origin;
    path = url.pathname;
  } catch {
    // a destination, or a URL that does not parse: the execution shows no target
  }
  return {
    id: row.id,
    name: row.name,
    projectId: row.project_id,
    channel: 'http',
    email: null,
    shownUrl: null,
    origin,
    path,
    method: row.method,
    headers: [],
    body: null,
    timeoutMs: row.timeout_ms,
    retryPolicy: decodedOr(() => jobColumn.retryPolicy(row.retry_policy), DEFAULT_RETRY_POLICY),
    schedule,
    recurring: isRecurring(schedule),
    storeResponseBody: false,
    followRedirects: false,
    templated: false,
    bodyTemplated: false,
    dynamicPayload: undefined,
    view: undefined,
    state: row.state ?? null,
    previousResult: row.previous_result ?? null,
    keepsPrevious: false,
    revision: row.revision,
    followUps: null,
    spaceId: row.space_id,
    tags: decodedOr(() => jobColumn.tags(row.tags), []),
    style: null,
    planError: `the job cannot be planned: ${reason}`,
  };
}

function decodedOr<T>(decode: () => T, fallback: T): T {
  try {
    return decode();
  } catch {
    return fallback;
  }
}

/**
 * A built-in destination, decided once: Slack, Discord and Telegram become ordinary JSON POSTs
 * (so retries, timeouts and history work as for any URL); email goes to the email channel.
 */
function planDestination(row: JobRow, destination: Destination, settings: PlanSettings): JobPlan {
  const schedule = jobColumn.schedule(row.schedule);
  const payload = row.payload === null ? null : jobColumn.payload(row.payload);
  const common = {
    id: row.id,
    name: row.name,
    projectId: row.project_id,
    method: 'POST',
    timeoutMs: row.timeout_ms,
    retryPolicy: jobColumn.retryPolicy(row.retry_policy),
    schedule,
    recurring: isRecurring(schedule),
    storeResponseBody: row.store_response_body === 1,
    // A destination's message is fixed: no templates, dynamic fields or redirects.
    followRedirects: false,
    templated: false,
    bodyTemplated: false,
    dynamicPayload: undefined,
    view: undefined,
    state: row.state ?? null,
    previousResult: row.previous_result ?? null,
    keepsPrevious: false,
    revision: row.revision,
    followUps: followUpsOf(row),
    spaceId: row.space_id,
    tags: jobColumn.tags(row.tags),
    // A destination's request is the service's own (Slack's, Telegram's...): no style applies.
    style: null,
    planError: null,
  };
  if (destination.type === 'email') {
    const email = emailMessage(destination, payload);
    return {
      ...common,
      channel: 'email',
      email,
      shownUrl: `mailto:${email.to.join(',')}`,
      origin: 'email:',
      path: '',
      method: 'EMAIL',
      headers: ['to', email.to.join(', '), 'subject', email.subject, 'content-type', email.html !== null ? 'text/html' : 'text/plain'],
      body: email.html ?? email.text,
    };
  }
  const request = destinationHttpRequest(destination, payload, settings.telegramApiUrl);
  const url = new URL(request.url);
  return {
    ...common,
    channel: 'http',
    email: null,
    shownUrl: request.shownUrl,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    headers: ['user-agent', settings.userAgent, 'content-type', 'application/json'],
    body: request.body,
  };
}

/**
 * The request for one attempt: the job's plan plus the headers that name this delivery, signed
 * with each of `signingKeys` (Standard Webhooks) when there are any, and for a Runner-style job
 * with a body, also with `runnerKey` (the newest secret's text) in `X-Runner-Signature`.
 */
export function requestFor(held: HeldRun, now: number, executionId: string, signingKeys: readonly Buffer[], runnerKey: Buffer | null = null): DeliveryRequest {
  const { job, run } = held;
  // An email's record: to, subject and body; it carries the delivery id in its own header.
  if (job.channel === 'email') return { origin: job.origin, path: job.path, method: job.method, headers: job.headers, body: job.body, timeoutMs: job.timeoutMs, followRedirects: false };
  const timestamp = String(Math.floor(now / 1000));
  let own = job.headers;
  let body = job.body;
  if (job.templated) {
    const values: TemplateValues = {
      'job.id': job.id,
      'job.name': job.name ?? '',
      'execution.id': executionId,
      'run.id': run.id,
      attempt: String(run.attempt),
      scheduledFor: new Date(run.due_at).toISOString(),
      now: new Date(now).toISOString(),
    };
    own = own.map((v, i) => (i % 2 === 1 && hasPlaceholders(v) ? renderTemplate(v, values) : v));
    if (job.bodyTemplated && body !== null) body = renderTemplate(body, values);
  }
  if (job.dynamicPayload !== undefined) {
    body = JSON.stringify(
      fillDynamicFields(job.dynamicPayload, {
        $job: job.view,
        $state: job.state === null ? null : (JSON.parse(job.state) as unknown),
        $previous: job.previousResult === null ? null : (JSON.parse(job.previousResult) as unknown),
      }),
    );
  }
  const headers = own.concat(
    'webhook-id',
    run.delivery_id,
    'webhook-timestamp',
    timestamp,
    'kairos-job-id',
    job.id,
    'kairos-attempt',
    String(run.attempt),
    'kairos-scheduled-for',
    new Date(run.due_at).toISOString(),
    'kairos-execution-id',
    executionId,
  );
  if (signingKeys.length > 0) headers.push('webhook-signature', webhookSignature(signingKeys, run.delivery_id, timestamp, body ?? ''));
  if (runnerKey !== null && job.style === 'runner' && body !== null && body !== '') headers.push('x-runner-signature', runnerSignature(runnerKey, timestamp, body));
  return {
    origin: job.origin,
    path: job.path,
    method: job.method,
    headers,
    body,
    timeoutMs: job.timeoutMs,
    followRedirects: job.followRedirects,
  };
}


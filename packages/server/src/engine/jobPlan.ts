import { type Destination, destinationHttpRequest, type EmailMessage, emailMessage } from '../domain/destinations.js';
import type { RetryPolicy } from '../domain/retry.js';
import type { Schedule } from '../domain/schedule.js';
import { isRecurring } from '../domain/schedule.js';
import type { JobRow, RunRow } from '../store/schema.js';
import type { DeliveryRequest } from '../delivery/httpDelivery.js';

/** A job row turned, once per claim, into what its deliveries need. */
export interface JobPlan {
  id: string;
  projectId: string;
  /** `email`: the message goes to the email sender; everything else is an HTTP request. */
  channel: 'http' | 'email';
  /** The message of an email destination. */
  email: EmailMessage | null;
  /** What executions record as the request URL when it differs from origin + path (a secret masked). */
  shownUrl: string | null;
  origin: string;
  path: string;
  method: string;
  /** The job's own headers and Kairos's fixed ones, as name, value, name, value… */
  headers: string[];
  body: string | null;
  timeoutMs: number;
  retryPolicy: RetryPolicy;
  schedule: Schedule;
  recurring: boolean;
  storeResponseBody: boolean;
  /** The job's revision when planned: its next occurrence is written only if it is still current. */
  revision: number;
}

/** A run this node holds a lease on, from its claim until its outcome is written. */
export interface HeldRun {
  dueAt: number;
  run: RunRow;
  job: JobPlan;
}

/** Planning settings from the operator's configuration. */
export interface PlanSettings {
  userAgent: string;
  telegramApiUrl: string;
}

export function planJob(row: JobRow, settings: PlanSettings): JobPlan {
  if (row.destination !== null) return planDestination(row, JSON.parse(row.destination) as Destination, settings);
  const { userAgent } = settings;
  const url = new URL(row.url);
  const query = JSON.parse(row.query) as Record<string, string>;
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers = new Map<string, string>([['user-agent', userAgent]]);
  if (row.payload !== null) headers.set('content-type', 'application/json');
  for (const [k, v] of Object.entries(JSON.parse(row.headers) as Record<string, string>)) headers.set(k.toLowerCase(), v);
  const schedule = JSON.parse(row.schedule) as Schedule;
  const bodiless = row.method === 'GET' || row.method === 'HEAD';
  return {
    id: row.id,
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
    retryPolicy: JSON.parse(row.retry_policy) as RetryPolicy,
    schedule,
    recurring: isRecurring(schedule),
    storeResponseBody: row.store_response_body === 1,
    revision: row.revision,
  };
}

/**
 * A built-in destination, decided once: Slack, Discord and Telegram become ordinary JSON POSTs
 * (so retries, timeouts and history work as for any URL); email goes to the email channel.
 */
function planDestination(row: JobRow, destination: Destination, settings: PlanSettings): JobPlan {
  const schedule = JSON.parse(row.schedule) as Schedule;
  const payload = row.payload === null ? null : (JSON.parse(row.payload) as unknown);
  const common = {
    id: row.id,
    projectId: row.project_id,
    method: 'POST',
    timeoutMs: row.timeout_ms,
    retryPolicy: JSON.parse(row.retry_policy) as RetryPolicy,
    schedule,
    recurring: isRecurring(schedule),
    storeResponseBody: row.store_response_body === 1,
    revision: row.revision,
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

/** The request for one attempt: the job's plan plus the headers that name this delivery. */
export function requestFor(held: HeldRun, now: number): DeliveryRequest {
  const { job, run } = held;
  // An email's record: to, subject and body; it carries the delivery id in its own header.
  if (job.channel === 'email') return { origin: job.origin, path: job.path, method: job.method, headers: job.headers, body: job.body, timeoutMs: job.timeoutMs };
  return {
    origin: job.origin,
    path: job.path,
    method: job.method,
    headers: job.headers.concat(
      'webhook-id',
      run.delivery_id,
      'webhook-timestamp',
      String(Math.floor(now / 1000)),
      'kairos-job-id',
      job.id,
      'kairos-attempt',
      String(run.attempt),
      'kairos-scheduled-for',
      new Date(run.due_at).toISOString(),
    ),
    body: job.body,
    timeoutMs: job.timeoutMs,
  };
}

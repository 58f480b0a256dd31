import type { DeliveryStyle } from './deliveryStyle.js';
import { compileDestination, defaultDestinationSettings, type Destination, type DestinationSettings } from './destinations.js';
import type { FieldIssue, Result } from './errors.js';
import { nestingIssues } from './nesting.js';
import { compileRetryPolicy, type RetryPolicy, DEFAULT_RETRY_POLICY } from './retry.js';
import { compileSchedule, isRecurring, type Schedule } from './schedule.js';

export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof httpMethods)[number];

export const limits = {
  nameLength: 255,
  payloadBytes: 256 * 1024,
  bodyBytes: 1024 * 1024,
  timeoutMs: { min: 1_000, max: 300_000, default: 30_000 },
  headerCount: 50,
  headerValueLength: 8 * 1024,
  urlLength: 2_048,
  descriptionLength: 2_000,
  tagCount: 20,
  tagLength: 50,
} as const;

/** What a job is asked to do, validated and with defaults filled in. */
export interface JobDefinition {
  name: string | null;
  /** The target; empty when the job has a destination instead. */
  url: string;
  /** A built-in destination (Slack, Discord, Telegram, email) instead of a URL. */
  destination: Destination | null;
  method: HttpMethod;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string | null;
  /** JSON text of the payload, sent as application/json. */
  payload: string | null;
  schedule: Schedule;
  retryPolicy: RetryPolicy;
  timeoutMs: number;
  description: string | null;
  tags: string[];
  spaceId: string | null;
  storeResponseBody: boolean;
  /** Follow redirects for every method, not only GET and HEAD. */
  followRedirects: boolean;
  /** Where each successful run's follow-up job POSTs the payload. */
  onComplete: string | null;
  /** Where each run's result is POSTed. */
  callbackUrl: string | null;
  /** Where a dead-lettered run's result is POSTed. */
  failureCallbackUrl: string | null;
  /** Where each attempt's lifecycle events are POSTed. */
  eventsUrl: string | null;
  /** How its requests are dressed; null for Kairos's own style. Set by the door that made it. */
  deliveryStyle: DeliveryStyle | null;
}

/** The URLs a run's outcome sets off messages to, each checked like the job's own target. */
export const followUpFields = ['onComplete', 'callbackUrl', 'failureCallbackUrl', 'eventsUrl'] as const;

/** The shape the API accepts; the JSON schema has checked the types already. */
export interface JobInput {
  name?: string;
  url?: string;
  destination?: unknown;
  method?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  body?: string;
  payload?: unknown;
  schedule: unknown;
  retryPolicy?: unknown;
  timeoutMs?: number;
  description?: string | null;
  tags?: string[];
  spaceId?: string | null;
  storeResponseBody?: boolean;
  followRedirects?: boolean;
  onComplete?: string | null;
  callbackUrl?: string | null;
  failureCallbackUrl?: string | null;
  eventsUrl?: string | null;
  /** Not a field of the native API: a door speaking another product's dialect sets it. */
  deliveryStyle?: DeliveryStyle | null;
}

// Set by the transport, or by Kairos itself; a job may not override them.
const reservedHeaders = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** What is wrong with one header a client asks Kairos to send (a job's, a webhook channel's), or null. */
export function headerIssue(name: string, value: unknown): string | null {
  if (!headerName.test(name)) return 'is not a valid header name';
  if (reservedHeaders.has(name.toLowerCase())) return 'is set by Kairos and cannot be overridden';
  if (typeof value !== 'string') return 'must be a string';
  if (/[\r\n\0]/.test(value)) return 'must not contain line breaks';
  if (value.length > limits.headerValueLength) return `must be at most ${limits.headerValueLength} characters`;
  return null;
}

/**
 * Validates a job as a client described it. `checkUrl` is the target policy's static check
 * (scheme, credentials, private literals), returning an issue or null. When a job is changed,
 * `keptSchedule` is its current schedule, used as it is when the change gives no new one (a
 * one-time instant already past stays valid for a job that has it). `destinations` is what the
 * operator configured for built-in destinations.
 */
export function compileJobDefinition(
  input: Omit<JobInput, 'schedule'> & { schedule?: unknown },
  now: number,
  checkUrl: (url: string) => string | null,
  keptSchedule?: Schedule,
  destinations: DestinationSettings = defaultDestinationSettings,
): Result<JobDefinition> {
  // Before anything below walks a value recursively (JSON.stringify, destinations, schedules).
  const tooDeep = nestingIssues(input);
  if (tooDeep.length > 0) return { ok: false, issues: tooDeep };
  const issues: FieldIssue[] = [];
  const add = (field: string, issue: string) => issues.push({ field, issue });

  if (input.name !== undefined && input.name.length > limits.nameLength) add('name', `must be at most ${limits.nameLength} characters`);

  let destination: Destination | null = null;
  if (input.url !== undefined && input.destination !== undefined) add('destination', 'give either url or destination, not both');
  else if (input.url === undefined && input.destination === undefined) add('url', 'is required (or give a destination)');
  else if (input.url !== undefined) {
    if (input.url.length > limits.urlLength) add('url', `must be at most ${limits.urlLength} characters`);
    else {
      const refused = checkUrl(input.url);
      if (refused) add('url', refused);
    }
  } else {
    const compiled = compileDestination(input.destination, input.payload, checkUrl, destinations);
    if (compiled.ok) destination = compiled.value;
    else issues.push(...compiled.issues);
    // Kairos builds the request of a destination: nothing of the HTTP request is the job's own.
    if (input.method !== undefined && input.method.toUpperCase() !== 'POST') add('method', 'is not used with a destination');
    if (Object.keys(input.headers ?? {}).length > 0) add('headers', 'are not used with a destination');
    if (Object.keys(input.query ?? {}).length > 0) add('query', 'is not used with a destination');
    if (input.body !== undefined) add('body', 'is not used with a destination; give payload');
  }

  const headers: Record<string, string> = {};
  const headerEntries = Object.entries(input.headers ?? {});
  if (headerEntries.length > limits.headerCount) add('headers', `at most ${limits.headerCount} headers`);
  for (const [name, value] of headerEntries) {
    const issue = headerIssue(name, value);
    if (issue) add(`headers.${name}`, issue);
    else headers[name] = value;
  }

  const followUps: Record<(typeof followUpFields)[number], string | null> = { onComplete: null, callbackUrl: null, failureCallbackUrl: null, eventsUrl: null };
  for (const field of followUpFields) {
    const url = input[field];
    if (url === undefined || url === null) continue;
    const refused = url.length > limits.urlLength ? `must be at most ${limits.urlLength} characters` : checkUrl(url);
    if (refused) add(field, refused);
    else followUps[field] = url;
  }

  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.query ?? {})) query[k] = String(v);

  if (input.body !== undefined && input.payload !== undefined) add('body', 'give either body or payload, not both');
  let body: string | null = null;
  let payload: string | null = null;
  if (input.body !== undefined) {
    if (Buffer.byteLength(input.body) > limits.bodyBytes) add('body', `must be at most ${limits.bodyBytes} bytes`);
    body = input.body;
  }
  if (input.payload !== undefined) {
    payload = JSON.stringify(input.payload);
    if (Buffer.byteLength(payload) > limits.payloadBytes) add('payload', `must be at most ${limits.payloadBytes} bytes as JSON`);
  }

  if (input.description != null && input.description.length > limits.descriptionLength) add('description', `must be at most ${limits.descriptionLength} characters`);
  const tags = [...new Set(input.tags ?? [])];
  if (tags.length > limits.tagCount) add('tags', `at most ${limits.tagCount} tags`);
  tags.forEach((tag, i) => {
    if (tag.length === 0 || tag.length > limits.tagLength) add(`tags[${i}]`, `must be 1 to ${limits.tagLength} characters`);
  });

  const schedule: Result<Schedule> = input.schedule === undefined && keptSchedule ? { ok: true, value: keptSchedule } : compileSchedule(input.schedule, now);
  if (!schedule.ok) issues.push(...schedule.issues);
  const retry = input.retryPolicy === undefined ? ({ ok: true, value: DEFAULT_RETRY_POLICY } as const) : compileRetryPolicy(input.retryPolicy);
  if (!retry.ok) issues.push(...retry.issues);

  const timeoutMs = input.timeoutMs ?? limits.timeoutMs.default;
  if (!Number.isInteger(timeoutMs) || timeoutMs < limits.timeoutMs.min || timeoutMs > limits.timeoutMs.max) {
    add('timeoutMs', `must be an integer from ${limits.timeoutMs.min} to ${limits.timeoutMs.max}`);
  }

  let method: HttpMethod;
  if (input.method !== undefined) {
    const upper = input.method.toUpperCase();
    if (!(httpMethods as readonly string[]).includes(upper)) add('method', `must be one of ${httpMethods.join(', ')}`);
    method = upper as HttpMethod;
  } else {
    // A body means POST; without one, a recurring job polls with GET and a one-time job POSTs.
    method = body !== null || payload !== null ? 'POST' : schedule.ok && isRecurring(schedule.value) ? 'GET' : 'POST';
  }
  if ((method === 'GET' || method === 'HEAD') && (body !== null || payload !== null)) {
    add(payload !== null ? 'payload' : 'body', `cannot be sent with ${method}; use POST, PUT or PATCH`);
  }

  if (issues.length > 0 || !schedule.ok || !retry.ok) return { ok: false, issues };
  return {
    ok: true,
    value: {
      name: input.name ?? null,
      url: input.url ?? '',
      destination,
      method: destination ? 'POST' : method,
      headers,
      query,
      body,
      payload,
      schedule: schedule.value,
      retryPolicy: retry.value,
      timeoutMs,
      description: input.description ?? null,
      tags,
      spaceId: input.spaceId ?? null,
      storeResponseBody: input.storeResponseBody ?? true,
      followRedirects: input.followRedirects ?? false,
      ...followUps,
      deliveryStyle: input.deliveryStyle ?? null,
    },
  };
}

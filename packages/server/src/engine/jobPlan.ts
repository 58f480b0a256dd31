import type { RetryPolicy } from '../domain/retry.js';
import type { Schedule } from '../domain/schedule.js';
import { isRecurring } from '../domain/schedule.js';
import type { JobRow, RunRow } from '../store/schema.js';
import type { DeliveryRequest } from '../delivery/httpDelivery.js';
import { webhookSignature } from '../delivery/signature.js';
import { fillDynamicFields, hasDynamicFields, hasPlaceholders, renderTemplate, type TemplateValues } from '../domain/template.js';
import { jobView } from '../service/views.js';

/** A job row turned, once per claim, into what its deliveries need. */
export interface JobPlan {
  id: string;
  name: string | null;
  projectId: string;
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
  /** Redirects are followed for any method, not only GET and HEAD. */
  followRedirects: boolean;
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
}

/** A run this node holds a lease on, from its claim until its outcome is written. */
export interface HeldRun {
  dueAt: number;
  run: RunRow;
  job: JobPlan;
}

export function planJob(row: JobRow, userAgent: string): JobPlan {
  const url = new URL(row.url);
  const query = JSON.parse(row.query) as Record<string, string>;
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers = new Map<string, string>([['user-agent', userAgent]]);
  if (row.payload !== null) headers.set('content-type', 'application/json');
  for (const [k, v] of Object.entries(JSON.parse(row.headers) as Record<string, string>)) headers.set(k.toLowerCase(), v);
  const schedule = JSON.parse(row.schedule) as Schedule;
  const bodiless = row.method === 'GET' || row.method === 'HEAD';
  const dynamic = !bodiless && hasDynamicFields(row.payload);
  const bodyTemplated = !bodiless && row.payload === null && hasPlaceholders(row.body);
  const templated = bodyTemplated || [...headers.values()].some(hasPlaceholders);
  return {
    id: row.id,
    name: row.name,
    projectId: row.project_id,
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
    followRedirects: row.follow_redirects === 1,
    templated,
    bodyTemplated,
    dynamicPayload: dynamic ? (JSON.parse(row.payload!) as unknown) : undefined,
    view: dynamic ? jobVariable(row) : undefined,
    state: row.state ?? null,
    previousResult: row.previous_result ?? null,
    keepsPrevious: dynamic && row.payload!.includes('"$previous"'),
    revision: row.revision,
  };
}

/**
 * The request for one attempt: the job's plan plus the headers that name this delivery, signed
 * with each of `signingKeys` (Standard Webhooks) when there are any.
 */
export function requestFor(held: HeldRun, now: number, executionId: string, signingKeys: readonly Buffer[]): DeliveryRequest {
  const { job, run } = held;
  const timestamp = String(Math.floor(now / 1000));
  let own = job.headers;
  let body = job.body;
  if (job.templated) {
    const values: TemplateValues = {
      'job.id': job.id,
      'job.name': job.name ?? '',
      'execution.id': executionId,
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

/** `$job`: the job's view without what may carry secrets (headers, query, body, payload). */
function jobVariable(row: JobRow): unknown {
  const { headers: _h, query: _q, body: _b, payload: _p, ...view } = jobView({ ...row, next_run_at: null }) as Record<string, unknown>;
  return view;
}

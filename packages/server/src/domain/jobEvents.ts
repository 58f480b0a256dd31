/**
 * The messages a recorded attempt sets off, as pure values: a job's callbacks and lifecycle
 * events, and the project's event envelopes. The engine writes them to the outbox in the
 * outcome's transaction; ids are given in, so the same message keeps its id across retries.
 */

/** Attempts a message gets before it is given up: callbacks are not retried forever. */
export const messageAttempts = { callback: 3, job_event: 3, project_event: 4, alert: 4 } as const;

/** Response bodies carried in messages are cut here; the execution keeps up to 100 KiB. */
export const messageBodyCap = 64 * 1024;

/** What messages are built from: one attempt as recorded. */
export interface AttemptRecord {
  jobId: string;
  jobName: string | null;
  runId: string;
  executionId: string;
  deliveryId: string;
  attempt: number;
  status: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  scheduledFor: number;
  startedAt: number;
  completedAt: number;
  request: { method: string | null; url: string | null; headers: Record<string, string>; body: string | null };
  response: { headers: Record<string, string | string[]> | null; body: string | null };
  /** When the run's next attempt is due, or null when this attempt ended the run. */
  nextAttemptAt: number | null;
}

export type LifecycleEventType = 'job.started' | 'job.request' | 'job.response' | 'job.error' | 'job.finished';

/** `{ id, type, createdAt, data }`: the shape of every event Kairos posts. */
export interface EventEnvelope {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const cap = (body: string | null) => (body !== null && body.length > messageBodyCap ? body.slice(0, messageBodyCap) : body);

/** The body a job's `callbackUrl` (after each run) or `failureCallbackUrl` (a dead-lettered run) receives. */
export function callbackBody(a: AttemptRecord): Record<string, unknown> {
  return {
    jobId: a.jobId,
    jobName: a.jobName,
    runId: a.runId,
    executionId: a.executionId,
    deliveryId: a.deliveryId,
    attempt: a.attempt,
    status: a.status,
    statusCode: a.statusCode,
    error: a.error,
    durationMs: a.durationMs,
    scheduledFor: iso(a.scheduledFor),
    startedAt: iso(a.startedAt),
    completedAt: iso(a.completedAt),
    responseHeaders: a.response.headers,
    responseBody: cap(a.response.body),
  };
}

/**
 * The lifecycle events of one attempt, in the order they happened: started, request, response
 * (when an answer came), error (when it failed), finished (when it ended its run).
 */
export function lifecycleEvents(a: AttemptRecord, ids: () => string): EventEnvelope[] {
  const base = { jobId: a.jobId, runId: a.runId, executionId: a.executionId, deliveryId: a.deliveryId, attempt: a.attempt };
  const events: EventEnvelope[] = [
    { id: ids(), type: 'job.started', createdAt: iso(a.startedAt), data: { ...base, scheduledFor: iso(a.scheduledFor), startedAt: iso(a.startedAt) } },
    { id: ids(), type: 'job.request', createdAt: iso(a.startedAt), data: { ...base, method: a.request.method, url: a.request.url, headers: withoutSignature(a.request.headers), body: cap(a.request.body) } },
  ];
  if (a.statusCode !== null) {
    events.push({ id: ids(), type: 'job.response', createdAt: iso(a.completedAt), data: { ...base, statusCode: a.statusCode, headers: a.response.headers, body: cap(a.response.body), durationMs: a.durationMs } });
  }
  if (a.status !== 'success') {
    events.push({
      id: ids(),
      type: 'job.error',
      createdAt: iso(a.completedAt),
      data: { ...base, status: a.status, statusCode: a.statusCode, error: a.error, willRetry: a.nextAttemptAt !== null, nextAttemptAt: a.nextAttemptAt === null ? null : iso(a.nextAttemptAt) },
    });
  }
  if (a.nextAttemptAt === null) {
    events.push({ id: ids(), type: 'job.finished', createdAt: iso(a.completedAt), data: { ...base, status: a.status, statusCode: a.statusCode, durationMs: a.durationMs } });
  }
  return events;
}


function withoutSignature(headers: Record<string, string>): Record<string, string> {
  const { 'webhook-signature': _signature, ...rest } = headers;
  return rest;
}

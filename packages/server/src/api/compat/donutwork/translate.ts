/**
 * Donutwork's Job Runner dialect (seed 002) to and from Kairos's jobs. Pure.
 */
import { STATUS_CODES } from 'node:http';
import type { FieldIssue } from '../../../domain/errors.js';
import type { JobInput } from '../../../domain/jobDefinition.js';
import type { Job } from '../../../domain/job.js';
import type { Execution } from '../../../domain/records.js';

/** What `POST /2026-02-01/job-runner.json` takes under `jobrunner`; the schema has checked the types. */
export interface JobRunnerInput {
  title?: string | null;
  method?: string | null;
  url: string;
  content_type?: string | null;
  body?: string | null;
  schedulation: string[];
}

/** The native job a job runner is: its times run every day (UTC unless its space says otherwise). */
export function donutworkJobInput(j: JobRunnerInput): JobInput {
  return {
    ...(typeof j.title === 'string' ? { name: j.title } : {}),
    url: j.url,
    ...(typeof j.method === 'string' ? { method: j.method } : {}),
    headers: j.content_type ? { 'Content-Type': j.content_type } : {},
    // An empty body is no body: a GET job runner may carry `"body": ""`.
    ...(j.body ? { body: j.body } : {}),
    schedule: { type: 'daily', times: j.schedulation },
  };
}

const fieldNames: Record<string, string> = { name: 'title', 'headers.Content-Type': 'content_type', 'schedule.times': 'schedulation' };

/**
 * The message Donutwork gives for the first issue: its own sentence for a bad time (naming the
 * value given), else the field as its client names it.
 */
export function donutworkError(issues: readonly FieldIssue[], input: JobRunnerInput | undefined): string {
  const first = issues[0];
  if (!first) return 'The request is not valid.';
  const time = /^schedule\.times\[(\d+)\]$/.exec(first.field);
  // A time given twice is well formed: only a malformed one gets the documented sentence.
  if (time && input && !first.issue.startsWith('repeats')) return `Invalid schedulation time ${JSON.stringify(String(input.schedulation[Number(time[1])]))}. Use HH:mm format`;
  const field = Object.entries(fieldNames).reduce((f, [from, to]) => (f === from || f.startsWith(`${from}[`) ? to + f.slice(from.length) : f), first.field);
  return `jobrunner.${field}: ${first.issue.replace(/schedule\.times/g, 'schedulation')}`;
}

/** A job as Donutwork lists it. */
export function jobRunnerView(job: Job) {
  const schedule = job.schedule;
  const contentType = Object.entries(job.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const hasPayload = job.payload !== undefined;
  const hasBody = hasPayload || (job.body !== null && job.body !== '');
  return {
    id: job.id,
    title: job.name,
    method: job.method,
    url: job.destination === null ? job.url : null,
    content_type: contentType ?? (hasPayload ? 'application/json' : null),
    has_body: hasBody,
    // A job made through another door on another kind of schedule has no daily times.
    schedulation: schedule.type === 'daily' ? (schedule.times ?? []) : [],
  };
}

/** Donutwork's list envelope. */
export function jobRunnerList(items: readonly Job[], total: number, page: number, size: number) {
  return {
    entities: 'JobRunner',
    count: total,
    per_page: size,
    pages: { current: page, max: Math.max(1, Math.ceil(total / size)) },
    elements: items.map(jobRunnerView),
  };
}

/** The answer of a synchronous run: the status line and headers as text lines, the body, the time taken. */
export function runResult(jobId: string, e: Execution) {
  const headers: string[] = [];
  if (e.statusCode !== null) {
    headers.push(`HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode] ?? ''}`.trimEnd());
    for (const [name, value] of Object.entries(e.responseHeaders ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) headers.push(`${name}: ${v}`);
    }
  }
  return {
    job_runner_id: jobId,
    status: e.status === 'success' ? 'success' : 'failed',
    headers,
    response: e.responseBody ?? e.error ?? '',
    ms: e.durationMs,
  };
}

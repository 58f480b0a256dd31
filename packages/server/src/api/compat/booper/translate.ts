/**
 * Booper's dialect (seed 004) to and from Kairos's jobs. Pure: no I/O, no clock reads (`now` is
 * passed in where a state depends on it).
 */
import type { FieldIssue, Result } from '../../../domain/errors.js';
import { isoOf } from '../../../domain/instant.js';
import type { Schedule } from '../../../domain/schedule.js';
import type { JobInput } from '../../../domain/jobDefinition.js';
import { present } from '../../../domain/input.js';
import type { JobProgress } from '../../../service/jobs.js';
import { runNumberOf, uuidOf } from '../ids.js';

export const booperMethods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Seconds, or `[n, unit]`. */
export type Span = number | [number, string];

/** What `POST /api/jobs` takes (its "Body" list); the schema has checked the types. */
export interface BooperCreate {
  method?: string | null;
  url: string;
  query?: Record<string, string | number | boolean> | null;
  body?: unknown;
  headers?: Record<string, string> | null;
  schedule_in?: unknown;
  scheduled_at?: unknown;
  repeat_every?: unknown;
  cron?: string | null;
  idempotency_key?: string | null;
  callback_url?: string | null;
  webhook_url?: string | null;
  name?: string | null;
  description?: string | null;
}

const unitSeconds: Record<string, number> = { second: 1, minute: 60, hour: 3_600, day: 86_400, week: 604_800 };
/** Beyond this a span or an instant leaves the calendar Kairos schedules on (JavaScript's last day). */
const maxSeconds = 8.64e12;

/** Seconds in a span such as `30`, `[5, "minutes"]` or `[1, "day"]`; an issue when it is not one. */
export function spanSeconds(span: unknown): { ok: true; seconds: number } | { ok: false; issue: string } {
  if (typeof span === 'number') {
    if (!Number.isFinite(span) || span < 0) return { ok: false, issue: 'must be a number of seconds, 0 or more' };
    return span > maxSeconds ? { ok: false, issue: 'is too long' } : { ok: true, seconds: span };
  }
  if (Array.isArray(span) && span.length === 2 && typeof span[0] === 'number' && typeof span[1] === 'string') {
    const unit = span[1].toLowerCase().replace(/s$/, '');
    const per = unitSeconds[unit];
    if (per === undefined) return { ok: false, issue: 'unit must be one of seconds, minutes, hours, days, weeks' };
    if (!Number.isFinite(span[0]) || span[0] < 0) return { ok: false, issue: 'must be a number of units, 0 or more' };
    return span[0] * per > maxSeconds ? { ok: false, issue: 'is too long' } : { ok: true, seconds: span[0] * per };
  }
  return { ok: false, issue: 'must be a number of seconds or a tuple such as [5, "minutes"]' };
}

/** A naive datetime (Booper's `inserted_at`) is UTC; one with `Z` or an offset names its instant. */
function instantOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 && value <= maxSeconds ? Math.round(value * 1000) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const naive = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text);
  if (!naive && !/([Zz]|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const ms = Date.parse(naive ? `${text.replace(' ', 'T')}${text.length === 10 ? 'T00:00:00' : ''}Z` : text);
  return Number.isNaN(ms) ? null : ms;
}

/** Kairos's field names in issues, as Booper's client named them. */
const fieldNames: Record<string, string> = {
  payload: 'body',
  'schedule.at': 'scheduled_at',
  'schedule.delay': 'schedule_in',
  'schedule.every': 'repeat_every',
  'schedule.expression': 'cron',
  callbackUrl: 'callback_url',
  eventsUrl: 'webhook_url',
};

export function booperIssue(issue: FieldIssue): FieldIssue {
  const head = Object.keys(fieldNames).find((k) => issue.field === k || issue.field.startsWith(`${k}.`));
  return head === undefined ? issue : { field: fieldNames[head]! + issue.field.slice(head.length), issue: issue.issue };
}

/**
 * The native job a Booper create asks for. At most one of `schedule_in` and `scheduled_at` (when
 * to run once; now without either) or one of `repeat_every` and `cron` (UTC) for a recurring
 * job; `body` is the JSON payload, in which `$job`, `$state` and `$previous` are filled. A
 * `scheduled_at` that has passed by `now` runs at once, as an overdue Oban job does (Booper's
 * clients send "now" as a timestamp, which is past by the time it arrives).
 */
export function booperJobInput(body: BooperCreate, now: number): Result<JobInput> {
  const issues: FieldIssue[] = [];
  const add = (field: string, issue: string) => issues.push({ field, issue });
  const given = (['schedule_in', 'scheduled_at', 'repeat_every', 'cron'] as const).filter((f) => present(body[f]));
  let schedule: unknown = { type: 'once', delay: 0 };
  if (given.length > 1) {
    add(given[1]!, `cannot be combined with ${given[0]}; give one of schedule_in, scheduled_at, repeat_every, cron`);
  } else if (given[0] === 'schedule_in' || given[0] === 'repeat_every') {
    const span = spanSeconds(body[given[0]]);
    if (!span.ok) add(given[0], span.issue);
    else schedule = given[0] === 'schedule_in' ? { type: 'once', delay: Math.round(span.seconds * 1000) } : { type: 'interval', every: Math.round(span.seconds * 1000), timezone: 'UTC' };
  } else if (given[0] === 'scheduled_at') {
    const at = instantOf(body.scheduled_at!);
    if (at === null) add('scheduled_at', 'must be a datetime string (e.g. 2030-01-31T09:00:00Z) or a Unix timestamp in seconds');
    else schedule = at <= now ? { type: 'once', delay: 0 } : { type: 'once', at };
  } else if (given[0] === 'cron') {
    schedule = { type: 'cron', expression: body.cron, timezone: 'UTC' };
  }
  const method = (body.method ?? 'get').toLowerCase();
  if (!(booperMethods as readonly string[]).includes(method)) add('method', `must be one of ${booperMethods.join(', ')}`);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      url: body.url,
      method: method.toUpperCase(),
      headers: body.headers ?? {},
      query: body.query ?? {},
      ...(present(body.body) ? { payload: body.body } : {}),
      schedule,
      ...(present(body.name) ? { name: body.name! } : {}),
      ...(present(body.description) ? { description: body.description } : {}),
      ...(present(body.callback_url) ? { callbackUrl: body.callback_url } : {}),
      ...(present(body.webhook_url) ? { eventsUrl: body.webhook_url } : {}),
    },
  };
}

/** The schedule fields a stored job was made with, as Booper's `args` names them. */
function scheduleArgs(schedule: Schedule): Record<string, unknown> {
  switch (schedule.type) {
    case 'once':
      return { scheduled_at: isoOf(schedule.at) };
    case 'interval':
      return { repeat_every: schedule.every / 1000 };
    case 'cron':
      return { cron: schedule.expression };
    default:
      // A schedule Booper has no field for (made through another door).
      return {};
  }
}

/** `2023-09-01T18:25:49`: Booper's top-level `inserted_at`, UTC without a zone or fractions. */
const naive = (iso: string) => iso.slice(0, 19);

/** Oban's states: where a job's current run stands. */
export function runState(progress: Pick<JobProgress, 'job' | 'run' | 'last'>, now: number): string {
  const { job, run, last } = progress;
  if (job.status === 'cancelled') return 'cancelled';
  if (run) {
    if (run.leased && run.dueAt <= now) return 'executing';
    if (run.attempt > 1) return 'retryable';
    return run.dueAt > now ? 'scheduled' : 'available';
  }
  if (last === null) return job.status === 'completed' ? 'completed' : 'scheduled';
  return last.status === 'success' ? 'completed' : 'discarded';
}

/**
 * A job as Booper's answer shows it (under `data`). `args` are the request's own fields on a
 * create, and the stored job's on a read. `conflict` says an earlier job was answered for the
 * same idempotency key.
 */
export function booperJobView(progress: JobProgress, now: number, options: { args?: Record<string, unknown>; conflict?: boolean; projectId: string }) {
  const { job, run, last } = progress;
  const schedule = job.schedule;
  const recurring = schedule.type !== 'once';
  const runId = run?.id ?? last?.runId ?? null;
  // A one-time job is one Oban job: its number is the job's, the same before and after its run
  // or its cancellation. Each run of a recurring job is a job of its own with its own number.
  const number = runNumberOf(recurring && runId !== null ? runId : job.id);
  const ended = run === null && last !== null && last.runId === runId;
  const state = runState(progress, now);
  const args = options.args ?? {
    body: job.payload !== undefined ? job.payload : null,
    headers: job.headers,
    method: job.method.toLowerCase(),
    query: job.query,
    url: job.destination === null ? job.url : null,
    ...scheduleArgs(schedule),
  };
  return {
    id: uuidOf(job.id) ?? job.id,
    idempotency_key: progress.idempotencyKey,
    inserted_at: naive(isoOf(job.createdAt)),
    name: job.name,
    description: job.description,
    user_id: uuidOf(options.projectId) ?? options.projectId,
    schedule_id: recurring ? (uuidOf(job.id) ?? job.id) : null,
    job_id: number,
    job: {
      attempted_at: last !== null && last.runId === runId ? isoOf(last.startedAt) : null,
      cancelled_at: job.status === 'cancelled' ? isoOf(job.updatedAt) : null,
      completed_at: ended && state === 'completed' ? isoOf(last.completedAt) : null,
      discarded_at: ended && state === 'discarded' ? isoOf(last.completedAt) : null,
      has_confict: options.conflict ?? false,
      id: number,
      inserted_at: run ? isoOf(run.createdAt) : last ? isoOf(last.startedAt) : isoOf(job.createdAt),
      // A one-time job keeps its instant; a recurring one without a run shows its last attempt's.
      scheduled_at: run ? isoOf(run.dueAt) : schedule.type === 'once' ? isoOf(schedule.at) : last ? isoOf(last.startedAt) : null,
      state,
    },
    args,
  };
}

/** The request's own fields as `args` echoes them: what was sent, with the method as given or its default. */
export function argsOf(body: BooperCreate): Record<string, unknown> {
  const args: Record<string, unknown> = {
    body: body.body ?? null,
    headers: body.headers ?? {},
    method: (body.method ?? 'get').toLowerCase(),
    query: body.query ?? {},
    url: body.url,
  };
  for (const f of ['schedule_in', 'scheduled_at', 'repeat_every', 'cron', 'callback_url', 'webhook_url'] as const) if (present(body[f])) args[f] = body[f];
  return args;
}

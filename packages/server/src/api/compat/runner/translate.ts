/**
 * Runner's REST dialect (seed 000) to and from Kairos's jobs. Pure: no I/O, no clock reads.
 */
import type { FieldIssue, Result } from '../../../domain/errors.js';
import { isoOf } from '../../../domain/instant.js';
import type { Job } from '../../../domain/job.js';
import type { JobInput } from '../../../domain/jobDefinition.js';
import { isPlainObject, present } from '../../../domain/input.js';
import type { RetryPolicy } from '../../../domain/retry.js';
import { normaliseTimeZone, PRESETS } from '../../../domain/schedule.js';
import { isLocalDateTime, parseWallClock } from '../../../domain/wallClock.js';
import { uuidOf } from '../ids.js';

/** What `POST /api/v1/jobs` takes (its "Create-job fields" table); the schema has checked the types. */
export interface RunnerCreate {
  url?: string | null;
  destination?: Record<string, unknown> | null;
  /** Any JSON value: the service says what is wrong with one that is not an instant. */
  runAt?: unknown;
  runEvery?: unknown;
  timezone?: string | null;
  payload?: object | null;
  onComplete?: string | null;
}

/** Runner's documented retries: after the first attempt, three more after 30 s, 2 min and 8 min. */
export const runnerRetryPolicy: RetryPolicy = { maxRetries: 3, strategy: 'exponential', initialDelayMs: 30_000, multiplier: 4, maxDelayMs: 480_000 };

/** Runner's statuses for Kairos's: an active job is `scheduled`. */
const statusOf: Record<string, string> = { active: 'scheduled', paused: 'paused', cancelled: 'cancelled', completed: 'completed', failed: 'failed' };

/** Kairos's field names in issues, as Runner's client named them. */
const fieldNames: Record<string, string> = {
  'schedule.at': 'runAt',
  'schedule.preset': 'runEvery',
  'schedule.day': 'runEvery.day',
  'schedule.hour': 'runEvery.hour',
  'schedule.minute': 'runEvery.minute',
  'schedule.timezone': 'timezone',
  schedule: 'runEvery',
};

/** An issue about a Kairos field, named as Runner's client knows it. */
export function runnerIssue(issue: FieldIssue): FieldIssue {
  const field = fieldNames[issue.field] ?? issue.field.replace(/^schedule\.(\w+)$/, 'runEvery.$1');
  return { field, issue: issue.issue };
}

/**
 * The native job a Runner create asks for: exactly one of `url` and `destination`, exactly one
 * of `runAt` (a future ISO instant or epoch milliseconds) and `runEvery` (a preset or
 * `{ day, hour, minute }`), sent as a JSON POST in Runner's delivery style with Runner's retries.
 * Recurring schedules without `timezone` follow `serverTimeZone`, as Runner's do.
 */
export function runnerJobInput(body: RunnerCreate, serverTimeZone: string): Result<JobInput> {
  const issues: FieldIssue[] = [];
  const add = (field: string, issue: string) => issues.push({ field, issue });
  if (present(body.url) === present(body.destination)) add('url', present(body.url) ? 'give either url or destination, not both' : 'is required (or give a destination)');
  let schedule: unknown;
  if (present(body.runAt) === present(body.runEvery)) {
    add('runAt', present(body.runAt) ? 'give either runAt or runEvery, not both' : 'is required (or give runEvery)');
  } else if (present(body.runAt)) {
    schedule = { type: 'once', at: onceInstant(body.runAt, body.timezone ?? undefined, serverTimeZone, add) };
  } else {
    const timezone = body.timezone ?? serverTimeZone;
    const every = body.runEvery;
    if (typeof every === 'string') {
      if (!(PRESETS as readonly string[]).includes(every)) add('runEvery', `must be one of ${PRESETS.join(', ')}, or { day, hour, minute }`);
      schedule = { type: 'preset', preset: every, timezone };
    } else if (isPlainObject(every)) {
      for (const key of Object.keys(every)) if (!['day', 'hour', 'minute'].includes(key)) add(`runEvery.${key}`, 'is not a field of a weekly schedule (day, hour, minute)');
      schedule = { type: 'weekly', day: every.day, hour: every.hour ?? 0, minute: every.minute ?? 0, timezone };
    } else {
      add('runEvery', `must be one of ${PRESETS.join(', ')}, or { day, hour, minute }`);
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      ...(present(body.url) ? { url: body.url!, method: 'POST' } : { destination: body.destination! }),
      ...(present(body.payload) ? { payload: body.payload! } : {}),
      schedule,
      retryPolicy: runnerRetryPolicy,
      ...(present(body.onComplete) ? { onComplete: body.onComplete! } : {}),
      deliveryStyle: 'runner',
    },
  };
}

/**
 * `runAt` as the service takes it. Runner reads a date-time without an offset ("2027-06-01T09:00")
 * as wall-clock time in `timezone`, or the server's zone without one; any other value goes to the
 * service as given, which accepts an instant with an offset or epoch ms and names what else is wrong.
 */
function onceInstant(runAt: unknown, timezone: string | undefined, serverTimeZone: string, add: (field: string, issue: string) => void): unknown {
  const zone = timezone === undefined ? serverTimeZone : normaliseTimeZone(timezone);
  if (zone === null) {
    add('timezone', 'is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)');
    return runAt;
  }
  if (typeof runAt !== 'string' || !isLocalDateTime(runAt)) return runAt;
  return parseWallClock(runAt, zone) ?? runAt;
}

/** `runEvery` as Runner shows it; a schedule no Runner client could have made shows as Kairos's own. */
function runEveryOf(schedule: Record<string, unknown>): unknown {
  if (schedule.type === 'once') return null;
  if (schedule.type === 'preset') return schedule.preset;
  if (schedule.type === 'weekly') return { day: schedule.day, hour: schedule.hour, minute: schedule.minute };
  return schedule;
}

/** A job as Runner's "Create-job response" shows it: the bare object, its id in UUID form. */
export function runnerJobView(job: Job) {
  const schedule = job.schedule;
  return {
    id: uuidOf(job.id) ?? job.id,
    url: job.destination === null ? job.url : null,
    status: statusOf[job.status] ?? job.status,
    scheduleType: schedule.type === 'once' ? 'once' : 'recurring',
    destinationType: job.destination?.type ?? 'http',
    runAt: schedule.type === 'once' ? isoOf(schedule.at) : null,
    runEvery: runEveryOf(schedule as unknown as Record<string, unknown>),
    nextRunAt: isoOf(job.nextRunAt),
    createdAt: isoOf(job.createdAt),
  };
}

export type RunnerJob = ReturnType<typeof runnerJobView>;

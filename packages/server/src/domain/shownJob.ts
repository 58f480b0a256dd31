import { maskDestination } from './destinations.js';
import { isoOf } from './instant.js';
import type { Job } from './job.js';
import type { OnceSchedule, Schedule } from './schedule.js';
import { describeSchedule } from './scheduleDescription.js';

/** A schedule as a job is shown: a one-time instant in ISO-8601 like every other time. */
export type ShownSchedule = Exclude<Schedule, OnceSchedule> | { type: 'once'; at: string };

export function shownSchedule(schedule: Schedule): ShownSchedule {
  return schedule.type === 'once' ? { ...schedule, at: isoOf(schedule.at) } : schedule;
}

/**
 * A job as it is shown: the native API's job (api/v1/views.ts), and, less its request and its
 * schedule in words, `$job` (jobVariable.ts). Native names, instants in ISO-8601, a destination's
 * secrets masked; the keys in the order readers of the live stream and receivers of `$job` have
 * been sent them.
 *
 * One object literal, not assembled from parts: the API builds one for every job it answers with
 * (a batch create, a thousand), and spreading parts into it made V8 build each as a dictionary,
 * ten times slower to make and to serialise.
 */
export function shownJob(job: Job) {
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    status: job.status,
    // Only serialised from here on: no copy of the record's array.
    tags: job.tags as string[],
    spaceId: job.spaceId,
    url: job.destination === null ? job.url : null,
    destination: job.destination === null ? null : maskDestination(job.destination),
    method: job.method,
    headers: job.headers,
    query: job.query,
    ...(job.payload !== undefined ? { payload: job.payload } : { body: job.body }),
    schedule: shownSchedule(job.schedule),
    scheduleDescription: describeSchedule(job.schedule),
    retryPolicy: job.retryPolicy,
    timeoutMs: job.timeoutMs,
    storeResponseBody: job.storeResponseBody,
    followRedirects: job.followRedirects,
    onComplete: job.onComplete,
    callbackUrl: job.callbackUrl,
    failureCallbackUrl: job.failureCallbackUrl,
    eventsUrl: job.eventsUrl,
    parentJobId: job.parentJobId,
    nextRunAt: isoOf(job.nextRunAt),
    lastRunAt: isoOf(job.lastRunAt),
    lastStatus: job.lastStatus,
    lastStatusCode: job.lastStatusCode,
    lastDurationMs: job.lastDurationMs,
    createdAt: isoOf(job.createdAt),
    updatedAt: isoOf(job.updatedAt),
  };
}

export type ShownJob = ReturnType<typeof shownJob>;

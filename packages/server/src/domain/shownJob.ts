import { maskDestination } from './destinations.js';
import { isoOf } from './instant.js';
import type { Job } from './job.js';
import type { OnceSchedule, Schedule } from './schedule.js';

/** A schedule as a job is shown: a one-time instant in ISO-8601 like every other time. */
export type ShownSchedule = Exclude<Schedule, OnceSchedule> | { type: 'once'; at: string };

export function shownSchedule(schedule: Schedule): ShownSchedule {
  return schedule.type === 'once' ? { ...schedule, at: isoOf(schedule.at) } : schedule;
}

/** What {@link shownJob} reads of a job (a job record has every one of them). */
export type ShownJobSource = Pick<
  Job,
  | 'id'
  | 'name'
  | 'description'
  | 'status'
  | 'tags'
  | 'spaceId'
  | 'url'
  | 'destination'
  | 'method'
  | 'schedule'
  | 'retryPolicy'
  | 'timeoutMs'
  | 'storeResponseBody'
  | 'followRedirects'
  | 'onComplete'
  | 'callbackUrl'
  | 'failureCallbackUrl'
  | 'eventsUrl'
  | 'parentJobId'
  | 'lastRunAt'
  | 'lastStatus'
  | 'lastStatusCode'
  | 'lastDurationMs'
  | 'createdAt'
  | 'updatedAt'
>;

/**
 * The fields the native API's job (api/v1/views.ts `jobView`) and `$job` (jobVariable.ts) both
 * show, each written once: native names, instants in ISO-8601, a destination's secrets masked.
 * They come in sections, in the order both show them, because each puts its own fields between
 * them (the API a job's request and its schedule in words, `$job` neither) and receivers and
 * stream readers have been sent the fields in that order.
 */
export function shownJob(job: ShownJobSource) {
  return {
    identity: {
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
    },
    schedule: shownSchedule(job.schedule),
    settings: jobSettings(job),
    history: {
      lastRunAt: isoOf(job.lastRunAt),
      lastStatus: job.lastStatus,
      lastStatusCode: job.lastStatusCode,
      lastDurationMs: job.lastDurationMs,
      createdAt: isoOf(job.createdAt),
      updatedAt: isoOf(job.updatedAt),
    },
  };
}

/**
 * How a job is delivered and what follows its runs, as shown: the same in the API's job, in
 * `$job` and in a project export (service/exports.ts), which lists them in this order too.
 */
export function jobSettings(job: Pick<Job, 'retryPolicy' | 'timeoutMs' | 'storeResponseBody' | 'followRedirects' | 'onComplete' | 'callbackUrl' | 'failureCallbackUrl' | 'eventsUrl' | 'parentJobId'>) {
  return {
    retryPolicy: job.retryPolicy,
    timeoutMs: job.timeoutMs,
    storeResponseBody: job.storeResponseBody,
    followRedirects: job.followRedirects,
    onComplete: job.onComplete,
    callbackUrl: job.callbackUrl,
    failureCallbackUrl: job.failureCallbackUrl,
    eventsUrl: job.eventsUrl,
    parentJobId: job.parentJobId,
  };
}

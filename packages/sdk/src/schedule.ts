import type { CreateJob, JobSchedule } from './types.js';

/**
 * A weekly slot, as Runner's `runEvery: { day, hour, minute }`.
 * @example
 * ```ts
 * const slot: WeeklySlot = { day: 'monday', hour: 9, minute: 30 };
 * ```
 */
export interface WeeklySlot {
  /** The day of the week. */
  day: 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
  /** The hour, 0-23, in the schedule's time zone. */
  hour: number;
  /** The minute, 0-59 (default 0). */
  minute?: number;
}

/**
 * What {@link Kairos.schedule} takes: a job's fields, with exactly one of these ways to say when.
 *
 * @example
 * ```ts
 * const input: ScheduleInput = { url: 'https://example.com/hook', runIn: '10m', payload: { hello: 'world' } };
 * ```
 */
export type ScheduleInput = Omit<CreateJob, 'schedule'> & {
  /** Once, at this instant (a Date, epoch milliseconds or an ISO string). */
  runAt?: Date | number | string;
  /** Once, after this delay: milliseconds or a duration such as `"1h30m"` (s m h d w units). */
  runIn?: number | string;
  /** On this cron expression (5 fields, or 6 with seconds first; `@daily` …). */
  cron?: string;
  /** Every so often: milliseconds or a duration such as `"30s"`, `"5m"`. */
  every?: number | string;
  /**
   * A preset (`"midnight"`, `"morning"`, `"evening"`, `"startOfMonth"`, `"endOfMonth"`), a weekly
   * slot `{ day, hour, minute }`, or daily times `["08:00", "14:30"]`.
   */
  runEvery?: string | WeeklySlot | string[];
  /** IANA time zone of a recurring schedule (default: the space's, else UTC). */
  timezone?: string;
};

const when = ['runAt', 'runIn', 'cron', 'every', 'runEvery'] as const;

/**
 * The `POST /v1/jobs` body for a {@link ScheduleInput}. Throws a `TypeError` unless exactly one
 * of `runAt`, `runIn`, `cron`, `every`, `runEvery` is given.
 *
 * @example
 * ```ts
 * toCreateJob({ url: 'https://example.com', cron: '0 9 * * *', timezone: 'Europe/Berlin' });
 * // { url: 'https://example.com', schedule: { type: 'cron', expression: '0 9 * * *', timezone: 'Europe/Berlin' } }
 * ```
 */
export function toCreateJob(input: ScheduleInput): CreateJob {
  const { runAt, runIn, cron, every, runEvery, timezone, ...job } = input;
  const given = when.filter((k) => input[k] !== undefined);
  if (given.length !== 1) {
    throw new TypeError(`schedule: give exactly one of ${when.join(', ')}${given.length ? ` (got ${given.join(', ')})` : ''}`);
  }
  const zone = timezone !== undefined ? { timezone } : {};
  let schedule: JobSchedule;
  if (runAt !== undefined) schedule = { type: 'once', at: runAt instanceof Date ? runAt.toISOString() : runAt };
  else if (runIn !== undefined) schedule = { type: 'once', delay: runIn };
  else if (cron !== undefined) schedule = { type: 'cron', expression: cron, ...zone };
  else if (every !== undefined) schedule = { type: 'interval', every, ...zone };
  else if (Array.isArray(runEvery)) schedule = { type: 'daily', times: runEvery, ...zone };
  else if (typeof runEvery === 'object') schedule = { type: 'weekly', ...runEvery, ...zone };
  else schedule = { type: 'preset', preset: runEvery, ...zone };
  return { ...job, schedule };
}

/**
 * Schedules: what a client may ask for (`ScheduleInput`), the normalised form Kairos stores and
 * returns (`Schedule`), and the arithmetic that says when a job is due.
 *
 * Pure: no I/O and no clock reads; every function that needs the time takes `now` (epoch ms).
 *
 * The cron-like forms (cron, preset, weekly, daily) are evaluated with croner in the schedule's
 * time zone. Decisions worth knowing:
 *
 * - Day of month and day of week combine with OR when both are restricted, as in standard cron
 *   (`0 9 1 * MON` runs on the 1st and on every Monday). croner's `+` prefix (`+MON`) asks for AND.
 * - Daylight saving time, croner's Vixie-cron rules with `fixedTimeRule: 'no-wildcard'`:
 *   - A job whose seconds, minutes and hours have no wildcard or step (`30 2 * * *`, `0 8,18 * * *`,
 *     every preset, weekly and daily schedule) is a fixed-time job. When its wall-clock time does
 *     not exist (spring forward) it runs once, at the first valid time after the gap, on the same
 *     day (02:30 in New York on the spring-forward day runs at 03:00 EDT). When its time occurs twice
 *     (fall back) it runs once, at the first occurrence.
 *   - Any other job (`0 * * * *`, `*\/15 * * * *`) follows real time: times inside the gap are skipped
 *     and a repeated hour runs twice, so an hourly job runs exactly once per elapsed hour.
 * - Misfires collapse: after a run, the next run is the first occurrence strictly after both the
 *   run's due time and `now`, however many occurrences were missed.
 * - An interval schedule is a grid anchored at the previous due time, not at the time a delivery
 *   finished, so it does not drift.
 */
import { Cron } from 'croner';
import { parseDuration, readDuration } from './duration.js';
import type { FieldIssue, Result } from './errors.js';
import { describe, type Fields, isPlainObject, present } from './input.js';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export const SCHEDULE_TYPES = ['once', 'cron', 'interval', 'preset', 'weekly', 'daily'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export const PRESETS = ['midnight', 'morning', 'evening', 'startOfMonth', 'endOfMonth'] as const;
export type Preset = (typeof PRESETS)[number];

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEFAULT_TIMEZONE = 'UTC';
/** Shortest interval schedule. */
export const MIN_INTERVAL_MS = 1_000;
/** Longest interval schedule (366 days); longer periods are better written as cron. */
export const MAX_INTERVAL_MS = 366 * 86_400_000;
/** Most entries in a daily schedule's `times` (every half hour). */
export const MAX_DAILY_TIMES = 48;
/** Latest instant a JavaScript Date can hold. */
const MAX_EPOCH_MS = 8.64e15;
const MAX_INSTANT = new Date(MAX_EPOCH_MS).toISOString();

/** What an API client sends. Validated by {@link compileSchedule}, which accepts any JSON. */
export type ScheduleInput =
  | { type: 'once'; at: string | number; delay?: undefined }
  | { type: 'once'; delay: number | string; at?: undefined }
  | { type: 'cron'; expression: string; timezone?: string }
  | { type: 'interval'; every: number | string; timezone?: string }
  | { type: 'preset'; preset: Preset; timezone?: string }
  | { type: 'weekly'; day: string; hour?: number; minute?: number; timezone?: string }
  | { type: 'daily'; times: string[]; timezone?: string };

export interface OnceSchedule {
  type: 'once';
  /** Epoch milliseconds. */
  at: number;
}
export interface CronSchedule {
  type: 'cron';
  /** Trimmed, single-spaced; nicknames in lower case. */
  expression: string;
  timezone: string;
}
export interface IntervalSchedule {
  type: 'interval';
  /** Milliseconds. */
  every: number;
  timezone: string;
}
export interface PresetSchedule {
  type: 'preset';
  preset: Preset;
  timezone: string;
}
export interface WeeklySchedule {
  type: 'weekly';
  day: Weekday;
  hour: number;
  minute: number;
  timezone: string;
}
export interface DailySchedule {
  type: 'daily';
  /** "HH:mm", sorted, no duplicates. */
  times: string[];
  timezone: string;
}

/** The normalised, stored form of a schedule (JSON-serialisable). */
export type Schedule = OnceSchedule | CronSchedule | IntervalSchedule | PresetSchedule | WeeklySchedule | DailySchedule;
export type RecurringSchedule = Exclude<Schedule, OnceSchedule>;
type CronLikeSchedule = CronSchedule | PresetSchedule | WeeklySchedule | DailySchedule;

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

const TIMEZONE_CACHE_LIMIT = 1_000;
const timezoneCache = new Map<string, string | null>();

/**
 * The zone name to store for `name`, or null when it is not an IANA time zone this runtime knows.
 * Letter case is corrected (`europe/berlin` → `Europe/Berlin`); aliases are kept as written
 * (`Asia/Kolkata` stays, although ICU calls it `Asia/Calcutta`). UTC offsets such as `+02:00` are
 * not zones and are refused.
 */
export function normaliseTimeZone(name: string): string | null {
  const cached = timezoneCache.get(name);
  if (cached !== undefined) return cached;
  let result: string | null = null;
  if (name.length > 0 && name.length <= 64 && /^[A-Za-z]/.test(name)) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
      result = resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
    } catch {
      result = null;
    }
  }
  if (timezoneCache.size >= TIMEZONE_CACHE_LIMIT) timezoneCache.delete(timezoneCache.keys().next().value!);
  timezoneCache.set(name, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Compiled croner objects
// ---------------------------------------------------------------------------------------------

/** Bound of the compiled-cron cache; beyond it the oldest entry is dropped. */
export const CRON_CACHE_LIMIT = 10_000;

/**
 * The croner objects of one cron-like schedule, and the last answer given for it: no occurrence
 * lies in (memoFrom, memoNext], so the first occurrence after any instant in [memoFrom, memoNext)
 * is memoNext. Many jobs on one schedule (say `@hourly`) fire together and ask the same question,
 * which this answers without croner.
 */
interface CompiledCron {
  crons: readonly Cron[];
  memoFrom: number;
  memoNext: number;
}

const cronCache = new Map<string, CompiledCron>();

function newCron(pattern: string, timezone: string): Cron {
  return new Cron(pattern, {
    timezone,
    paused: true,
    mode: '5-or-6-parts',
    domAndDow: false,
    fixedTimeRule: 'no-wildcard',
  });
}

function cacheKey(s: CronLikeSchedule): string {
  switch (s.type) {
    case 'cron':
      return `c\u0000${s.timezone}\u0000${s.expression}`;
    case 'preset':
      return `p\u0000${s.timezone}\u0000${s.preset}`;
    case 'weekly':
      return `w\u0000${s.timezone}\u0000${s.day}\u0000${s.hour}\u0000${s.minute}`;
    case 'daily':
      return `d\u0000${s.timezone}\u0000${s.times.join(',')}`;
  }
}

const PRESET_PATTERNS: Record<Preset, string> = {
  midnight: '0 0 * * *',
  morning: '0 8 * * *',
  evening: '0 18 * * *',
  startOfMonth: '0 0 1 * *',
  endOfMonth: '59 23 L * *',
};

/**
 * The cron patterns a cron-like schedule stands for. A daily schedule becomes one pattern per
 * distinct minute, with that minute's hours as a list (`08:00, 12:00, 18:30` →
 * `0 8,12 * * *` and `30 18 * * *`); the earliest next occurrence of the patterns wins.
 */
export function cronPatternsOf(s: CronLikeSchedule): string[] {
  switch (s.type) {
    case 'cron':
      return [s.expression];
    case 'preset':
      return [PRESET_PATTERNS[s.preset]];
    case 'weekly':
      return [`${s.minute} ${s.hour} * * ${WEEKDAYS.indexOf(s.day)}`];
    case 'daily': {
      const hoursByMinute = new Map<number, number[]>();
      for (const time of s.times) {
        const hour = Number(time.slice(0, 2));
        const minute = Number(time.slice(3, 5));
        const hours = hoursByMinute.get(minute);
        if (hours) hours.push(hour);
        else hoursByMinute.set(minute, [hour]);
      }
      return [...hoursByMinute].map(([minute, hours]) => `${minute} ${hours.join(',')} * * *`);
    }
  }
}

function compiledCron(s: CronLikeSchedule): CompiledCron {
  const key = cacheKey(s);
  let entry = cronCache.get(key);
  if (entry === undefined) {
    entry = { crons: cronPatternsOf(s).map((pattern) => newCron(pattern, s.timezone)), memoFrom: 0, memoNext: 0 };
    if (cronCache.size >= CRON_CACHE_LIMIT) cronCache.delete(cronCache.keys().next().value!);
    cronCache.set(key, entry);
  }
  return entry;
}

/** Number of entries in the compiled-cron cache (for tests and metrics). */
export function cronCacheSize(): number {
  return cronCache.size;
}

/** Empties the compiled-cron cache (for tests and benchmarks). */
export function clearCronCache(): void {
  cronCache.clear();
}

/** First occurrence strictly after `after` (epoch ms), or null if there is none. */
function nextCronOccurrence(s: CronLikeSchedule, after: number): number | null {
  const entry = compiledCron(s);
  if (after >= entry.memoFrom && after < entry.memoNext) return entry.memoNext;
  const reference = new Date(after);
  let best: number | null = null;
  for (const cron of entry.crons) {
    const next = cron.nextRun(reference);
    if (next === null) continue;
    const t = next.getTime();
    if (best === null || t < best) best = t;
  }
  if (best !== null) {
    entry.memoFrom = after;
    entry.memoNext = best;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// When is it due
// ---------------------------------------------------------------------------------------------

export function isRecurring(s: Schedule): s is RecurringSchedule {
  return s.type !== 'once';
}

/**
 * When a newly created (or re-armed) job first runs: `at` for once (even if that has passed),
 * `now + every` for interval, otherwise the first occurrence strictly after `now`.
 */
export function firstRunAt(s: Schedule, now: number): number | null {
  switch (s.type) {
    case 'once':
      return s.at;
    case 'interval':
      return now + s.every;
    default:
      return nextCronOccurrence(s, now);
  }
}

/**
 * When a job runs next after its run due at `previousDue` has fired. Null for once.
 *
 * Missed occurrences collapse into one: the result is the first occurrence strictly after
 * `max(previousDue, now)`. Interval schedules stay on the grid `previousDue + k * every` (k >= 1).
 */
export function nextRunAfter(s: Schedule, previousDue: number, now: number): number | null {
  const reference = Math.max(previousDue, now);
  switch (s.type) {
    case 'once':
      return null;
    case 'interval': {
      const k = Math.floor((reference - previousDue) / s.every) + 1;
      return previousDue + k * s.every;
    }
    default:
      return nextCronOccurrence(s, reference);
  }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const ALLOWED_FIELDS: Record<ScheduleType, readonly string[]> = {
  once: ['type', 'at', 'delay'],
  cron: ['type', 'expression', 'timezone'],
  interval: ['type', 'every', 'timezone'],
  preset: ['type', 'preset', 'timezone'],
  weekly: ['type', 'day', 'hour', 'minute', 'timezone'],
  daily: ['type', 'times', 'timezone'],
};

/**
 * Validates and normalises a client's schedule. `input` may be any JSON value. All problems that
 * can be found independently are reported together, each with a `schedule.` field path.
 */
export function compileSchedule(input: unknown, now: number): Result<Schedule> {
  if (input === undefined) return { ok: false, issues: [{ field: 'schedule', issue: 'is required' }] };
  if (!isPlainObject(input)) {
    return { ok: false, issues: [{ field: 'schedule', issue: `must be an object, not ${describe(input)}` }] };
  }
  const type = input.type;
  if (!present(type)) {
    return { ok: false, issues: [{ field: 'schedule.type', issue: `is required; one of ${SCHEDULE_TYPES.join(', ')}` }] };
  }
  if (typeof type !== 'string' || !(SCHEDULE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, issues: [{ field: 'schedule.type', issue: `must be one of ${SCHEDULE_TYPES.join(', ')}` }] };
  }
  const scheduleType = type as ScheduleType;

  const issues: FieldIssue[] = [];
  const allowed = ALLOWED_FIELDS[scheduleType];
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) issues.push({ field: `schedule.${key}`, issue: `is not a field of a ${scheduleType} schedule` });
  }

  let schedule: Schedule | null;
  switch (scheduleType) {
    case 'once':
      schedule = compileOnce(input, now, issues);
      break;
    case 'cron':
      schedule = compileCron(input, now, issues);
      break;
    case 'interval':
      schedule = compileInterval(input, issues);
      break;
    case 'preset':
      schedule = compilePreset(input, issues);
      break;
    case 'weekly':
      schedule = compileWeekly(input, issues);
      break;
    case 'daily':
      schedule = compileDaily(input, issues);
      break;
  }
  if (issues.length > 0 || schedule === null) return { ok: false, issues };
  return { ok: true, value: schedule };
}

function timezoneField(input: Fields, issues: FieldIssue[]): string | null {
  const value = input.timezone;
  if (!present(value)) return DEFAULT_TIMEZONE;
  if (typeof value !== 'string') {
    issues.push({ field: 'schedule.timezone', issue: `must be a string, not ${describe(value)}` });
    return null;
  }
  const zone = normaliseTimeZone(value);
  if (zone === null) {
    issues.push({ field: 'schedule.timezone', issue: `is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)` });
  }
  return zone;
}

// once ----------------------------------------------------------------------------------------

function compileOnce(input: Fields, now: number, issues: FieldIssue[]): OnceSchedule | null {
  const hasAt = present(input.at);
  const hasDelay = present(input.delay);
  if (hasAt && hasDelay) {
    issues.push({ field: 'schedule.delay', issue: 'cannot be combined with at; give either at or delay' });
    return null;
  }
  if (!hasAt && !hasDelay) {
    issues.push({ field: 'schedule.at', issue: 'is required (or give delay instead)' });
    return null;
  }

  if (hasAt) {
    const raw = input.at;
    let at: number | null;
    if (typeof raw === 'number') {
      if (Number.isInteger(raw) && (raw < 0 || raw > MAX_EPOCH_MS)) {
        issues.push({ field: 'schedule.at', issue: `is out of range: epoch milliseconds go from 0 to ${MAX_EPOCH_MS} (${MAX_INSTANT})` });
        return null;
      }
      at = Number.isSafeInteger(raw) ? raw : null;
    } else if (typeof raw === 'string') {
      at = parseIsoInstant(raw);
    } else {
      issues.push({ field: 'schedule.at', issue: `must be an ISO-8601 date-time or epoch milliseconds, not ${describe(raw)}` });
      return null;
    }
    if (at === null) {
      issues.push({
        field: 'schedule.at',
        issue: 'must be an ISO-8601 date-time with a time zone offset (e.g. 2030-01-31T09:00:00Z) or epoch milliseconds',
      });
      return null;
    }
    if (at < now) {
      issues.push({ field: 'schedule.at', issue: 'is in the past' });
      return null;
    }
    return { type: 'once', at };
  }

  const raw = input.delay;
  if (typeof raw !== 'number' && typeof raw !== 'string') {
    issues.push({ field: 'schedule.delay', issue: `must be milliseconds or a duration such as 90s or 1h30m, not ${describe(raw)}` });
    return null;
  }
  const delay = readDuration(raw);
  if (delay === 'syntax') {
    issues.push({
      field: 'schedule.delay',
      issue: 'must be a non-negative whole number of milliseconds or a duration such as 90s, 5m or 1h30m',
    });
    return null;
  }
  if (delay === 'range' || now + delay > MAX_EPOCH_MS) {
    issues.push({ field: 'schedule.delay', issue: `is out of range: a delay goes from 0 to ${MAX_EPOCH_MS - now} milliseconds (it must end by ${MAX_INSTANT})` });
    return null;
  }
  const at = now + delay;
  return { type: 'once', at };
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Epoch ms of an ISO-8601 / RFC 3339 date-time that names an instant: a date, a time (seconds and
 * fractions optional) and `Z` or an offset. Calendar-checked (no February 30th); fractions beyond
 * milliseconds are truncated. Null for anything else, including local times without an offset,
 * which would depend on the server's zone.
 */
export function parseIsoInstant(text: string): number | null {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  const epoch = utc.getTime() - offsetMinutes * 60_000;
  return epoch >= 0 && epoch <= MAX_EPOCH_MS ? epoch : null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// cron ----------------------------------------------------------------------------------------

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];
const SECOND_FIELD = { name: 'second', min: 0, max: 59 };

/**
 * A readable complaint about an expression croner might accept or reject with a less helpful
 * message: field count, unknown nicknames and out-of-range numbers. Null when nothing is found
 * here (croner still has the last word).
 */
function precheckCron(expression: string): string | null {
  if (expression.startsWith('@')) {
    return NICKNAMES.includes(expression) ? null : `unknown nickname; use one of ${NICKNAMES.join(', ')}`;
  }
  const parts = expression.split(' ');
  if (parts.length !== 5 && parts.length !== 6) {
    return `must have 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, not ${parts.length}`;
  }
  const fields = parts.length === 6 ? [SECOND_FIELD, ...CRON_FIELDS] : CRON_FIELDS;
  for (let i = 0; i < parts.length; i++) {
    const field = fields[i]!;
    for (const item of parts[i]!.split(',')) {
      const [range = '', step] = item.split('/');
      if (step !== undefined && /^\d+$/.test(step) && Number(step) === 0) return `${field.name} step must be at least 1`;
      for (const bound of range.split('-')) {
        // Plain numbers, also with a croner suffix: 15W, 5L, 1#2.
        const number = /^(\d+)(?:[LW]|#\d+)?$/.exec(bound);
        if (!number) continue;
        const value = Number(number[1]);
        if (value < field.min || value > field.max) {
          return `${field.name} value ${value} is out of range ${field.min}-${field.max}`;
        }
      }
    }
  }
  return null;
}

function compileCron(input: Fields, now: number, issues: FieldIssue[]): CronSchedule | null {
  const raw = input.expression;
  const timezone = timezoneField(input, issues);
  if (!present(raw)) {
    issues.push({ field: 'schedule.expression', issue: 'is required' });
    return null;
  }
  if (typeof raw !== 'string') {
    issues.push({ field: 'schedule.expression', issue: `must be a string, not ${describe(raw)}` });
    return null;
  }
  let expression = raw.trim().replace(/\s+/g, ' ');
  if (expression.startsWith('@')) expression = expression.toLowerCase();
  if (expression === '') {
    issues.push({ field: 'schedule.expression', issue: 'must not be empty' });
    return null;
  }
  if (expression.length > 256) {
    issues.push({ field: 'schedule.expression', issue: 'is too long' });
    return null;
  }
  const problem = precheckCron(expression);
  if (problem !== null) {
    issues.push({ field: 'schedule.expression', issue: problem });
    return null;
  }
  let cron: Cron;
  try {
    cron = newCron(expression, timezone ?? DEFAULT_TIMEZONE);
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    issues.push({ field: 'schedule.expression', issue: `is not a valid cron expression: ${message}` });
    return null;
  }
  if (cron.nextRun(new Date(now)) === null) {
    issues.push({ field: 'schedule.expression', issue: 'never matches a date (e.g. February 30th)' });
    return null;
  }
  if (timezone === null) return null;
  return { type: 'cron', expression, timezone };
}

// interval ------------------------------------------------------------------------------------

function compileInterval(input: Fields, issues: FieldIssue[]): IntervalSchedule | null {
  const timezone = timezoneField(input, issues);
  const raw = input.every;
  if (!present(raw)) {
    issues.push({ field: 'schedule.every', issue: 'is required' });
    return null;
  }
  if (typeof raw !== 'number' && typeof raw !== 'string') {
    issues.push({ field: 'schedule.every', issue: `must be milliseconds or a duration such as 30s or 5m, not ${describe(raw)}` });
    return null;
  }
  const every = parseDuration(raw);
  if (every === null) {
    issues.push({ field: 'schedule.every', issue: 'must be a whole number of milliseconds or a duration such as 30s, 5m or 1h30m' });
    return null;
  }
  if (every < MIN_INTERVAL_MS) {
    issues.push({ field: 'schedule.every', issue: 'must be at least 1s (1000 ms)' });
    return null;
  }
  if (every > MAX_INTERVAL_MS) {
    issues.push({ field: 'schedule.every', issue: 'must be at most 366d; use a cron schedule for longer periods' });
    return null;
  }
  if (timezone === null) return null;
  return { type: 'interval', every, timezone };
}

// preset --------------------------------------------------------------------------------------

function compilePreset(input: Fields, issues: FieldIssue[]): PresetSchedule | null {
  const timezone = timezoneField(input, issues);
  const raw = input.preset;
  if (!present(raw)) {
    issues.push({ field: 'schedule.preset', issue: `is required; one of ${PRESETS.join(', ')}` });
    return null;
  }
  if (typeof raw !== 'string' || !(PRESETS as readonly string[]).includes(raw)) {
    issues.push({ field: 'schedule.preset', issue: `must be one of ${PRESETS.join(', ')}` });
    return null;
  }
  if (timezone === null) return null;
  return { type: 'preset', preset: raw as Preset, timezone };
}

// weekly --------------------------------------------------------------------------------------

function integerField(input: Fields, name: string, min: number, max: number, fallback: number, issues: FieldIssue[]): number | null {
  const raw = input[name];
  if (!present(raw)) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    issues.push({ field: `schedule.${name}`, issue: `must be a whole number from ${min} to ${max}` });
    return null;
  }
  return raw;
}

function compileWeekly(input: Fields, issues: FieldIssue[]): WeeklySchedule | null {
  const timezone = timezoneField(input, issues);
  const raw = input.day;
  let day: Weekday | null = null;
  if (!present(raw)) {
    issues.push({ field: 'schedule.day', issue: 'is required; a day of the week such as monday' });
  } else if (typeof raw !== 'string' || !(WEEKDAYS as readonly string[]).includes(raw.trim().toLowerCase())) {
    issues.push({ field: 'schedule.day', issue: `must be a day of the week: ${WEEKDAYS.join(', ')}` });
  } else {
    day = raw.trim().toLowerCase() as Weekday;
  }
  const hour = integerField(input, 'hour', 0, 23, 0, issues);
  const minute = integerField(input, 'minute', 0, 59, 0, issues);
  if (day === null || hour === null || minute === null || timezone === null) return null;
  return { type: 'weekly', day, hour, minute, timezone };
}

// daily ---------------------------------------------------------------------------------------

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

function compileDaily(input: Fields, issues: FieldIssue[]): DailySchedule | null {
  const timezone = timezoneField(input, issues);
  const raw = input.times;
  if (!present(raw)) {
    issues.push({ field: 'schedule.times', issue: 'is required; a list of times of day such as ["08:00", "18:30"]' });
    return null;
  }
  if (!Array.isArray(raw)) {
    issues.push({ field: 'schedule.times', issue: `must be a list of "HH:mm" times, not ${describe(raw)}` });
    return null;
  }
  if (raw.length === 0) {
    issues.push({ field: 'schedule.times', issue: 'must list at least one time' });
    return null;
  }
  if (raw.length > MAX_DAILY_TIMES) {
    issues.push({ field: 'schedule.times', issue: `must list at most ${MAX_DAILY_TIMES} times` });
    return null;
  }
  const seen = new Map<string, number>();
  let valid = true;
  raw.forEach((time: unknown, index) => {
    const field = `schedule.times[${index}]`;
    if (typeof time !== 'string' || !TIME_OF_DAY.test(time)) {
      issues.push({ field, issue: 'must be a 24-hour time "HH:mm" from 00:00 to 23:59' });
      valid = false;
      return;
    }
    const first = seen.get(time);
    if (first !== undefined) {
      issues.push({ field, issue: `repeats schedule.times[${first}]` });
      valid = false;
      return;
    }
    seen.set(time, index);
  });
  if (!valid || timezone === null) return null;
  return { type: 'daily', times: [...seen.keys()].sort(), timezone };
}

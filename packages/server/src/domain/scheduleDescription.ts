/**
 * A schedule in plain words ("every weekday at 09:00 (Europe/Berlin)"), for people reading a job
 * list or previewing a schedule before creating it. Pure.
 *
 * Cron expressions are described when they are one of the common shapes (every N minutes, at set
 * times on every day, on weekdays, on some days of the week or of the month); anything else is
 * shown as the expression itself, which is still exact.
 */
import type { Schedule } from './schedule.js';

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const dayAbbreviations = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const nicknames: Record<string, string> = {
  '@yearly': 'every year on 1 January at 00:00',
  '@annually': 'every year on 1 January at 00:00',
  '@monthly': 'on the 1st of every month at 00:00',
  '@weekly': 'every Sunday at 00:00',
  '@daily': 'every day at 00:00',
  '@midnight': 'every day at 00:00',
  '@hourly': 'every hour',
};

const presets: Record<string, string> = {
  midnight: 'every day at 00:00',
  morning: 'every day at 08:00',
  evening: 'every day at 18:00',
  startOfMonth: 'on the 1st of every month at 00:00',
  endOfMonth: 'on the last day of every month at 23:59',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** "a", "a and b", "a, b and c" */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function plural(n: number, unit: string): string {
  return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
}

const intervalUnits: readonly (readonly [number, string])[] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/** An interval in its largest whole unit: "every 5 minutes", "every 90 seconds", "every 250 ms". */
export function describeInterval(ms: number): string {
  for (const [size, unit] of intervalUnits) if (ms % size === 0) return plural(ms / size, unit);
  return `every ${ms} ms`;
}

/** A cron field's values when it is a plain number or a list of them; undefined otherwise. */
function numbers(field: string, min: number, max: number): number[] | undefined {
  if (!/^\d+(,\d+)*$/.test(field)) return undefined;
  const values = field.split(',').map(Number);
  return values.every((v) => v >= min && v <= max) ? [...new Set(values)].sort((a, b) => a - b) : undefined;
}

/** The days a day-of-week field names (0 = Sunday), for numbers, names, lists and ranges. */
function weekdays(field: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of field.toLowerCase().split(',')) {
    const range = part.split('-');
    if (range.length > 2) return undefined;
    const ends = range.map((p) => (/^\d$/.test(p) ? Number(p) % 7 : dayAbbreviations.indexOf(p)));
    if (ends.some((d) => d < 0)) return undefined;
    const [from, to = from] = ends as [number, number?];
    // 7 is Sunday as well: 5-7 is Friday to Sunday.
    const last = range.length === 2 && range[1] === '7' ? 7 : to!;
    if (last < from) return undefined;
    for (let d = from; d <= last; d++) days.add(d % 7);
  }
  return [...days].sort((a, b) => a - b);
}

function daysInWords(days: number[]): string {
  const key = days.join(',');
  if (key === '1,2,3,4,5') return 'every weekday';
  if (key === '0,6') return 'every Saturday and Sunday';
  if (days.length === 7) return 'every day';
  return `every ${listInWords(days.map((d) => dayNames[d]!))}`;
}

/** Minutes past each hour: "every hour", "every hour at :15", "every hour at :00 and :30". */
function hourly(minutes: number[]): string {
  if (minutes.length === 1 && minutes[0] === 0) return 'every hour';
  return `every hour at ${listInWords(minutes.map((m) => `:${pad(m)}`))}`;
}

/** The words for a 5-field (or 6-field, seconds first) cron expression, or undefined. */
function describeCron(expression: string): string | undefined {
  const nickname = nicknames[expression];
  if (nickname) return nickname;
  let fields = expression.split(' ');
  if (fields.length === 6) {
    if (fields[0] !== '0') return undefined;
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  if (month !== '*') return undefined;

  const step = /^\*\/(\d+)$/;
  const anyDay = dayOfMonth === '*' && dayOfWeek === '*';
  if (anyDay && hour === '*') {
    if (minute === '*') return 'every minute';
    const every = step.exec(minute);
    if (every) return plural(Number(every[1]), 'minute');
    const minutes = numbers(minute, 0, 59);
    return minutes ? hourly(minutes) : undefined;
  }
  const minutes = numbers(minute, 0, 59);
  if (minutes === undefined) return undefined;
  if (anyDay) {
    const everyHours = step.exec(hour);
    if (everyHours) return `${plural(Number(everyHours[1]), 'hour')}${minutes.length === 1 && minutes[0] === 0 ? '' : ` at ${listInWords(minutes.map((m) => `:${pad(m)}`))}`}`;
  }
  const hours = numbers(hour, 0, 23);
  if (hours === undefined) return undefined;
  const times = hours.flatMap((h) => minutes.map((m) => `${pad(h)}:${pad(m)}`));
  const at = listInWords(times);

  if (anyDay) return times.length === 1 ? `every day at ${at}` : `at ${at} every day`;
  if (dayOfMonth === '*') {
    const days = weekdays(dayOfWeek);
    return days ? `${daysInWords(days)} at ${at}` : undefined;
  }
  if (dayOfWeek === '*') {
    if (dayOfMonth === 'L') return `on the last day of every month at ${at}`;
    const dates = numbers(dayOfMonth, 1, 31);
    return dates ? `on the ${listInWords(dates.map(ordinal))} of every month at ${at}` : undefined;
  }
  return undefined;
}

/** "2026-12-07 08:00 UTC" (seconds shown only when set). */
function instant(ms: number): string {
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === '00' ? '' : `:${seconds}`} UTC`;
}

// Every job of every answer carries its description (a batch of 1 000, a page of a listing), and
// jobs share schedules: the words are remembered. A one-time instant is shown to the second, so
// the last second described stands for the jobs due within it (a batch made with one delay);
// cron expressions, the costliest to describe, are remembered by expression and zone, a bounded
// number of them.
let onceSecond = NaN;
let onceWords = '';
const cronWords = new Map<string, string>();
const cronWordsKept = 1_000;

/**
 * A stored schedule in words. Wall-clock forms name their time zone in parentheses; an interval
 * does not depend on one, and a one-time schedule is shown in UTC.
 */
export function describeSchedule(s: Schedule): string {
  switch (s.type) {
    case 'once': {
      const second = Math.floor(s.at / 1000);
      if (second !== onceSecond) {
        onceWords = `once at ${instant(s.at)}`;
        onceSecond = second;
      }
      return onceWords;
    }
    case 'interval':
      return describeInterval(s.every);
    case 'preset':
      return `${presets[s.preset]} (${s.timezone})`;
    case 'weekly':
      return `every ${dayNames[dayAbbreviations.indexOf(s.day.slice(0, 3))]} at ${pad(s.hour)}:${pad(s.minute)} (${s.timezone})`;
    case 'daily':
      return `${s.times.length === 1 ? `every day at ${s.times[0]}` : `at ${listInWords(s.times)} every day`} (${s.timezone})`;
    case 'cron': {
      const key = `${s.timezone} ${s.expression}`;
      let text = cronWords.get(key);
      if (text === undefined) {
        const words = describeCron(s.expression);
        text = `${words ?? `cron "${s.expression}"`} (${s.timezone})`;
        if (cronWords.size >= cronWordsKept) cronWords.clear();
        cronWords.set(key, text);
      }
      return text;
    }
  }
}

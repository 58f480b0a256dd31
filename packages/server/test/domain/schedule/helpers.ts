/** What the schedule tests share: instants, compiling and walking a schedule's runs. */
import { expect } from 'vitest';
import type { FieldIssue, Result } from '../../../src/domain/errors.js';
import { compileSchedule, firstRunAt, nextRunAfter, type Schedule } from '../../../src/domain/schedule.js';

export const t = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const NOW = t('2025-01-15T12:00:00Z');
export const HOUR = 3_600_000;

export function compiled(input: unknown, now = NOW): Schedule {
  const result = compileSchedule(input, now);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

export function issues(result: Result<unknown>): FieldIssue[] {
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return result.issues;
}

export function fieldsOf(input: unknown, now = NOW): string[] {
  return issues(compileSchedule(input, now)).map((i) => i.field);
}

/** The next `n` runs, starting from a job created at `from` and delivered on time. */
export function runs(s: Schedule, from: number, n: number): string[] {
  const out: string[] = [];
  let due = firstRunAt(s, from);
  while (due !== null && out.length < n) {
    out.push(iso(due)!);
    due = nextRunAfter(s, due, due);
  }
  return out;
}

/** All runs due in [from, to) for a job created at `from`. */
export function runsBetween(s: Schedule, from: number, to: number): number[] {
  const out: number[] = [];
  let due = firstRunAt(s, from);
  while (due !== null && due < to) {
    out.push(due);
    due = nextRunAfter(s, due, due);
  }
  return out;
}

/** The wall-clock date and time of `ms` in `timeZone`, as "YYYY-MM-DD HH:mm". */
export function local(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export function expectStrictlyIncreasing(times: number[]): void {
  for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
}

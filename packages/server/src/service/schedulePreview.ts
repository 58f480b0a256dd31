import { AppError } from '../domain/errors.js';
import { compileSchedule, firstRunAt, nextRunAfter, type Schedule } from '../domain/schedule.js';
import { describeSchedule } from '../domain/scheduleDescription.js';
import type { Store } from '../store/connect.js';
import { jobColumn } from '../store/rows.js';
import { upcomingJobs } from '../store/sql/upcomingRuns.js';

export const previewLimits = { maxCount: 50, defaultCount: 10 } as const;
export const upcomingLimits = { maxWindowMs: 31 * 86_400_000, defaultWindowMs: 86_400_000, maxLimit: 1_000, defaultLimit: 200 } as const;

/** The occurrences of `s` from its first after `from`, as a job created at `from` would run. */
function* occurrences(s: Schedule, first: number | null): Generator<number> {
  let at = first;
  while (at !== null) {
    yield at;
    at = nextRunAfter(s, at, at);
  }
}

export interface UpcomingRun {
  jobId: string;
  jobName: string | null;
  at: number;
}

/**
 * What a schedule would do before a job exists (its next occurrences and its description), and
 * when the project's active jobs run next in a window, for calendars.
 */
export function createSchedulePreviewService({ store }: { store: Store }) {
  return {
    /** A schedule as job creation would take it; a 422 names the field (`schedule.expression`…) as creation does. */
    preview(input: unknown, count: number, from: number) {
      const compiled = compileSchedule(input, from);
      if (!compiled.ok) throw AppError.validation(compiled.issues);
      const s = compiled.value;
      const list: number[] = [];
      for (const at of occurrences(s, firstRunAt(s, from))) {
        if (list.length >= count) break;
        list.push(at);
      }
      return { schedule: s, description: describeSchedule(s), timezone: s.type === 'once' ? 'UTC' : s.timezone, occurrences: list };
    },

    /**
     * Every active job's occurrences in [from, to), earliest first, at most `limit`. A job's next
     * run (a pending retry included) starts its sequence and its schedule continues it. The jobs
     * due soonest are read first, `limit + 1` of them: the first `limit` occurrences of all jobs
     * are among theirs, since each of them has one no later than any job left unread.
     */
    async upcoming(projectId: string, from: number, to: number, limit: number, jobId?: string): Promise<{ runs: UpcomingRun[]; truncated: boolean }> {
      const jobs = await upcomingJobs(store.db, projectId, to, limit + 1, jobId);
      let truncated = jobs.length > limit;
      const heads = jobs.map((job) => {
        const schedule = jobColumn.schedule(job.schedule);
        // An overdue run is not in the window: its schedule goes on from the window's start.
        const first = job.next_at >= from ? job.next_at : nextRunAfter(schedule, job.next_at, from - 1);
        const it = occurrences(schedule, first);
        const head = it.next();
        return { job, it, at: head.done ? null : head.value };
      });
      const runs: UpcomingRun[] = [];
      // A k-way merge: each step takes the earliest head and advances that job alone.
      for (;;) {
        let best: (typeof heads)[number] | undefined;
        for (const h of heads) if (h.at !== null && h.at < to && (best === undefined || h.at < best.at!)) best = h;
        if (best === undefined) break;
        if (runs.length === limit) {
          truncated = true;
          break;
        }
        runs.push({ jobId: best.job.id, jobName: best.job.name, at: best.at! });
        const next = best.it.next();
        best.at = next.done ? null : next.value;
      }
      return { runs, truncated };
    },
  };
}

export type SchedulePreviewService = ReturnType<typeof createSchedulePreviewService>;

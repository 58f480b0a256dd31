import { AppError } from '../domain/errors.js';
import { compileSchedule, firstRunAt, nextRunAfter, type Schedule } from '../domain/schedule.js';
import { describeSchedule } from '../domain/scheduleDescription.js';
import type { Store } from '../store/connect.js';
import { jobColumn } from '../store/rows.js';
import { jobsDueBefore, jobsDueInWindow, type UpcomingJob } from '../store/sql/upcomingRuns.js';
import { SoonestRuns } from './soonestRuns.js';

export const previewLimits = { maxCount: 50, defaultCount: 10 } as const;
export const upcomingLimits = { maxWindowMs: 31 * 86_400_000, defaultWindowMs: 86_400_000, maxLimit: 1_000, defaultLimit: 200 } as const;
/** How many jobs one read of the upcoming runs holds in memory at once. */
const jobsPerRead = 1_000;

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
     * Every active job's occurrences in [from, to), earliest first (at one instant, by job id), at
     * most `limit`. A job's next run (a pending retry included) starts its sequence and its
     * schedule continues it. The `limit + 1` soonest are kept as the jobs are read, a page at a
     * time: `truncated` says whether that one more exists.
     */
    async upcoming(projectId: string, from: number, to: number, limit: number, jobId?: string): Promise<{ runs: UpcomingRun[]; truncated: boolean }> {
      const soonest = new SoonestRuns<UpcomingRun>(limit + 1);
      /** Offers the job's runs in the window until one is not among the soonest, nor will a later one be. */
      const offer = (job: UpcomingJob) => {
        const schedule = jobColumn.schedule(job.schedule);
        // An overdue run is not in the window: its schedule goes on from the window's start.
        const first = job.next_at >= from ? job.next_at : nextRunAfter(schedule, job.next_at, from - 1);
        for (const at of occurrences(schedule, first)) {
          if (at >= to || !soonest.offer({ jobId: job.id, jobName: job.name, at })) break;
        }
      };

      // A job due before the window starts has its first run in it wherever its schedule puts it,
      // unrelated to when it is due: every such job is read.
      let afterId: string | undefined;
      for (;;) {
        const page = await jobsDueBefore(store.db, projectId, from, { afterId, limit: jobsPerRead }, jobId);
        page.forEach(offer);
        if (page.length < jobsPerRead) break;
        afterId = page.at(-1)!.id;
      }

      // A job due in the window has no run there before it is due: read soonest due first, they
      // stop mattering once one is due after the last of the soonest runs kept.
      let after: { nextAt: number; id: string } | undefined;
      reading: for (;;) {
        const page = await jobsDueInWindow(store.db, projectId, { from, to }, { after, limit: jobsPerRead }, jobId);
        for (const job of page) {
          if (soonest.full && job.next_at > soonest.latest!.at) break reading;
          offer(job);
        }
        if (page.length < jobsPerRead) break;
        const last = page.at(-1)!;
        after = { nextAt: last.next_at, id: last.id };
      }

      const runs = soonest.sorted();
      return { runs: runs.slice(0, limit), truncated: runs.length > limit };
    },
  };
}

export type SchedulePreviewService = ReturnType<typeof createSchedulePreviewService>;

import { api, unwrap } from '../../api/client';
import type { UpcomingRun } from '../../api/types';

/** The most the API gives in one answer. */
const pageSize = 1000;
/**
 * How many pages of one day the calendar reads. A job every minute makes 1440 runs a day, which
 * two pages hold; a job every few seconds makes tens of thousands, and the day says from when on
 * its runs are not drawn rather than asking for dozens of pages on every live update.
 */
export const pagesPerDay = 5;

export interface DayOfRuns {
  runs: UpcomingRun[];
  /** When the day holds more runs than were read: the instant after which none is drawn. */
  cutAt: number | null;
}

/**
 * A day's upcoming runs in [from, to), read page after page: each page starts at the instant of
 * the previous one's last run (runs of several jobs can share an instant and a page can end among
 * them), and a run already read is not taken twice.
 */
export async function upcomingOfDay(from: number, to: number): Promise<DayOfRuns> {
  const runs: UpcomingRun[] = [];
  const seen = new Set<string>();
  let at = from;
  for (let page = 0; page < pagesPerDay; page++) {
    const answer = await unwrap(api.GET('/v1/runs/upcoming', { params: { query: { from: new Date(at).toISOString(), to: new Date(to).toISOString(), limit: pageSize } } }));
    for (const run of answer.data) {
      const key = `${run.jobId}@${run.at}`;
      if (seen.has(key)) continue;
      seen.add(key);
      runs.push(run);
    }
    if (!answer.meta.truncated) return { runs, cutAt: null };
    const last = Date.parse(answer.data.at(-1)!.at);
    // A whole page at one instant: the next page would be the same one.
    if (last === at) break;
    at = last;
  }
  return { runs, cutAt: Date.parse(runs.at(-1)!.at) };
}

import type { RequestOptions } from '../core/transport.js';
import type { SchedulePreview, SchedulePreviewRequest, UpcomingRuns, UpcomingRunsQuery } from '../types.js';
import { Resource } from './resource.js';

/**
 * Schedules before and across jobs: a schedule's next occurrences in words, and the runs due soon.
 *
 * @example
 * ```ts
 * const { description, occurrences } = await kairos.schedules.preview({ schedule: { type: 'cron', expression: '0 9 * * 1-5' } });
 * ```
 */
export class Schedules extends Resource {
  /**
   * A schedule's next occurrences and its description in plain words, without creating a job. Takes
   * any schedule form a job takes; an invalid one is a {@link ValidationError} naming the field.
   * @example
   * ```ts
   * const preview = await kairos.schedules.preview({ schedule: { type: 'cron', expression: '30 8 * * 1', timezone: 'Europe/Berlin' }, count: 3 });
   * console.log(preview.description, preview.occurrences);
   * ```
   */
  async preview(request: SchedulePreviewRequest, options?: RequestOptions): Promise<SchedulePreview> {
    const { data } = await this.transport.json<{ data: SchedulePreview }>({ method: 'POST', path: '/v1/schedules/preview', body: request, retry: 'safe', options });
    return data;
  }

  /**
   * The occurrences of the project's active jobs in a window (now to now + 24 h by default, at most
   * 31 days), earliest first; `meta.truncated` says when more lie in the window than `limit`.
   * @example
   * ```ts
   * const { data } = await kairos.schedules.upcoming({ to: new Date(Date.now() + 3_600_000).toISOString() });
   * for (const run of data) console.log(run.at, run.jobName ?? run.jobId);
   * ```
   */
  async upcoming(query: Partial<UpcomingRunsQuery> = {}, options?: RequestOptions): Promise<UpcomingRuns> {
    return this.transport.json<UpcomingRuns>({ method: 'GET', path: '/v1/runs/upcoming', query, retry: 'safe', options });
  }
}

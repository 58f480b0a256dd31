import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../../domain/errors.js';
import { type SchedulePreviewService, upcomingLimits } from '../../../service/schedulePreview.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors } from '../schemas/common.js';
import { UpcomingRuns, UpcomingRunsQuery } from '../schemas/live.js';
import { instantOf } from './schedulePreview.js';

const iso = (ms: number) => new Date(ms).toISOString();

export const upcomingRunRoutes: FastifyPluginAsyncTypebox<{ previews: SchedulePreviewService }> = async (app, { previews }) => {
  app.get(
    '/runs/upcoming',
    {
      schema: {
        tags: ['jobs'],
        summary: "The occurrences of the project's active jobs in a window (now to now + 24 h by default, at most 31 days), earliest first",
        querystring: UpcomingRunsQuery,
        response: { 200: UpcomingRuns, ...clientErrors },
      },
    },
    async (request) => {
      const { projectId } = callerOf(request);
      const from = instantOf(request.query.from, 'from', Date.now());
      const to = instantOf(request.query.to, 'to', from + upcomingLimits.defaultWindowMs);
      if (to <= from) throw AppError.validation([{ field: 'to', issue: 'must be after from' }]);
      if (to - from > upcomingLimits.maxWindowMs) throw AppError.validation([{ field: 'to', issue: 'must be at most 31 days after from' }]);
      const { runs, truncated } = await previews.upcoming(projectId, from, to, request.query.limit, request.query.jobId);
      return { data: runs.map((r) => ({ jobId: r.jobId, jobName: r.jobName, at: iso(r.at) })), meta: { from: iso(from), to: iso(to), truncated } };
    },
  );
};

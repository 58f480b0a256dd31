import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../../domain/errors.js';
import type { SchedulePreviewService } from '../../../service/schedulePreview.js';
import { previewLimits } from '../../../service/schedulePreview.js';
import { clientErrors, Data } from '../schemas/common.js';
import { SchedulePreview, SchedulePreviewBody } from '../schemas/live.js';

/** An instant from a query or body, or a 422 naming the field. */
export function instantOf(text: string | undefined, field: string, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw AppError.validation([{ field, issue: 'must be an ISO-8601 instant' }]);
  return ms;
}

export const schedulePreviewRoutes: FastifyPluginAsyncTypebox<{ previews: SchedulePreviewService }> = async (app, { previews }) => {
  app.post(
    '/schedules/preview',
    {
      schema: {
        tags: ['jobs'],
        summary: 'A schedule\'s next occurrences and its description in words, before a job exists (an invalid schedule is a 422 as on POST /v1/jobs)',
        body: SchedulePreviewBody,
        response: { 200: Data(SchedulePreview, 'The preview'), ...clientErrors },
      },
      // A POST that changes nothing.
      config: { scope: 'read' },
    },
    async (request) => {
      const { schedule, count = previewLimits.defaultCount } = request.body;
      const { description, timezone, occurrences } = previews.preview(schedule, count, instantOf(request.body.from, 'from', Date.now()));
      return { data: { description, timezone, occurrences: occurrences.map((ms) => new Date(ms).toISOString()) } };
    },
  );
};
